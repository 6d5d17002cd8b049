"""The one policy of orgreg.roles: every role × every status × confidential_until (none, lifted,
still in force), for each kind of object it decides about, and the edit and comparison rules.

The world is built through the services once per test; each test then asks the policy as
every role would."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from med import services as med_services
from med.models import MedBody
from orgreg import roles
from orgreg.roles import Policy, policy, server_policy
from tests import factories
from timeline import services as timeline_services
from timeline.models import Milestone
from units import services
from units.models import Unit

D = datetime.date
TODAY = timezone.localdate()
STATUSES = ["draft", "consultation", "approved", "published", "discarded"]
SECRECY = {"none": None, "lifted": D(2000, 1, 1), "secret": D(2199, 1, 1)}
ROLES = ["anonymous", "inactive", "no_group", "reader", "manager", "med_member", "editor",
         "superuser"]
PATH = {"draft": [], "consultation": ["consultation"], "approved": ["consultation", "approved"],
        "published": ["consultation", "approved", "published"], "discarded": ["discarded"]}


def sees(role: str, status: str, secrecy: str) -> bool:
    """The rule, written out as DESIGN.md states it."""
    if role in ("anonymous", "inactive"):
        return False
    if role in ("editor", "superuser"):
        return True
    if role == "med_member" and status in ("consultation", "approved", "published"):
        return True
    return status == "published" and secrecy != "secret"


@pytest.fixture
def users(db, editor, manager, med_member, reader):
    inactive = factories.make_user("inaktiv", roles.READER)
    inactive.is_active = False
    inactive.save()
    return {
        "anonymous": AnonymousUser(), "inactive": inactive,
        "no_group": factories.make_user("uden-gruppe"), "reader": reader, "manager": manager,
        "med_member": med_member, "editor": editor,
        "superuser": factories.make_user("admin", superuser=True),
    }


def fresh(users: dict, role: str):
    """The user as a new request would have it: nothing cached."""
    user = users[role]
    if role == "anonymous":
        return AnonymousUser()
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def world(editor, organisation, users):
    """One structure per status × secrecy, each with a unit, a MED body with a meeting, a
    consultation and a milestone; the members are members of the bodies of the structures
    with secrecy "none" and "secret", not "lifted"."""
    out = {}
    day = D(2030, 1, 1)
    for status in STATUSES:
        for secrecy, until in SECRECY.items():
            key = (status, secrecy)
            structure, units = factories.make_structure(
                editor, {"U": f"Enhed {status} {secrecy}"}, organisation=organisation,
                name=f"{status} {secrecy}", effective_date=day)
            day += datetime.timedelta(days=1)
            if until:
                structure = services.update_structure(structure, confidential_until=until,
                                                      user=editor)
            body = med_services.create_body(structure, name=f"MED {status} {secrecy}",
                                            level="lokal", valid_from=D(2024, 1, 1), user=editor)
            if secrecy != "lifted":
                for role in ("no_group", "reader", "manager", "med_member", "inactive"):
                    med_services.add_membership(body, person_name=role, side="medarbejder",
                                                valid_from=D(2024, 1, 1),
                                                person_user=users[role], user=editor)
            meeting = med_services.create_meeting(
                body, starts_at=timezone.make_aware(datetime.datetime(2024, 11, 13, 14)),
                user=editor)
            consultation = med_services.create_consultation(
                structure, body=body, sent_on=D(2024, 11, 1), deadline=D(2024, 12, 1),
                user=editor)
            milestone = timeline_services.create_milestone(
                organisation, title=f"Milepæl {status} {secrecy}", date=D(2024, 12, 1),
                structure=structure, user=editor)
            for step in PATH[status]:
                structure = services.set_status(structure, step, user=editor)
            # Read back, so that each object's structure has its final status.
            out[key] = {
                "structure": structure, "unit": Unit.objects.select_related("structure")
                .get(pk=units["U"].pk),
                "body": MedBody.objects.select_related("structure").get(pk=body.pk),
                "meeting": meeting, "consultation": consultation,
                "milestone": Milestone.objects.select_related("structure").get(pk=milestone.pk),
                "member": secrecy != "lifted"}
    out["open_milestone"] = timeline_services.create_milestone(
        organisation, title="Uden organisering", date=D(2024, 12, 2), user=editor)
    return out


def keys(world):
    return [k for k in world if isinstance(k, tuple)]


def expected_keys(world, role):
    return {k for k in keys(world) if sees(role, *k)}


# --- structures and units -----------------------------------------------------------------


def test_structures_and_units_per_role_status_and_secrecy(world, users):
    for role in ROLES:
        rules = policy(fresh(users, role))
        want = expected_keys(world, role)
        by_pk = {world[k]["structure"].pk: k for k in keys(world)}
        assert {by_pk[pk] for pk in rules.structures().values_list("pk", flat=True)} == want
        unit_keys = {k for k in keys(world) if world[k]["unit"].pk in
                     set(rules.units().values_list("pk", flat=True))}
        assert unit_keys == want
        for k in keys(world):
            structure, unit = world[k]["structure"], world[k]["unit"]
            seen = k in want
            assert rules.can_see_structure(structure) is seen, (role, k)
            assert rules.can_see_structure_id(structure.pk) is seen, (role, k)
            assert rules.can_see_status(structure.status,
                                        structure.confidential_until) is seen, (role, k)
            assert rules.can_see_unit(unit) is seen, (role, k)
            if seen:
                assert rules.get_structure_or_404(structure.pk) == structure
                assert rules.get_unit_or_404(unit.pk) == unit
            else:
                with pytest.raises(Http404):
                    rules.get_structure_or_404(structure.pk)
                with pytest.raises(Http404):
                    rules.get_unit_or_404(unit.pk)


def test_missing_and_malformed_ids_are_the_same_404(editor, small):
    rules = policy(editor)
    for pk in (999999, "abc", None):
        with pytest.raises(Http404, match="Ingen organisering fundet"):
            rules.get_structure_or_404(pk)
        with pytest.raises(Http404, match="Ingen enhed fundet"):
            rules.get_unit_or_404(pk)
    assert not rules.can_see_structure_id(None)
    assert not rules.can_see_structure_id(999999)


def test_confidential_until_hides_until_its_day_and_not_after(editor, small, reader, manager,
                                                               med_member):
    structure, _ = small
    day = D(2031, 5, 1)
    structure = services.update_structure(structure, confidential_until=day, user=editor)
    for user in (reader, manager):
        for today, seen in ((day - datetime.timedelta(days=1), False), (day, True),
                            (day + datetime.timedelta(days=1), True)):
            rules = Policy(user, today=today)
            assert rules.can_see_structure(structure) is seen, today
            assert rules.structures().filter(pk=structure.pk).exists() is seen, today
    med = Policy(med_member, today=day - datetime.timedelta(days=1))
    assert med.can_see_structure(structure)
    assert med.structures().filter(pk=structure.pk).exists()


def test_structure_ids_are_read_once_per_policy(world, users, django_assert_num_queries):
    user = fresh(users, "reader")
    rules = policy(user)
    assert policy(user) is rules  # kept on the user object: one per request
    assert rules.is_editor is False  # the groups, read once
    with django_assert_num_queries(1):
        for k in keys(world):
            rules.can_see_structure_id(world[k]["structure"].pk)
    with django_assert_num_queries(0):
        for k in keys(world):
            rules.can_see_structure_id(world[k]["structure"].pk)


def test_as_recorded_needs_the_status_it_had_then(editor, reader, med_member, small):
    """A published structure printed or shown as it was on a draft day is the editors'."""
    structure, _ = small
    assert policy(reader).can_see_structure(structure)
    assert not policy(reader).can_see_as_recorded(structure, "draft")
    assert not policy(reader).can_see_as_recorded(structure, "consultation")
    assert policy(reader).can_see_as_recorded(structure, "published")
    assert policy(reader).can_see_as_recorded(structure, "")  # before it existed: nothing
    assert policy(med_member).can_see_as_recorded(structure, "consultation")
    assert not policy(med_member).can_see_as_recorded(structure, "draft")
    assert policy(editor).can_see_as_recorded(structure, "draft")


# --- MED: bodies, meetings, consultations --------------------------------------------------


def _bodies_follow_their_structure(world, users):
    for role in ROLES:
        rules = policy(fresh(users, role))
        want = expected_keys(world, role)
        got = set(rules.med_bodies().values_list("pk", flat=True))
        assert {k for k in keys(world) if world[k]["body"].pk in got} == want
        for k in keys(world):
            body = world[k]["body"]
            assert rules.can_see_med_body(body) is (k in want)
            if k in want:
                assert rules.get_med_body_or_404(body.pk) == body
            else:
                with pytest.raises(Http404):
                    rules.get_med_body_or_404(body.pk)


def _meetings_for_editors_and_members_of_a_visible_body(world, users):
    for role in ROLES:
        rules = policy(fresh(users, role))
        editor = role in ("editor", "superuser")
        want = {k for k in keys(world) if sees(role, *k) and (editor or world[k]["member"])}
        got = set(rules.meetings().values_list("pk", flat=True))
        assert {k for k in keys(world) if world[k]["meeting"].pk in got} == want
        for k in keys(world):
            body, meeting = world[k]["body"], world[k]["meeting"]
            assert rules.can_see_meetings_of(body) is (k in want), (role, k)
            if k in want:
                assert rules.get_meeting_or_404(meeting.pk) == meeting
            else:
                with pytest.raises(Http404):
                    rules.get_meeting_or_404(meeting.pk)


def _consultations(world, users):
    for role in ROLES:
        rules = policy(fresh(users, role))
        if role in ("editor", "superuser"):
            want = set(keys(world))
        elif role == "med_member":
            want = expected_keys(world, role)
        else:
            want = {k for k in expected_keys(world, role) if world[k]["member"]}
        got = set(rules.consultations().values_list("pk", flat=True))
        assert {k for k in keys(world) if world[k]["consultation"].pk in got} == want
        for k in keys(world):
            pk = world[k]["consultation"].pk
            if k in want:
                assert rules.get_consultation_or_404(pk).pk == pk
            else:
                with pytest.raises(Http404):
                    rules.get_consultation_or_404(pk)


def test_med_bodies_meetings_and_consultations(world, users):
    """Bodies follow their structure. Meetings: editors, and members of a body they may see.
    Consultations: editors all; the MED group those on structures they see; a member of a body
    (outside the MED group) those on visible structures sent to their bodies; others none."""
    _bodies_follow_their_structure(world, users)
    _meetings_for_editors_and_members_of_a_visible_body(world, users)
    _consultations(world, users)


# --- timeline --------------------------------------------------------------------------


def test_milestones_follow_their_structure_or_everyone_logged_in(world, users):
    for role in ROLES:
        rules = policy(fresh(users, role))
        logged_in = role not in ("anonymous", "inactive")
        want = {world[k]["milestone"].pk for k in expected_keys(world, role)}
        if logged_in:
            want.add(world["open_milestone"].pk)
        assert set(rules.milestones().values_list("pk", flat=True)) == want
        for m in [world[k]["milestone"] for k in keys(world)] + [world["open_milestone"]]:
            assert rules.can_see_milestone(m) is (m.pk in want)
            if m.pk in want:
                assert rules.get_milestone_or_404(m.pk) == m
            else:
                with pytest.raises(Http404):
                    rules.get_milestone_or_404(m.pk)


def test_organisations_workstreams_and_deliverables_for_everyone_logged_in(
        editor, organisation, users):
    ws = timeline_services.create_workstream(organisation, name="Indsats", user=editor)
    d = timeline_services.create_deliverable(ws, title="Leverance", start=D(2024, 1, 1),
                                             end=D(2024, 2, 1), user=editor)
    for role in ROLES:
        rules = policy(fresh(users, role))
        logged_in = role not in ("anonymous", "inactive")
        assert rules.organisations().filter(pk=organisation.pk).exists() is logged_in, role
        assert rules.workstreams().filter(pk=ws.pk).exists() is logged_in, role
        assert rules.deliverables().filter(pk=d.pk).exists() is logged_in, role
        for get, pk in ((rules.get_organisation_or_404, organisation.pk),
                        (rules.get_workstream_or_404, ws.pk),
                        (rules.get_deliverable_or_404, d.pk)):
            if logged_in:
                assert get(pk).pk == pk
            else:
                with pytest.raises(Http404):
                    get(pk)


# --- editing ---------------------------------------------------------------------------


def test_only_editors_edit_and_only_drafts(world, users):
    for role in ROLES:
        rules = policy(fresh(users, role))
        editor = role in ("editor", "superuser")
        assert rules.is_editor is editor
        assert rules.can_edit() is editor
        for k in keys(world):
            structure = world[k]["structure"]
            assert rules.can_edit_structure(structure) is (editor and k[0] == "draft")
            assert rules.can_manage_structure(structure) is editor
            if editor and k[0] == "draft":
                assert rules.get_editable_structure_or_404(structure.pk) == structure
            elif editor:
                # An editor sees the structure, so a refusal with its reason tells nothing.
                with pytest.raises(PermissionDenied, match="Kun udkast kan ændres"):
                    rules.get_editable_structure_or_404(structure.pk)
            else:
                # A non-editor learns nothing: hidden, visible or missing, it is a 404.
                with pytest.raises(Http404):
                    rules.get_editable_structure_or_404(structure.pk)
        if not editor:
            with pytest.raises(Http404):
                rules.require_editor()
            with pytest.raises(Http404):
                rules.get_editable_structure_or_404(999999)


def test_server_policy_sees_everything_and_edits_nothing(world):
    rules = server_policy()
    assert rules.structures().count() == len(keys(world))
    assert rules.meetings().count() == len(keys(world))
    assert rules.consultations().count() == len(keys(world))
    assert all(rules.can_see_structure(world[k]["structure"]) for k in keys(world))
    assert not rules.is_editor
    assert not rules.can_edit_structure(world[("draft", "none")]["structure"])


def test_no_user_sees_nothing(small):
    structure, _ = small
    rules = policy(None)
    assert not rules.structures().exists() and not rules.milestones().exists()
    assert not rules.can_see_structure(structure)


# --- comparing -------------------------------------------------------------------------


def test_comparable_pair_is_one_organisation_and_both_visible(editor, reader, small):
    published, _ = small
    draft = services.copy_structure(published, name="Udkast", effective_date=D(2025, 1, 1),
                                    user=editor)
    other, _ = factories.make_structure(editor, status="published")
    assert roles.comparable(published, draft) and not roles.comparable(published, other)
    assert policy(editor).get_comparable_pair_or_404(published.pk, draft.pk) == (published,
                                                                                  draft)
    with pytest.raises(Http404, match="forskellige organisationer"):
        policy(editor).get_comparable_pair_or_404(published.pk, other.pk)
    with pytest.raises(Http404, match="Ingen organisering"):
        policy(reader).get_comparable_pair_or_404(published.pk, draft.pk)
    with pytest.raises(Http404):
        policy(editor).get_comparable_pair_or_404(published.pk, 999999)


def test_role_names(med_member):
    assert policy(factories.make_user("admin", superuser=True)).role_names == ["Administrator"]
    assert policy(med_member).role_names == [roles.MED]
    assert policy(AnonymousUser()).role_names == []
