"""units.lifecycle: which status may follow which, and what each status allows."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories
from units import lifecycle, printing, services
from units.forms import StatusForm
from units.models import Status, Structure, Unit

DRAFT, CONSULTATION, APPROVED, PUBLISHED, DISCARDED = (
    Status.DRAFT, Status.CONSULTATION, Status.APPROVED, Status.PUBLISHED, Status.DISCARDED)


def test_next_statuses_go_forward_only():
    assert lifecycle.next_statuses(DRAFT) == (CONSULTATION, APPROVED, PUBLISHED, DISCARDED)
    assert lifecycle.next_statuses(CONSULTATION) == (APPROVED, PUBLISHED, DISCARDED)
    assert lifecycle.next_statuses(APPROVED) == (PUBLISHED, DISCARDED)
    assert lifecycle.next_statuses(PUBLISHED) == ()
    assert lifecycle.next_statuses(DISCARDED) == ()


@pytest.mark.parametrize("current,wanted", list(itertools.product(Status.values, repeat=2)))
def test_check_transition_allows_exactly_the_next_statuses(current, wanted):
    allowed = wanted == current or wanted in lifecycle.next_statuses(current)
    if allowed:
        assert lifecycle.check_transition(current, wanted) == wanted
    else:
        with pytest.raises(ValidationError):
            lifecycle.check_transition(current, wanted)


@pytest.mark.parametrize("current,wanted,message", [
    (DRAFT, "bogus", "Ukendt status: bogus."),
    (DISCARDED, APPROVED, "forkastet; dens status kan ikke ændres"),
    (PUBLISHED, DISCARDED, "En udmeldt organisering kan ikke forkastes."),
    (APPROVED, CONSULTATION, "fra Vedtaget kan organiseringen ikke gå tilbage til I høring"),
])
def test_refusals_say_why_in_danish(current, wanted, message):
    with pytest.raises(ValidationError) as raised:
        lifecycle.check_transition(current, wanted)
    assert message in raised.value.messages[0]


def test_what_each_status_allows():
    assert [s for s in Status if lifecycle.is_editable(s)] == [DRAFT]
    assert [s for s in Status if lifecycle.is_frozen(s)] == [
        CONSULTATION, APPROVED, PUBLISHED, DISCARDED]
    assert [s for s in Status if lifecycle.counts_in_force(s)] == [APPROVED, PUBLISHED]
    assert [s for s in Status if lifecycle.prints_notices(s)] == [APPROVED, PUBLISHED]
    assert [s for s in Status if lifecycle.is_proposal(s)] == [DRAFT, CONSULTATION]


def test_stamps():
    assert [lifecycle.stamp(s) for s in Status] == ["UDKAST", "I HØRING", "", "", "FORKASTET"]
    assert lifecycle.stamp(APPROVED, DRAFT) == "UDKAST"
    assert lifecycle.stamp(CONSULTATION, DRAFT) == "I HØRING"  # the first that has one
    assert lifecycle.stamp(PUBLISHED, APPROVED) == ""


# --- the callers ask it ---------------------------------------------------------------------


@pytest.mark.parametrize("status", Status.values)
def test_the_status_form_offers_what_the_service_accepts(editor, status):
    structure, _ = factories.make_structure(editor, {"A": "Afdeling A"}, status=status)
    offered = [value for value, _label in StatusForm(structure=structure)
               .fields["status"].choices]
    assert offered == list(lifecycle.next_statuses(status))
    for wanted in Status.values:
        if wanted == status or wanted in offered:
            continue
        with pytest.raises(ValidationError):
            services.set_status(structure, wanted, user=editor)
        assert Structure.objects.get(pk=structure.pk).status == status
    for wanted in offered:
        again, _ = factories.make_structure(editor, {"A": "Afdeling A"}, status=status)
        assert services.set_status(again, wanted, user=editor).status == wanted


def test_only_a_draft_can_be_edited(editor):
    structure, units = factories.make_structure(editor, {"A": "Afdeling A"},
                                                status="consultation")
    with pytest.raises(ValidationError, match="kan ikke ændres"):
        services.update_unit(units["A"], user=editor, name="Andet navn")
    with pytest.raises(ValidationError, match="kun ændres i et udkast"):
        services.update_structure(structure, user=editor, name="Andet navn")
    assert Structure.objects.get(pk=structure.pk).name == "Organisering 2024"
    assert Unit.objects.get(pk=units["A"].pk).name == "Afdeling A"


@pytest.mark.parametrize("status", Status.values)
def test_notices_only_for_decided_structures(editor, status):
    old, _ = factories.make_structure(editor, {"A": "Afdeling A"}, status="published")
    new = services.copy_structure(old, name="Ny", effective_date=datetime.date(2025, 1, 1),
                                  user=editor)
    if status != DRAFT:
        new = services.set_status(new, status, user=editor)
    if lifecycle.prints_notices(status):
        assert printing.check_notices_allowed(new) == old
    else:
        with pytest.raises(ValidationError, match="kun laves for en vedtaget eller udmeldt"):
            printing.check_notices_allowed(new)


@pytest.mark.parametrize("status", Status.values)
def test_the_pdf_stamp_comes_from_the_lifecycle(editor, status):
    structure, _ = factories.make_structure(editor, {"A": "Afdeling A"}, status=status)
    context = printing.structure_context(structure, editor)
    assert context["pdf_stamp"] == lifecycle.stamp(status)
    assert context["pdf_structure_status"] == Status(status).label


def test_the_comparison_report_stamps_the_older_first(editor):
    old, _ = factories.make_structure(editor, {"A": "Afdeling A"}, status="published")
    new = services.copy_structure(old, name="Ny", effective_date=datetime.date(2025, 1, 1),
                                  user=editor)
    assert printing.compare_context(old, new, editor)["pdf_stamp"] == "UDKAST"
    new = services.set_status(new, "consultation", user=editor)
    assert printing.compare_context(old, new, editor)["pdf_stamp"] == "I HØRING"
    new = services.set_status(new, "approved", user=editor)
    assert printing.compare_context(old, new, editor)["pdf_stamp"] == ""


@pytest.mark.parametrize("status,stamp,notices", [
    ("draft", "UDKAST – ikke vedtaget", False),
    ("consultation", "I HØRING – ikke vedtaget", False),
    ("approved", None, True),
    ("published", None, True),
    ("discarded", None, False),
])
def test_the_structure_page_asks_the_lifecycle(client, editor, status, stamp, notices):
    structure, _ = factories.make_structure(editor, {"A": "Afdeling A"}, status=status)
    client.force_login(editor)
    page = client.get(reverse("units:structure-detail", args=[structure.pk])).content.decode()
    assert ('class="stamp"' in page) == (stamp is not None)
    if stamp:
        assert stamp in page
    notices_url = reverse("units:structure-notices-pdf", args=[structure.pk])
    assert (notices_url in page) == notices
