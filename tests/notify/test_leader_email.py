"""The leader's e-mail (Unit.leader_email), where the udmelding goes: set by editors on the
unit page in any structure and in a draft's edit form; personal data, so nobody else sees it
on a page, an export, the API or in history; the demo invents one for every leader."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notify import demo as notify_demo
from notify import letters
from notify.models import Udmelding
from tests import factories
from units.models import Unit

ADDRESS = "aase.leder@kommune.example"


def test_an_editor_sets_it_on_the_unit_page_of_a_published_structure(client, small, editor):
    _, units = small
    url = reverse("units:unit-managers", args=[units["A"].pk])
    client.force_login(editor)
    response = client.post(url, {"leader_email": " Aase.Leder@Kommune.EXAMPLE "}, follow=True)
    assert "Lederens e-mail er gemt" in response.content.decode()
    units["A"].refresh_from_db()
    assert units["A"].leader_email == "Aase.Leder@kommune.example"
    response = client.post(url, {"leader_email": "ikke en adresse"}, follow=True)
    assert "ikke en gyldig e-mailadresse" in response.content.decode()
    units["A"].refresh_from_db()
    assert units["A"].leader_email == "Aase.Leder@kommune.example"


def test_an_editor_sets_it_in_the_draft_edit_form(client, editor, organisation):
    draft, units = factories.make_structure(editor, {"A": "Afdeling A"},
                                            organisation=organisation)
    client.force_login(editor)
    url = reverse("units:unit-action", args=[draft.pk, units["A"].pk, "update"])
    assert client.post(url, {"edit-leader_email": ADDRESS}).status_code == 302
    units["A"].refresh_from_db()
    assert units["A"].leader_email == ADDRESS
    page = client.get(reverse("units:structure-edit", args=[draft.pk]),
                      {"unit": units["A"].pk}).content.decode()
    assert 'name="edit-leader_email"' in page and ADDRESS in page


@pytest.mark.parametrize("who", ["reader", "manager", "med_member"])
def test_only_editors_see_it_on_pages_exports_api_and_history(client, request, small, editor,
                                                              who):
    from units import services

    structure, units = small
    unit = services.set_leader_email(units["A"], ADDRESS, user=editor)
    pages = [reverse("units:unit-detail", args=[unit.pk]),
             reverse("units:structure-history", args=[structure.pk]),
             reverse("api:unit-detail", args=[unit.pk])]
    pages += [reverse("units:structure-export", args=[structure.pk, f])
              for f in ("csv", "json", "xlsx")]
    client.force_login(request.getfixturevalue(who))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert ADDRESS.encode() not in response.content, url
    client.force_login(editor)
    assert ADDRESS in client.get(pages[0]).content.decode()


def test_the_leader_identifier_serves_when_it_is_an_address():
    assert letters.leader_address("", "Bo.Holm@Kommune.DK") == "bo.holm@kommune.dk"
    assert letters.leader_address("", "M-77") == ""
    assert letters.leader_address("Leder@X.example", "bo@kommune.dk") == "Leder@x.example"


def test_the_demo_invents_addresses_and_makes_no_udmelding_of_its_history(demo):
    randers = Unit.objects.filter(structure__organisation__name="Randers Kommune") \
        .exclude(leader_name="")
    assert randers and all(u.leader_email.endswith("@randers.example") for u in randers)
    assert not Unit.objects.exclude(leader_name="").filter(leader_email="").exists()
    from med.models import Membership

    members = Membership.objects.exclude(person_name="")
    assert members and all(m.email.endswith(".example") for m in members)
    assert not Udmelding.objects.exists()
    assert "opdigtet e-mailadresse" in demo
    assert notify_demo.load() == 0  # again: nothing more
    assert notify_demo.local_part("Søren Ærø-Åberg") == "soeren.aeroe.aaberg"
