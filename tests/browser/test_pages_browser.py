"""What needs a browser: folding the chart and outline, drag to move, search as you type, and
the whole journey of an editor and of a manager."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import login, screenshot
from tests.units import pages_fixtures
from tests.units.pages_fixtures import unit_in
from units.models import Structure, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

scenario = pages_fixtures.scenario


def test_editor_copies_moves_merges_compares_and_sees_history(page, editor, small):
    old, units = small
    login(page, "redaktoer")
    page.goto(f"/structure/{old.pk}/")
    screenshot(page, "01-organisationsdiagram")
    page.get_by_text("Redaktør: kopiér, status og oplysninger").click()
    page.get_by_label("Navn på det nye udkast").fill("Udkast 2025")
    page.get_by_label("Gældende fra").first.fill("2025-01-01")
    page.get_by_role("button", name="Kopiér", exact=True).click()
    page.wait_for_url("**/edit/")
    draft = Structure.objects.get(name="Udkast 2025")
    a1, c = unit_in(draft, "A1"), unit_in(draft, "C")

    # Drag Team A1 onto Afdeling C, and confirm with a reason in the dialog.
    page.drag_and_drop(f"#o-{a1.pk} > .o-line", f"#o-{c.pk} > .o-line")
    dialog = page.locator("#move-dialog")
    expect(dialog).to_contain_text("Flyt Team A1 under Afdeling C.")
    dialog.locator("#dialog-move-reason").fill("Tættere på borgerne")
    dialog.get_by_role("button", name="Flyt", exact=True).click()
    # The dialog posts the move form; then Team A1 sits inside Afdeling C.
    expect(page.locator(f"#o-{c.pk} #o-{a1.pk}")).to_be_visible()
    assert Unit.objects.get(pk=a1.pk).parent_id == c.pk
    screenshot(page, "02-rediger-udkast")

    # Merge Afdeling C into Afdeling B with the form, keyboard style.
    b = unit_in(draft, "B")
    page.goto(f"/structure/{draft.pk}/edit/?unit={b.pk}")
    page.locator("summary", has_text="Læg sammen").click()
    page.select_option("#id_merge-others", [str(c.pk)])
    page.fill("#id_merge-name", "Afdeling B og C")
    page.fill("#id_merge-reason", "Færre ledelseslag")
    page.get_by_role("button", name="Læg sammen", exact=True).click()
    expect(page.locator(".message.success")).to_contain_text("Afdeling B og C")
    assert not Unit.objects.filter(pk=c.pk).exists()

    page.goto(f"/structure/{old.pk}/compare/{draft.pk}/")
    table = page.locator("table.compare")
    expect(table).to_contain_text("Sammenlagt")
    expect(table).to_contain_text("Afdeling B og C")
    screenshot(page, "03-sammenligning")

    page.goto(f"/structure/{draft.pk}/history/")
    expect(page.locator("#main")).to_contain_text("Færre ledelseslag")
    expect(page.locator("#main")).to_contain_text("Tættere på borgerne")
    screenshot(page, "04-historik")


def test_chart_and_outline_fold_with_mouse_and_keyboard(page, reader, small):
    old, units = small
    login(page, "laeser")
    page.goto(f"/structure/{old.pk}/?depth=30")
    root = units["ROOT"]
    toggle = page.locator(f"#u-{root.pk} .oc-toggle")
    children = page.locator(f"#c-{root.pk}")
    expect(toggle).to_be_visible()
    toggle.click()
    expect(children).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(children).to_be_visible()
    page.get_by_role("button", name="Fold alle sammen").click()
    expect(children).to_be_hidden()
    page.get_by_role("button", name="Fold alle ud").click()
    expect(children).to_be_visible()

    page.goto(f"/structure/{old.pk}/outline/")
    team = page.locator(f"#o-{units['A1'].pk}")
    expect(team).to_be_visible()
    page.locator(f"#o-{units['A'].pk} > details > summary").click()
    expect(team).to_be_hidden()
    page.locator(f"#o-{units['A'].pk} > details > summary").press("Enter")
    expect(team).to_be_visible()
    screenshot(page, "05-oversigt")


def test_search_as_you_type_ignores_case_and_accents(page, editor, reader):
    factories.make_structure(editor, {"AE": ("Ældrecenter Åbyhøj", 10, {
        "CS": ("Café Søndergård", 3)})}, status="published")
    login(page, "laeser")
    page.goto("/min-enhed/")
    box = page.get_by_label("Søg på enhedens navn eller kode")
    box.press_sequentially("CAFE SONDER", delay=20)
    results = page.locator("#search-results")
    expect(results).to_contain_text("Café Søndergård")
    box.fill("")
    box.press_sequentially("aeldrecenter åby", delay=20)
    expect(results).to_contain_text("Ældrecenter Åbyhøj")
    expect(results).not_to_contain_text("Café")


def test_manager_finds_their_unit_and_cannot_open_a_draft(page, manager, scenario):
    login(page, "leder")
    # Lands on their units.
    expect(page.locator("h1")).to_have_text("Min enhed")
    page.goto("/min-enhed/")
    page.get_by_label("Søg på enhedens navn eller kode").press_sequentially("team a1", delay=20)
    hit = page.locator("#search-results a", has_text="Team A1").first
    expect(hit).to_be_visible()
    page.locator("#search-results li", has_text="Organisering 2024").get_by_role("link").click()
    answer = page.locator("article.answer")
    expect(answer).to_contain_text("Fra 1. januar 2030")
    expect(answer).to_contain_text("Afdeling B")
    expect(answer).to_contain_text("Flyttet")
    screenshot(page, "06-min-enhed")
    response = page.goto(f"/structure/{scenario['draft'].pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Udkast 2031")


def test_manager_picks_the_right_distrikt_nord_by_its_path(page, manager):
    """The demo has three "Distrikt Nord" in Aarhus's structure in force, and three more in
    the one before it: typing the name and clicking the path is all it takes."""
    from units import demo

    demo.load()  # the suite's users exist already and keep their password
    wanted = Unit.objects.get(code="MSO-9100",
                              structure__name="Ny organisering, sidste step pr. 1. januar 2022")
    login(page, "leder")
    page.goto("/min-enhed/")
    # 1: type.
    page.get_by_label("Søg på enhedens navn eller kode").press_sequentially(
        "distrikt nord", delay=20)
    results = page.locator("#search-results")
    aarhus = results.locator(".hit-group", has_text="Aarhus Kommune, Sundhed og Omsorg").first
    expect(aarhus.locator(".hit")).to_have_count(4)
    expect(aarhus).to_contain_text("gældende fra 1. januar 2022")
    # The superseded 2021 structure's namesakes wait behind the toggle.
    expect(page.locator("#earlier-hits")).to_be_hidden()
    screenshot(page, "07-min-enhed-soegning")
    # 2: click the one under Hjemmeplejen.
    aarhus.get_by_role("link", name="Sundhed og Omsorg › Hjemmeplejen › Distrikt Nord",
                       exact=True).click()
    page.wait_for_url(f"**/min-enhed/?unit={wanted.pk}")
    answer = page.locator("article.answer")
    expect(answer.locator("h2").first).to_contain_text("Distrikt Nord")
    expect(answer).to_contain_text("Sundhed og Omsorg › Hjemmeplejen › Distrikt Nord")


def test_earlier_structures_are_revealed_in_place(page, editor, reader):
    import datetime

    from units import services

    old, _ = factories.make_structure(editor, {"D": ("Distrikt Vest", 4)}, status="published")
    new = services.copy_structure(old, name="Ny 2025", user=editor,
                                  effective_date=datetime.date(2025, 1, 1))
    services.set_status(new, "published", user=editor)
    login(page, "laeser")
    page.goto("/min-enhed/")
    page.get_by_label("Søg på enhedens navn eller kode").press_sequentially("vest", delay=20)
    toggle = page.get_by_role("link", name="Vis også tidligere organiseringer (1 enhed)")
    expect(toggle).to_be_visible()
    expect(page.locator("#earlier-hits")).to_be_hidden()
    toggle.click()
    expect(page.locator("#earlier-hits")).to_be_visible()
    expect(page.locator("#earlier-hits")).to_contain_text("udmeldt, gjaldt fra 1. januar 2024")
    assert "tidligere=1" not in page.url  # revealed in place, no new page
