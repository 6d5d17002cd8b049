"""The edit page's placement in a browser: the move picker by keyboard (ARIA combobox),
dragging within a parent to set the order, and the move up/down buttons."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import login, screenshot
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(editor, organisation):
    return factories.make_structure(editor, {
        "A": ("Afdeling A", 0, {"A1": "Team A1"}),
        "B": ("Afdeling B", 0, {"B1": "Team B1"}),
        "C": "Afdeling C", "AE": "Ældreområdet",
    }, organisation=organisation)


def names_under(unit):
    return list(Unit.objects.filter(parent_id=unit.pk).order_by("lft")
                .values_list("name", flat=True))


def test_the_move_picker_is_a_combobox_used_by_keyboard(page, draft):
    structure, u = draft
    login(page, "redaktoer")
    page.goto(f"/structure/{structure.pk}/edit/?unit={u['A1'].pk}")
    page.locator("summary", has_text=re.compile(r"^Flyt$")).click()
    box = page.get_by_role("combobox", name="Ny overordnet enhed")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator("[data-picker-search]")).to_be_hidden()
    box.focus()
    page.keyboard.type("aeldre")
    options = page.get_by_role("listbox", name="Fundne enheder").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Ældreområdet")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.fill("")
    page.keyboard.type("afd")
    # A1's own parent (Afdeling A) is not offered.
    expect(options).to_have_count(2)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(box).to_have_value("Afdeling B")
    expect(page.locator(".picker:not([data-move-target-field]) [data-picker-status]")) \
        .to_have_text("Valgt: Afdeling B")
    screenshot(page, "flyt-vaelger")
    page.locator("#id_move-reason").fill("Team A1 hører under Afdeling B.")
    page.get_by_role("button", name="Flyt Team A1", exact=True).click()
    expect(page.locator(".message.success")).to_contain_text("flyttet til »Afdeling B«")
    assert Unit.objects.get(pk=u["A1"].pk).parent_id == u["B"].pk


def test_dropping_on_a_siblings_edge_sets_the_order(page, draft):
    structure, u = draft
    login(page, "redaktoer")
    page.goto(f"/structure/{structure.pk}/edit/")
    # Afdeling C onto the top edge of Afdeling A: placed first, not moved under A.
    page.drag_and_drop(f"#o-{u['C'].pk} > .o-line", f"#o-{u['A'].pk} > .o-line",
                       target_position={"x": 30, "y": 1})
    expect(page.locator(".outline-tree > li > details > ul > li").first).to_have_id(
        f"o-{u['C'].pk}")
    assert names_under(u["ROOT"]) == ["Afdeling C", "Afdeling A", "Afdeling B", "Ældreområdet"]


def test_move_up_and_down_buttons(page, draft):
    structure, u = draft
    login(page, "redaktoer")
    page.goto(f"/structure/{structure.pk}/edit/?unit={u['B'].pk}")
    expect(page.locator(".order-place")).to_have_text("Nr. 2 af 4 under Testkommune")
    page.get_by_role("button", name=re.compile("Flyt op")).click()
    expect(page.locator(".message.success")).to_have_text("»Afdeling B« er flyttet op.")
    expect(page.locator(".order-place")).to_have_text("Nr. 1 af 4 under Testkommune")
    expect(page.get_by_role("button", name=re.compile("Flyt op"))).to_be_disabled()
    assert names_under(u["ROOT"])[:2] == ["Afdeling B", "Afdeling A"]
