"""The edit page's move confirmation in a browser: drag and drop opens the dialog and moves
nothing until confirmed with a reason; cancel and Escape move nothing and give focus back; the
same dialog works by keyboard alone from a unit's »Flyt …« button. And two editors in two
browser contexts: the second is told what the first changed, and nothing is lost."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from orgreg import roles
from tests import factories
from tests.browser.conftest import login, screenshot
from tests.units.pages_fixtures import unit_in
from units import services
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(editor, small):
    old, _ = small
    return services.copy_structure(old, name="Udkast 2025", effective_date=old.effective_date,
                                   user=editor, reason="Et udkast til prøve")


def line(unit) -> str:
    return f"#o-{unit.pk} > .o-line, #o-{unit.pk} > details > summary"


def test_drag_opens_the_dialog_and_confirm_moves_with_the_reason(page, draft):
    a1, c = unit_in(draft, "A1"), unit_in(draft, "C")
    login(page, "redaktoer")
    page.goto(f"/structure/{draft.pk}/edit/")
    page.drag_and_drop(line(a1), line(c))
    dialog = page.locator("#move-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Flyt Team A1 under Afdeling C.")
    expect(page.locator("#dialog-move-reason")).to_be_focused()
    assert Unit.objects.get(pk=a1.pk).parent_id != c.pk  # nothing moved yet
    screenshot(page, "flyt-01-bekraeft")
    # The reason is required: an empty one keeps the dialog open.
    dialog.get_by_role("button", name="Flyt", exact=True).click()
    expect(dialog).to_be_visible()
    assert Unit.objects.get(pk=a1.pk).parent_id != c.pk
    page.locator("#dialog-move-reason").fill("Tættere på borgerne")
    dialog.get_by_role("button", name="Flyt", exact=True).click()
    expect(page.locator(".message.success")).to_contain_text("er flyttet til")
    expect(page.locator(f"#o-{c.pk} #o-{a1.pk}")).to_be_visible()
    moved = Unit.objects.get(pk=a1.pk)
    assert moved.parent_id == c.pk
    assert moved.history.first().history_change_reason == "Tættere på borgerne"


def test_cancel_and_escape_move_nothing_and_give_focus_back(page, draft):
    a1, c = unit_in(draft, "A1"), unit_in(draft, "C")
    parent = Unit.objects.get(pk=a1.pk).parent_id
    history = Unit.history.count()
    login(page, "redaktoer")
    page.goto(f"/structure/{draft.pk}/edit/")
    dialog = page.locator("#move-dialog")

    page.drag_and_drop(line(a1), line(c))
    expect(dialog).to_be_visible()
    page.locator("#dialog-move-reason").fill("Fortrudt")
    dialog.get_by_role("button", name="Annullér").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(f"#o-{a1.pk} a").first).to_be_focused()

    button = page.get_by_role("button", name="Flyt Team A1 …")
    button.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()

    page.reload()
    expect(page.locator(f"#o-{c.pk} #o-{a1.pk}")).to_have_count(0)
    assert Unit.objects.get(pk=a1.pk).parent_id == parent
    assert Unit.history.count() == history


def test_keyboard_alone_moves_through_the_same_dialog(page, draft):
    a1, c = unit_in(draft, "A1"), unit_in(draft, "C")
    login(page, "redaktoer")
    page.goto(f"/structure/{draft.pk}/edit/")
    # Tab from the unit's link to its »Flyt …« button (the button comes first in the item,
    # so go back one from the link).
    page.locator(f"#o-{a1.pk} a").first.focus()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Flyt Team A1 …")).to_be_focused()
    page.keyboard.press("Enter")
    target = page.locator("#dialog-move-target")
    expect(target).to_be_focused()
    expect(page.locator("#move-dialog")).to_contain_text("vælg den nye overordnede enhed")
    # The picker searches as you type; the unit itself and its present parent are not
    # offered (units:unit-move-targets).
    page.keyboard.type("Team A1")
    expect(page.locator("#move-dialog [data-picker-status]")).to_have_text("Ingen enheder passer.")
    target.fill("")
    page.keyboard.type("Afdeling C")
    option = page.locator("#move-dialog [role=option]").filter(has_text="Afdeling C")
    expect(option).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#move-dialog [data-picker-value]").input_value() == str(c.pk)
    expect(page.locator("#move-dialog")).to_contain_text("Flyt Team A1 under Afdeling C.")
    page.keyboard.press("Tab")
    expect(page.locator("#dialog-move-reason")).to_be_focused()
    page.keyboard.type("Med tastaturet")
    page.keyboard.press("Enter")
    expect(page.locator(".message.success")).to_contain_text("er flyttet til")
    moved = Unit.objects.get(pk=a1.pk)
    assert moved.parent_id == c.pk
    assert moved.history.first().history_change_reason == "Med tastaturet"


def test_two_editors_in_two_browsers_the_second_is_told_and_nothing_is_lost(
        page, browser, live_server, draft):
    other = factories.make_user("redaktoer2", roles.EDITOR)
    other.first_name, other.last_name = "Anna", "Andersen"
    other.save()
    c, a = unit_in(draft, "C"), unit_in(draft, "A")
    parent = c.parent_id
    base_url = live_server.url.replace("://localhost:", "://127.0.0.1:")
    anna_context = browser.new_context(base_url=base_url, locale="da-DK",
                                       viewport={"width": 1400, "height": 900})
    try:
        anna = anna_context.new_page()
        anna.set_default_timeout(8000)
        login(page, "redaktoer")
        login(anna, "redaktoer2")
        # Both open Afdeling C.
        page.goto(f"/structure/{draft.pk}/edit/?unit={c.pk}")
        anna.goto(f"/structure/{draft.pk}/edit/?unit={c.pk}")

        # Anna renames it first.
        anna.locator("#id_edit-name").fill("Afdeling C Vest")
        anna.get_by_role("button", name="Gem", exact=True).click()
        expect(anna.locator(".message.success")).to_contain_text("Afdeling C Vest")

        # The other editor, from the page as it was, moves it under Afdeling A by dragging.
        page.drag_and_drop(line(c), line(a))
        page.locator("#dialog-move-reason").fill("Samles med A")
        page.locator("#move-dialog").get_by_role("button", name="Flyt", exact=True).click()
        error = page.locator(".field-error, .form-error").filter(
            has_text="er ændret, siden du åbnede formularen")
        expect(error.first).to_be_visible()
        expect(error.first).to_contain_text("Anna Andersen")
        expect(error.first).to_contain_text("Navn: »Afdeling C« → »Afdeling C Vest«")
        screenshot(page, "flyt-02-aendret-af-en-anden")
        fresh = Unit.objects.get(pk=c.pk)
        assert (fresh.name, fresh.parent_id) == ("Afdeling C Vest", parent)

        # The same for the edit form: the other editor's stale save is refused too.
        page.goto(f"/structure/{draft.pk}/edit/?unit={c.pk}")
        anna.reload()
        anna.locator("#id_edit-leader_name").fill("Anna Holm")
        anna.get_by_role("button", name="Gem", exact=True).click()
        expect(anna.locator(".message.success")).to_be_visible()
        page.locator("#id_edit-location").fill("Rådhuset")
        page.get_by_role("button", name="Gem", exact=True).click()
        expect(page.locator("#main")).to_contain_text("→ »Anna Holm«")
        fresh = Unit.objects.get(pk=c.pk)
        assert (fresh.leader_name, fresh.location) == ("Anna Holm", "")
    finally:
        anna_context.close()
