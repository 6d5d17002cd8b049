"""The markup cache of frozen structures (units.markup.cache): what its keys name, and every
write that can change what a frozen structure's chart or outline shows, each seen on the next
page. The same across two processes and one Redis: test_markup_cache_shared.py."""

from __future__ import annotations

import datetime
import re
import sys

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse, set_script_prefix

from tests.units import pages_fixtures
from units import markup, services
from units.markup import cache as markup_cache
from units.models import Structure, UnitType

pytestmark = pytest.mark.django_db

_clear_cache = pages_fixtures._clear_cache
unit_in = pages_fixtures.unit_in
scenario = pages_fixtures.scenario

D = datetime.date


@pytest.fixture
def fresh_code_version():
    markup_cache.code_version.cache_clear()
    yield markup_cache.code_version
    markup_cache.code_version.cache_clear()


def chart_key(structure: Structure) -> str | None:
    structure = Structure.objects.select_related("based_on").get(pk=structure.pk)
    return markup.frozen_key("chart", structure, 0, "auto", 15)


def page(client, name: str, structure: Structure) -> str:
    response = client.get(reverse(f"units:structure-{name}", args=[structure.pk]))
    assert response.status_code == 200
    return response.content.decode()


def uncached(client, name: str, structure: Structure) -> str:
    cache.clear()
    return page(client, name, structure)


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


# --- the key ------------------------------------------------------------------------------


def test_the_key_names_the_code_version(small):
    structure, _ = small
    assert f":{markup_cache.code_version()}:" in chart_key(structure)


def test_the_code_version_follows_orgreg_code_version(fresh_code_version, monkeypatch):
    monkeypatch.delenv("ORGREG_CODE_VERSION", raising=False)
    plain = fresh_code_version()
    assert fresh_code_version() == plain  # once per process
    monkeypatch.setenv("ORGREG_CODE_VERSION", "2025.3")
    fresh_code_version.cache_clear()
    assert fresh_code_version() != plain


def test_the_code_version_follows_the_source(fresh_code_version, monkeypatch, tmp_path):
    """An edit that changed no version number still makes new keys."""
    package = tmp_path / "markupsource"
    package.mkdir()
    source = package / "__init__.py"
    source.write_text("WIDTH = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(markup_cache, "SOURCE_PACKAGES", ("markupsource",))
    before = fresh_code_version()
    source.write_text("WIDTH = 2\n")
    fresh_code_version.cache_clear()
    assert fresh_code_version() != before
    sys.modules.pop("markupsource", None)


def test_drafts_and_structures_on_a_draft_basis_have_no_key(editor, small):
    structure, _ = small
    draft = services.copy_structure(structure, name="Udkast", effective_date=D(2025, 1, 1),
                                    user=editor)
    assert chart_key(draft) is None
    draft_basis = services.copy_structure(structure, name="Grundlag", user=editor,
                                          effective_date=D(2026, 1, 1))
    on_draft = services.copy_structure(draft_basis, name="Oven på", user=editor,
                                       effective_date=D(2027, 1, 1))
    services.set_status(on_draft, "consultation", user=editor)
    assert chart_key(on_draft) is None
    services.set_status(draft_basis, "consultation", user=editor)
    assert chart_key(on_draft) is not None


def test_the_key_names_the_script_prefix(small):
    structure, _ = small
    plain = chart_key(structure)
    set_script_prefix("/orgreg/")
    try:
        assert chart_key(structure) != plain
    finally:
        set_script_prefix("/")


def test_a_lost_generation_never_comes_back(small):
    """The generation token evicted or flushed: a new random one, not a counter that could
    meet keys written before."""
    structure, _ = small
    first = chart_key(structure)
    assert chart_key(structure) == first
    cache.delete(markup_cache.GENERATION_KEY)
    second = chart_key(structure)
    assert second != first
    cache.delete(markup_cache.GENERATION_KEY)
    assert chart_key(structure) not in (first, second)


# --- the writes -----------------------------------------------------------------------------


def consultation_structure(editor, small) -> Structure:
    """A structure in consultation based on `small`, with a rename against its basis."""
    old, _ = small
    new = services.copy_structure(old, name="Forslag 2025", effective_date=D(2025, 1, 1),
                                  user=editor)
    services.update_unit(unit_in(new, "C"), name="Afdeling C Syd", user=editor)
    return services.set_status(new, "consultation", user=editor)


def test_a_status_change_makes_a_new_key_and_page(client, editor, small):
    structure = consultation_structure(editor, small)
    client.force_login(editor)
    before = chart_key(structure)
    assert "I høring" in page(client, "detail", structure)
    services.set_status(structure, "approved", user=editor)
    assert chart_key(structure) != before
    after = page(client, "detail", structure)
    assert "Vedtaget" in after and "I høring" not in after


def test_a_basis_status_change_makes_a_new_key(editor, small):
    basis = consultation_structure(editor, small)
    later = services.copy_structure(basis, name="Næste", effective_date=D(2026, 1, 1),
                                    user=editor)
    services.set_status(later, "consultation", user=editor)
    before = chart_key(later)
    services.set_status(basis, "approved", user=editor)
    assert chart_key(later) != before


@pytest.mark.parametrize("name", ["detail", "outline"])
def test_a_unit_type_renamed_shows_on_the_frozen_pages(client, editor, small, name,
                                                       django_capture_on_commit_callbacks):
    old, units = small
    draft = services.copy_structure(old, name="Med typer", effective_date=D(2025, 1, 1),
                                    user=editor)
    sektor = services.get_or_create_unit_type("Sektor", user=editor)
    services.update_unit(unit_in(draft, "A"), unit_type=sektor, user=editor)
    services.set_status(draft, "published", user=editor)
    client.force_login(editor)
    assert "Sektor" in page(client, name, draft)
    with pytest.raises(ValidationError):  # a refusal changes nothing, the cache neither
        services.update_unit_type(sektor, name="  ", user=editor)
    assert "Sektor" in page(client, name, draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_unit_type(sektor, name="Sektion", user=editor)
    shown = page(client, name, draft)
    assert "Sektion" in shown and "Sektor" not in shown
    assert without_tokens(shown) == without_tokens(uncached(client, name, draft))


def test_forgetting_waits_for_the_commit(small, django_capture_on_commit_callbacks):
    """A worker that rebuilds before the write commits reads the old rows: it must write under
    the old generation, which the commit then retires."""
    structure, _ = small
    before = chart_key(structure)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        markup_cache.forget_frozen_markup()
        assert chart_key(structure) == before
    assert len(callbacks) == 1
    assert chart_key(structure) != before


def test_a_unit_type_description_leaves_the_markup_alone(editor, small,
                                                         django_capture_on_commit_callbacks):
    structure, _ = small
    sektor = services.get_or_create_unit_type("Sektor", user=editor)
    before = chart_key(structure)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_unit_type(sektor, description="Et niveau under forvaltningen",
                                  user=editor)
    assert chart_key(structure) == before
    assert UnitType.objects.get(pk=sektor.pk).description == "Et niveau under forvaltningen"


def test_unit_type_refusals_change_nothing(editor):
    sektor = services.get_or_create_unit_type("Sektor", user=editor)
    services.get_or_create_unit_type("Team", user=editor)
    history = UnitType.history.count()
    for name, message in [("", "skal have et navn"), ("team", "allerede en enhedstype")]:
        with pytest.raises(ValidationError, match=message):
            services.update_unit_type(sektor, name=name, user=editor)
    assert UnitType.objects.get(pk=sektor.pk).name == "Sektor"
    assert UnitType.history.count() == history


def test_the_admin_renames_a_unit_type_through_the_service(client, editor, small,
                                                          django_capture_on_commit_callbacks):
    from tests import factories

    old, _ = small
    draft = services.copy_structure(old, name="Med typer", effective_date=D(2025, 1, 1),
                                    user=editor)
    sektor = services.get_or_create_unit_type("Sektor", user=editor)
    services.update_unit(unit_in(draft, "A"), unit_type=sektor, user=editor)
    services.set_status(draft, "published", user=editor)
    staff = factories.make_user("typeadmin", superuser=True)
    client.force_login(staff)
    assert "Sektor" in page(client, "detail", draft)
    change = reverse("admin:units_unittype_change", args=[sektor.pk])
    services.get_or_create_unit_type("Team", user=editor)
    refused = client.post(change, {"name": "team", "description": ""})
    assert refused.status_code == 200 and "allerede en enhedstype" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change, {"name": "Sektion", "description": ""}).status_code == 302
    assert UnitType.history.filter(id=sektor.pk).first().history_user == staff
    assert "Sektion" in page(client, "detail", draft)


@pytest.mark.parametrize("name", ["detail", "outline"])
def test_writes_the_key_does_not_name_leave_the_markup_true(client, editor, scenario, name):
    """A successor structure, its successions, the late fields of the structure: none is in
    the cached markup, which still equals a fresh build after each; what the page says of the
    successor is read on every request."""
    new = scenario["new"]
    client.force_login(editor)
    page(client, name, new)
    key = chart_key(new)
    draft = scenario["draft"]
    services.set_predecessors(unit_in(draft, "C"), [(unit_in(new, "C"), 50)], user=editor)
    services.update_structure(new, notice_text="Ring til HR", decision="Byrådet 1.12.",
                              description="Ny beskrivelse", user=editor)
    services.set_status(draft, "approved", user=editor)
    assert chart_key(new) == key
    cached = page(client, name, new)
    assert without_tokens(cached) == without_tokens(uncached(client, name, new))
    assert "Afløst af" not in cached  # the draft's 2031 is not yet


def test_a_successor_in_force_is_named_on_the_cached_page(client, editor, small):
    old, _ = small
    client.force_login(editor)
    assert "Afløst af" not in page(client, "detail", old)
    successor = services.copy_structure(old, name="Efterfølger", effective_date=D(2024, 6, 1),
                                        user=editor)
    services.set_status(successor, "approved", user=editor)
    shown = page(client, "detail", old)
    assert "Afløst af" in shown and "Efterfølger" in shown


# --- the comparison and the API's tree ------------------------------------------------------


def compare_page(client, old: Structure, new: Structure, query: str = "") -> str:
    response = client.get(reverse("units:structure-compare", args=[old.pk, new.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_comparison_of_frozen_structures_is_cached_and_true(client, editor, scenario,
                                                                django_assert_max_num_queries):
    old, new = scenario["old"], scenario["new"]
    client.force_login(editor)
    first = compare_page(client, old, new, "?kind=all")
    assert "Afdeling C Nord" in first and "Team B2" in first
    # Warm: neither tree is read again (each structure's MED coverage is, a small query of
    # the units MED bodies name: it may change while the structures are frozen).
    with django_assert_max_num_queries(14) as queries:
        again = compare_page(client, old, new, "?kind=all")
    assert not any("units_unit" in q["sql"] and '"lft"' in q["sql"]
                   and "medbody" not in q["sql"] for q in queries)
    assert without_tokens(again) == without_tokens(first)
    assert "Afdeling C Nord" in compare_page(client, old, new, "?kind=renamed")


def test_a_comparison_reaching_a_draft_is_never_stale(client, editor, scenario):
    new, draft = scenario["new"], scenario["draft"]
    client.force_login(editor)
    assert "Helt ny afdeling" not in compare_page(client, new, draft, "?kind=all")
    services.add_unit(unit_in(draft, "ROOT"), name="Helt ny afdeling", user=editor)
    assert "Helt ny afdeling" in compare_page(client, new, draft, "?kind=all")


def test_a_comparison_key_names_each_structure_on_the_line(editor, scenario):
    old, new, draft = (Structure.objects.get(pk=scenario[k].pk) for k in ("old", "new", "draft"))
    assert markup.frozen_line_key("compare", [old, new, draft], "all") is None
    services.set_status(draft, "consultation", user=editor)
    draft.refresh_from_db()
    before = markup.frozen_line_key("compare", [old, new, draft], "all")
    assert before is not None
    services.set_status(draft, "approved", user=editor)
    draft.refresh_from_db()
    assert markup.frozen_line_key("compare", [old, new, draft], "all") != before


def test_a_scoped_comparison_is_read_fresh_and_a_unit_outside_is_404(client, editor, scenario):
    old, new = scenario["old"], scenario["new"]
    client.force_login(editor)
    scoped = compare_page(client, old, new, f"?kind=all&unit={unit_in(new, 'B').pk}")
    assert "Team B2" in scoped and "Afdeling C Nord" not in scoped
    url = reverse("units:structure-compare", args=[old.pk, new.pk])
    assert client.get(url + "?unit=999999999").status_code == 404


def api_tree(client, structure: Structure, accept: str = "application/json"):
    return client.get(f"/api/structures/{structure.pk}/tree/", HTTP_ACCEPT=accept)


def test_the_api_tree_of_a_frozen_structure_is_cached_as_sent(client, editor, scenario,
                                                              django_capture_on_commit_callbacks):
    new = scenario["new"]
    client.force_login(editor)
    first = api_tree(client, new)
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    again = api_tree(client, new)
    assert again.content == first.content
    assert again.json() == uncached_api_tree(client, new)
    sektor = services.get_or_create_unit_type("Sektor", user=editor)
    draft = scenario["draft"]
    services.update_unit(unit_in(draft, "A"), unit_type=sektor, user=editor)
    services.set_status(draft, "consultation", user=editor)
    assert {u["unit_type"] for u in api_tree(client, draft).json()} == {"", "Sektor"}
    with django_capture_on_commit_callbacks(execute=True):
        services.update_unit_type(sektor, name="Sektion", user=editor)
    assert {u["unit_type"] for u in api_tree(client, draft).json()} == {"", "Sektion"}


def uncached_api_tree(client, structure: Structure):
    cache.clear()
    return api_tree(client, structure).json()


def test_the_api_tree_of_a_draft_is_never_stale_and_a_cached_tree_is_json_only(
        client, editor, scenario):
    draft = scenario["draft"]
    client.force_login(editor)
    assert len(api_tree(client, draft).json()) == Structure.objects.get(pk=draft.pk).units.count()
    services.add_unit(unit_in(draft, "ROOT"), name="Helt ny afdeling", user=editor)
    assert "Helt ny afdeling" in {u["name"] for u in api_tree(client, draft).json()}
    # The API answers JSON only (the browsable API's inline styles break the CSP): asking
    # for HTML after the tree was cached is refused, not answered with the cached bytes.
    assert api_tree(client, scenario["new"]).status_code == 200
    assert api_tree(client, scenario["new"], accept="text/html").status_code == 406
