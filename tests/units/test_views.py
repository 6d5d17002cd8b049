"""Reading pages: who sees what, and who gets 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.units import pages_fixtures
from tests.units.pages_fixtures import unit_in
from units import services

pytestmark = pytest.mark.django_db

# Shared fixtures, by assignment so pytest finds them in this module.
_clear_cache = pages_fixtures._clear_cache
scenario = pages_fixtures.scenario


def client_for(client, user):
    client.force_login(user)
    return client


def test_every_page_requires_login(client, scenario):
    s = scenario
    urls = [
        reverse("units:home"),
        reverse("units:organisation-detail", args=[s["old"].organisation_id]),
        reverse("units:structure-detail", args=[s["old"].pk]),
        reverse("units:structure-outline", args=[s["old"].pk]),
        reverse("units:structure-history", args=[s["old"].pk]),
        reverse("units:structure-compare", args=[s["old"].pk, s["new"].pk]),
        reverse("units:unit-detail", args=[s["units"]["A"].pk]),
        reverse("units:my-unit"),
        reverse("units:unit-search") + "?q=team",
        reverse("units:structure-edit", args=[s["draft"].pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_login_page_and_logout(client, reader):
    page = client.get(reverse("login"))
    assert "Log ind" in page.content.decode()
    bad = client.post(reverse("login"), {"username": "laeser", "password": "forkert"})
    assert "forkert" in bad.content.decode()
    good = client.post(reverse("login"), {"username": "laeser", "password": "test-kode-123"})
    assert good.status_code == 302
    assert "Log ud" in client.get("/").content.decode()
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_home_reader_sees_published_not_drafts(client, reader, scenario):
    page = client_for(client, reader).get("/").content.decode()
    assert "Organisering 2024" in page
    assert "Ny organisering 2030" in page
    assert "Udkast 2031" not in page


def test_home_editor_sees_drafts(client, editor, scenario):
    page = client_for(client, editor).get("/").content.decode()
    assert "Udkast 2031" in page
    assert "Udkast" in page


def test_home_manager_lands_on_their_units_with_future_placement(client, manager, scenario):
    page = client_for(client, manager).get("/").content.decode()
    assert "Min enhed" in page
    assert "Afdeling A" in page and "Team A1" in page
    # A1 is moved under B from 1 January 2030; the draft is not shown to a manager.
    assert "1. januar 2030" in page
    assert "Afdeling B" in page
    assert "Udkast 2031" not in page


def test_organisation_page_marks_in_force_and_picks_a_date(client, reader, scenario):
    c = client_for(client, reader)
    url = reverse("units:organisation-detail", args=[scenario["old"].organisation_id])
    page = c.get(url).content.decode()
    assert "Gældende i dag" in page
    assert "Organisering 2024" in page
    later = c.get(url + "?date=2030-06-01").content.decode()
    assert "Gældende den 1. juni 2030" in later
    assert "Ny organisering 2030" in later.split("Gældende den")[1].split("</section>")[0]
    assert "Udkast 2031" not in later
    before = c.get(url + "?date=2020-01-01").content.decode()
    assert "Ingen af de organiseringer, du har adgang til, var gældende" in before


@pytest.mark.parametrize("who,status", [("reader", 404), ("manager", 404), ("med_member", 404),
                                        ("editor", 200)])
def test_draft_pages_are_404_except_for_editors(client, scenario, who, status, request):
    user = request.getfixturevalue(who)
    c = client_for(client, user)
    draft = scenario["draft"]
    unit = unit_in(draft, "B")
    urls = [
        reverse("units:structure-detail", args=[draft.pk]),
        reverse("units:structure-outline", args=[draft.pk]),
        reverse("units:structure-history", args=[draft.pk]),
        reverse("units:structure-compare", args=[scenario["new"].pk, draft.pk]),
        reverse("units:unit-detail", args=[unit.pk]),
        reverse("units:my-unit") + f"?unit={unit.pk}",
    ]
    for url in urls:
        assert c.get(url).status_code == status, url


def test_med_member_sees_consultation_reader_does_not(client, editor, med_member, reader,
                                                       scenario):
    services.set_status(scenario["draft"], "consultation", user=editor)
    url = reverse("units:structure-detail", args=[scenario["draft"].pk])
    assert client_for(client, med_member).get(url).status_code == 200
    assert client_for(client, reader).get(url).status_code == 404


def test_confidential_published_structure_hidden_from_reader(client, editor, reader, scenario):
    services.update_structure(scenario["new"], confidential_until=__import__("datetime").date(
        2099, 1, 1), user=editor)
    c = client_for(client, reader)
    assert c.get(reverse("units:structure-detail", args=[scenario["new"].pk])).status_code == 404
    hits = c.get(reverse("units:unit-search") + "?q=afdeling").json()["results"]
    assert {h["structure"] for h in hits} == {"Organisering 2024"}


def test_structure_chart_shows_boxes_badges_and_legend(client, reader, scenario):
    page = client_for(client, reader).get(
        reverse("units:structure-detail", args=[scenario["new"].pk])).content.decode()
    assert 'class="oc-box' in page
    assert "Afdeling C Nord" in page
    assert "badge-renamed" in page and "badge-moved" in page and "badge-split" in page
    assert "badge-new" in page  # Team B2 has no predecessor of its own... it is a split part
    assert "Signaturforklaring" in page
    assert "1. januar 2030" in page


def test_structure_chart_focus_and_depth(client, reader, scenario):
    c = client_for(client, reader)
    old = scenario["old"]
    b = scenario["units"]["B"]
    url = reverse("units:structure-detail", args=[old.pk])
    page = c.get(url + f"?unit={b.pk}").content.decode()
    assert "Team B1" in page
    assert "Team A2" not in page
    shallow = c.get(reverse("units:structure-detail", args=[old.pk]) + "?depth=1").content.decode()
    # The key figures below the chart count every level; the chart shows one.
    shallow = shallow.split('id="noegletal"')[0]
    assert "Afdeling A" in shallow and "Team A1" not in shallow
    assert "Vis 2 underenheder" in shallow
    other = unit_in(scenario["new"], "B")
    assert c.get(reverse("units:structure-detail", args=[old.pk])
                 + f"?unit={other.pk}").status_code == 404


def test_span_of_control_flag(client, reader, scenario):
    page = client_for(client, reader).get(
        reverse("units:structure-detail", args=[scenario["old"].pk]) + "?span=2").content.decode()
    # The root has three direct reports.
    assert "oc-over" in page and "3 direkte underenheder" in page


def test_outline_lists_every_unit(client, reader, scenario):
    page = client_for(client, reader).get(
        reverse("units:structure-outline", args=[scenario["old"].pk])).content.decode()
    for name in ("Afdeling A", "Team A1", "Team A2", "Afdeling B", "Team B1", "Afdeling C"):
        assert name in page
    assert "<details open>" in page


def test_unit_names_are_escaped(client, editor, reader, scenario):
    draft = scenario["draft"]
    services.add_unit(unit_in(draft, "B"), name='<script>alert("x")</script>', user=editor)
    c = client_for(client, editor)
    for url in (reverse("units:structure-detail", args=[draft.pk]),
                reverse("units:structure-outline", args=[draft.pk]),
                reverse("units:structure-edit", args=[draft.pk])):
        page = c.get(url).content.decode()
        assert '<script>alert("x")</script>' not in page
        assert "&lt;script&gt;" in page


def test_unit_page(client, reader, scenario):
    a1 = scenario["units"]["A1"]
    url = reverse("units:unit-detail", args=[a1.pk])
    page = client_for(client, reader).get(url).content.decode()
    assert "Afdeling A" in page  # path
    assert "Placering i senere organiseringer" in page
    assert "Ny organisering 2030" in page
    assert "Udkast 2031" not in page
    assert "Historik" in page


def test_unit_page_lineage_shows_split_shares(client, reader, scenario):
    b1 = scenario["units"]["B1"]
    url = reverse("units:unit-detail", args=[b1.pk])
    page = client_for(client, reader).get(url).content.decode()
    assert "60 %" in page and "40 %" in page
    assert "Team B2" in page


def test_history_page_and_as_recorded(client, editor, scenario):
    c = client_for(client, editor)
    new = scenario["new"]
    page = c.get(reverse("units:structure-history", args=[new.pk])).content.decode()
    assert "Ændringslog" in page
    assert "Samling" in page  # the reason given for the move
    assert "redaktoer" in page
    at = c.get(reverse("units:structure-history", args=[new.pk]) + "?at=2000-01-01")
    assert "fandtes ikke endnu" in at.content.decode()
    now = c.get(reverse("units:structure-history", args=[new.pk]) + "?at=2199-01-01T00:00")
    assert "Team B2" in now.content.decode()
    bad = c.get(reverse("units:structure-history", args=[new.pk]) + "?at=igår")
    assert bad.status_code == 400
    assert "ÅÅÅÅ-MM-DD" in bad.content.decode()


def test_history_as_recorded_before_a_move(client, editor, scenario):
    from django.utils import timezone

    draft = scenario["draft"]
    before = timezone.now()
    services.move_unit(unit_in(draft, "C"), unit_in(draft, "B"), user=editor)
    c = client_for(client, editor)
    url = reverse("units:structure-history", args=[draft.pk])
    then = c.get(url, {"at": timezone.localtime(before).strftime("%Y-%m-%dT%H:%M:%S.%f")})
    html = then.content.decode()
    recorded = html.split('id="recorded"')[1].split("</section>")[0]
    # Before the move, Afdeling C Nord sat directly under the root, not inside Afdeling B.
    b_part = recorded.split("Afdeling B")[1].split("</details>")[0]
    assert "Afdeling C Nord" not in b_part


def test_compare_page_counts_table_and_filters(client, reader, scenario):
    c = client_for(client, reader)
    url = reverse("units:structure-compare", args=[scenario["old"].pk, scenario["new"].pk])
    page = c.get(url).content.decode()
    assert "Overblik" in page
    assert "Medarbejdere berørt" in page
    assert "Team A1" in page and "Afdeling C Nord" in page
    assert "Enheder, der får ny overordnet enhed" in page
    moved_only = c.get(url + "?kind=moved").content.decode()
    table = moved_only.split('id="table"')[1].split("</table>")[0]
    assert "Team A1" in table and "Afdeling C Nord" not in table
    b_new = unit_in(scenario["new"], "B")
    scoped = c.get(url + f"?kind=all&unit={b_new.pk}").content.decode()
    table = scoped.split('id="table"')[1].split("</table>")[0]
    assert "Team B2" in table and "Afdeling C" not in table
    assert c.get(url + "?unit=999999").status_code == 404


def test_compare_pick_redirects_to_stable_url(client, reader, scenario):
    c = client_for(client, reader)
    old, new = scenario["old"], scenario["new"]
    response = c.get(reverse("units:structure-compare-pick", args=[new.pk]) + f"?with={old.pk}")
    assert response["Location"] == reverse("units:structure-compare", args=[old.pk, new.pk])
    assert c.get(reverse("units:structure-compare-pick", args=[new.pk])
                 + f"?with={scenario['draft'].pk}").status_code == 404


def test_compare_across_organisations_is_404(client, editor, scenario):
    other, _ = factories.make_structure(editor, {"X": "X"}, status="published")
    url = reverse("units:structure-compare", args=[scenario["old"].pk, other.pk])
    assert client_for(client, editor).get(url).status_code == 404


def test_dates_are_danish_everywhere(client, reader, scenario):
    page = client_for(client, reader).get(
        reverse("units:structure-detail", args=[scenario["old"].pk])).content.decode()
    assert "1. januar 2024" in page
    assert "Jan." not in page and "2024-01-01" not in page


def test_navigation_present(client, reader, scenario):
    page = client_for(client, reader).get("/").content.decode()
    for href in ('href="/"', 'href="/min-enhed/"', 'href="/med/"', 'href="/plan/"'):
        assert href in page
    assert 'aria-label="Hovedmenu"' in page
    assert '<main id="main"' in page


def test_change_badges_agree_with_compare(editor, scenario):
    from units import markup, selectors

    draft = scenario["draft"]
    # Give the draft every kind of change against its basis.
    services.move_unit(unit_in(draft, "C"), unit_in(draft, "B"), user=editor)
    services.update_unit(unit_in(draft, "B1"), name="Team B1 omdøbt", user=editor)
    services.add_unit(unit_in(draft, "A"), name="Ny enhed", user=editor)
    services.split_unit(unit_in(draft, "A1"), [{"name": "A1 x", "share": 50},
                                               {"name": "A1 y", "share": 50}], user=editor)
    services.merge_units([unit_in(draft, "A"), unit_in(draft, "ROOT").get_children()
                          .exclude(code__in=["A", "B"]).first() or unit_in(draft, "B")],
                         into=unit_in(draft, "A"), user=editor)
    for structure in (scenario["new"], draft):
        structure.refresh_from_db()
        nodes = selectors.tree(structure)
        comparison = selectors.compare(structure.based_on, structure)
        expected = {uid: c.kind for uid, c in comparison.new_changes.items() if c.changed}
        got = {uid: b.kind for uid, b in markup.change_badges(structure, nodes).items()}
        assert got == expected
        assert set(got.values()) >= {"moved", "split"}


def test_search_is_accent_and_case_insensitive_and_respects_roles(client, editor, reader,
                                                                  scenario):
    factories.make_structure(editor, {"AE": ("Ældrecenter Åbyhøj", 10, {
        "CS": ("Café Søndergård", 3)})}, status="published")
    c = client_for(client, reader)
    url = reverse("units:unit-search")
    assert [h["name"] for h in c.get(url, {"q": "CAFE sønder"}).json()["results"]] == [
        "Café Søndergård"]
    assert [h["name"] for h in c.get(url, {"q": "aeldrecenter aaby"}).json()["results"]] == [
        "Ældrecenter Åbyhøj"]
    # An exact code comes first; the draft's units are never found by a reader.
    hits = c.get(url, {"q": "b1"}).json()["results"]
    assert hits and all(h["structure"] != "Udkast 2031" for h in hits)
    assert hits[0]["code"] == "B1"
    editor_hits = client_for(client, editor).get(url, {"q": "b1"}).json()["results"]
    assert any(h["structure"] == "Udkast 2031" for h in editor_hits)
    page = client_for(client, reader).get(reverse("units:my-unit"), {"q": "søndergard"})
    assert "Café Søndergård" in page.content.decode()
    assert "Ingen enheder matcher" in client_for(client, reader).get(
        reverse("units:my-unit"), {"q": "findesikke"}).content.decode()


def test_organisations_sorted_danish_style(client, editor, reader):
    for name in ("Åbenrå Kommune", "Ærø Kommune", "Zealand Kommune", "Aalborg Kommune",
                 "Østkommunen"):
        factories.make_organisation(editor, name)
    page = client_for(client, reader).get("/").content.decode()
    positions = [page.index(n) for n in ("Zealand Kommune", "Ærø Kommune", "Østkommunen",
                                         "Åbenrå Kommune")]
    assert positions == sorted(positions)
    # "Aa" sorts as "Å", after Ø.
    assert page.index("Østkommunen") < page.index("Aalborg Kommune")
