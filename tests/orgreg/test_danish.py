"""Danish as a careful HR consultant writes it: counts in singular and plural through one
helper, numbers with a thousands point and a decimal comma, history in the domain's words
(never an internal id), and Danish error pages in the site's layout, also with DEBUG off."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client, override_settings
from django.urls import resolve, reverse

from orgreg.roles import policy
from orgreg.text import counted
from tests.orgreg.test_leaks import _KWARG_KINDS, _kind_of_pk, filled_urls, randers  # noqa: F401
from units import selectors, services
from units.changes import ChangeKind
from units.models import Unit

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
JAN_2025 = datetime.date(2025, 1, 1)


def by_code(structure) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(tree_id=structure.pk)}


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- the one helper for counts ---------------------------------------------------------------


@pytest.mark.parametrize(("count", "expected"), [
    (0, "0 enheder"), (1, "1 enhed"), (2, "2 enheder"), (5734, "5.734 enheder"),
    (1_000_000, "1.000.000 enheder"),
])
def test_counted_writes_the_noun_in_the_right_number(count, expected):
    assert counted(count, "enhed", "enheder") == expected


def test_counted_takes_several_words_and_decimals():
    assert counted(1, "ændret enhed", "ændrede enheder") == "1 ændret enhed"
    assert counted(3, "ændret enhed", "ændrede enheder") == "3 ændrede enheder"
    assert counted(2.5, "årsværk", "årsværk") == "2,5 årsværk"


def test_the_antal_filter_counts_numbers_and_lists():
    template = Template('{% load orgreg_tags %}{{ n|antal:"enhed,enheder" }} · '
                        '{{ items|antal:"milepæl,milepæle" }} · {{ one|antal:"side,sider" }}')
    assert template.render(Context({"n": 5734, "items": ["x"], "one": []})) == \
        "5.734 enheder · 1 milepæl · 0 sider"


# --- every template counts through the helper ------------------------------------------------

# Nouns that have a singular and a plural (and "ændrede", the plural of "ændret"); a number
# printed straight before one of them in a template is a count that says "1 enheder".
PLURAL_NOUNS = ("enheder", "underenheder", "medarbejdere", "milepæle", "leverancer",
                "ændringer", "ændrede", "punkter", "rækker", "sider", "niveauer", "overgange",
                "organiseringer", "møder", "høringer", "udvalg", "dage", "uger", "måneder")
RAW_COUNT = re.compile(r"\{\{[^}]*\}\}\s*(?:" + "|".join(PLURAL_NOUNS) + r")\b")
# Numbers a template shows raw render as "5734" beside "5.734" (Django does not separate
# thousands): headcounts, FTE and counts go through |number or |antal.
RAW_NUMBER = re.compile(
    r"\{\{\s*[\w.]*(?:headcount|\.fte|_count|\.total)\s*(?:\|(?:default[^}]*))?\}\}")


def _templates():
    return sorted(p for p in TEMPLATES.rglob("*.html"))


def test_templates_count_through_the_antal_filter():
    """No `pluralize` (Django's English rule of suffixes) and no number printed straight
    before a plural noun ("1 enheder"): counts are written with `antal`, which has both
    words."""
    offenders = []
    for path in _templates():
        source = path.read_text()
        rel = path.relative_to(TEMPLATES)
        offenders += [f"{rel}: pluralize" for _ in re.finditer(r"\|pluralize", source)]
        offenders += [f"{rel}: {m.group(0)}" for m in RAW_COUNT.finditer(source)]
    assert offenders == []


def test_templates_show_headcounts_and_fte_as_danish_numbers():
    offenders = [f"{p.relative_to(TEMPLATES)}: {m.group(0)}" for p in _templates()
                 for m in RAW_NUMBER.finditer(p.read_text())]
    assert offenders == []


def test_the_scan_finds_what_it_looks_for():
    """The scans are not vacuous: the old lines would have been caught."""
    assert RAW_COUNT.search("{{ chart.changed|number }} ændrede enheder")
    assert RAW_COUNT.search("{{ progress.total }} milepæle")
    assert RAW_NUMBER.search('{{ unit.fte|default_if_none:"–" }}')
    assert RAW_NUMBER.search("{{ n.headcount }}")
    assert not RAW_COUNT.search('{{ n|antal:"enhed,enheder" }}')


# --- change kinds inside a sentence ----------------------------------------------------------


def test_every_change_kind_has_a_lower_case_word_for_sentences():
    assert set(ChangeKind.WORDS) == set(ChangeKind.LABELS)
    assert ChangeKind.WORDS[ChangeKind.CLOSED] == "nedlagt"
    assert all(word == word.lower() for word in ChangeKind.WORDS.values())


# --- history in the domain's words -----------------------------------------------------------


@pytest.fixture
def draft(small, editor):
    structure, _ = small
    draft = services.copy_structure(structure, name="Ny organisering 2025",
                                    effective_date=JAN_2025, user=editor)
    return draft, by_code(draft)


def _lines(structure) -> list[str]:
    return [f"{e.type_label}: {e.object_name}" + "".join(
        f" · {c.label}: {c.old} → {c.new}" for c in e.changes)
        for g in selectors.structure_changelog(structure) for e in g.entries]


def test_a_merger_is_logged_as_lagt_sammen_and_a_closure_as_nedlagt(draft, editor):
    structure, units = draft
    services.merge_units([units["A1"], units["A2"]], into=units["A1"], name="Team A samlet",
                         user=editor)
    services.close_unit(units["C"], user=editor)
    lines = _lines(structure)
    assert "Lagt sammen i Team A samlet: Team A2" in lines
    assert "Nedlagt: Afdeling C" in lines
    assert not any(line.startswith("Slettet") for line in lines)


def test_a_merger_into_a_new_unit_names_it(draft, editor):
    structure, units = draft
    services.merge_units([units["A"], units["B"]], into="Afdeling AB", user=editor)
    lines = _lines(structure)
    assert "Lagt sammen i Afdeling AB: Afdeling A" in lines
    assert "Lagt sammen i Afdeling AB: Afdeling B" in lines
    # Their children moved to the merged unit; they are moved, not merged.
    assert "Ændret: Team A1 · Overordnet enhed: Afdeling A → Afdeling AB" in lines


def test_closing_a_unit_with_children_is_not_a_merger(draft, editor):
    structure, units = draft
    services.close_unit(units["A"], transfer_children_to=units["B"], user=editor)
    lines = _lines(structure)
    assert "Nedlagt: Afdeling A" in lines
    assert "Ændret: Team A1 · Overordnet enhed: Afdeling A → Afdeling B" in lines


def test_a_parent_since_removed_is_named_not_numbered(draft, editor, client):
    """The unit's page tells its old parent by name after the parent was closed (its row is
    gone), as it was called then: never "enhed 576"."""
    structure, units = draft
    services.update_unit(units["A"], name="Afdeling A (gammel)", user=editor)
    services.move_unit(units["A1"], units["B"], user=editor)
    services.close_unit(units["A"], transfer_children_to=units["C"], user=editor)
    history = selectors.unit_history(units["A1"])
    (move,) = [e for e in history if e.changes and e.changes[0].label == "Overordnet enhed"]
    assert (move.changes[0].old, move.changes[0].new) == ("Afdeling A (gammel)", "Afdeling B")
    client.force_login(editor)
    page = text(client.get(reverse("units:unit-detail", args=[units["A1"].pk])))
    assert "Overordnet enhed: Afdeling A (gammel) → Afdeling B" in page
    assert not re.search(r"enhed \d+", page)
    changelog = text(client.get(reverse("units:structure-history", args=[structure.pk])))
    assert "Nedlagt: enhed Afdeling A (gammel)" in changelog
    assert not re.search(r"enhed \d+", changelog)
    # A removed unit is named, not linked to a page that is gone.
    assert f'href="/unit/{units["A"].pk}/"' not in \
        client.get(reverse("units:structure-history", args=[structure.pk])).content.decode()


def test_history_tells_numbers_the_danish_way(draft, editor):
    _, units = draft
    services.update_unit(units["B"], headcount=1234, fte="9.5", user=editor)
    (step,) = [e for e in selectors.unit_history(units["B"]) if e.changes]
    assert [(c.label, c.new) for c in step.changes] == [("Antal medarbejdere", "1.234"),
                                                       ("Årsværk", "9,5")]


@pytest.mark.parametrize("moves", [1, 6])
def test_unit_history_takes_the_same_queries_however_many_parents(
        draft, editor, moves, django_assert_num_queries):
    _, units = draft
    unit = units["A1"]
    parents = [units["B"], units["C"], units["A"]]
    for i in range(moves):
        services.move_unit(unit, parents[i % 3], user=editor)
    with django_assert_num_queries(4):
        history = selectors.unit_history(unit)
    assert sum(1 for e in history if e.changes) == moves


def test_a_viewer_never_meets_a_name_from_a_structure_it_may_not_see(small, editor, reader):
    """The names in a unit's history are of its own structure's units: a reader of a
    published structure whose units were copied from a draft sees no draft unit's name."""
    structure, _ = small
    draft = services.copy_structure(structure, name="Hemmeligt udkast", effective_date=JAN_2025,
                                    user=editor)
    hidden = by_code(draft)
    services.update_unit(hidden["B"], name="HEMMELIG-ENHED", user=editor)
    services.move_unit(hidden["A1"], hidden["B"], user=editor)
    published = services.copy_structure(draft, name="Udmeldt 2026",
                                        effective_date=datetime.date(2026, 1, 1), user=editor)
    published = services.set_status(published, "published", user=editor)
    unit = by_code(published)["A1"]
    assert selectors.unit_history(unit, viewer=policy(editor))  # the editor sees it all
    history = selectors.unit_history(unit, viewer=policy(reader))
    seen = " ".join(f"{e.object_name} {e.reason} {[(c.old, c.new) for c in e.changes]}"
                    for e in history)
    assert "HEMMELIG" not in seen and "Hemmeligt" not in seen


# --- error pages -----------------------------------------------------------------------------


def _is_site_page(html: str) -> None:
    assert 'lang="da"' in html
    assert 'class="site-header"' in html and "Tidsplan" in html  # header and navigation


@override_settings(DEBUG=False)
def test_404_is_danish_in_the_site_layout(client, reader):
    client.force_login(reader)
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    _is_site_page(html)
    assert "Siden findes ikke" in html and "Not Found" not in html


@override_settings(DEBUG=False)
def test_a_hidden_structure_is_a_404_not_a_403(client, small, editor, reader):
    structure, _ = small
    draft = services.copy_structure(structure, name="Udkast", effective_date=JAN_2025,
                                    user=editor)
    client.force_login(reader)
    for url in (reverse("units:structure-detail", args=[draft.pk]),
                reverse("units:structure-history", args=[draft.pk]),
                reverse("units:structure-compare", args=[structure.pk, draft.pk]),
                reverse("units:unit-detail", args=[by_code(draft)["A"].pk])):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Siden findes ikke" in response.content.decode()
        assert "Udkast" not in text(response).replace("udkast", "")


@override_settings(DEBUG=False)
def test_403_is_danish_in_the_site_layout(client, small, editor):
    structure, units = small  # published: not editable
    client.force_login(editor)
    response = client.get(reverse("units:structure-edit", args=[structure.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    _is_site_page(html)
    assert "Det kan ikke lade sig gøre" in html and "Forbidden" not in html


@override_settings(DEBUG=False)
def test_a_form_without_csrf_token_gets_a_danish_403(small, editor):
    structure, units = small
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    html = response.content.decode()
    _is_site_page(html)
    assert "Formularen kunne ikke sendes" in html
    assert "CSRF" not in html and "Forbidden" not in html
    assert "_auth_user_id" in client.session  # nothing happened: still logged in


@pytest.mark.urls("tests.orgreg.error_urls")
@override_settings(DEBUG=False)
def test_500_is_danish_with_the_site_navigation(db):
    response = Client(raise_request_exception=False).get("/fejl/")
    assert response.status_code == 500
    html = response.content.decode()
    _is_site_page(html)
    assert "Der opstod en fejl" in html and "Server Error" not in html


@override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"])
def test_400_is_danish(db):
    response = Client(HTTP_HOST="ukendt.example").get("/")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'lang="da"' in html and "Forespørgslen kunne ikke forstås" in html
    assert "Bad Request" not in html


def test_every_url_of_a_hidden_structure_is_a_404(randers, client, reader):  # noqa: F811
    """Walk every pattern that takes a structure (the leak test's filling) with the draft D
    and the confidential C as a reader: each answers 404, as an unknown id would, never a
    403 that would tell the structure exists. The walk asks by GET."""
    hidden = {randers.structures["D"].pk, randers.structures["C"].pk}
    client.force_login(reader)
    checked, wrong = 0, []
    for name, url in filled_urls(randers):
        match = resolve(url)
        structure_kwargs = [k for k in match.kwargs if _KWARG_KINDS.get(k) == "structure"
                            or (k == "pk" and _kind_of_pk(str(match.route), name)
                                == "structure")]
        if not any(match.kwargs[k] in hidden for k in structure_kwargs):
            continue
        checked += 1
        status = client.get(url).status_code
        # 405: a POST-only route refuses a GET before it looks at any id, hidden or not.
        if status not in (404, 405):
            wrong.append((name, url, status))
    assert checked > 20 and wrong == []
