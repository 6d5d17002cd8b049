"""Undo and restore in the browser's pages: the "Fortryd" button in the flash message after an
operation and beside each undoable entry of the change log, the restore forms, who may use
them, and the change log's query count whatever the number of operations."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.units.test_undo import draft_snapshot, hours_from_now, last_op, units_of
from units import services
from units.models import Operation, Unit

JAN_2025 = datetime.date(2025, 1, 1)


@pytest.fixture
def draft(editor, small):
    published, _ = small
    return services.copy_structure(published, name="Udkast 2025", effective_date=JAN_2025,
                                   user=editor)


def undo_urls(html: str) -> list[str]:
    return re.findall(r'action="(/structure/\d+/undo/\d+/)"', html)


def flash(html: str) -> str:
    """The page's messages block."""
    if 'class="messages"' not in html:
        return ""
    return html.split('class="messages"')[1].split("</div>")[0]


def test_the_flash_after_an_operation_offers_to_undo_it(client, editor, draft):
    client.force_login(editor)
    u = units_of(draft)
    before = draft_snapshot(draft)
    move = reverse("units:unit-action", args=[draft.pk, u["A1"].pk, "move"])
    page = client.post(move, {"move-new_parent": u["B"].pk, "move-reason": "A1 hører under B."},
                       follow=True).content.decode()
    assert "er flyttet til" in page
    (undo,) = undo_urls(flash(page))
    assert undo == reverse("units:structure-undo", args=[draft.pk, last_op(draft).pk])
    page = client.post(undo, {"next": f"/structure/{draft.pk}/edit/?unit={u['A1'].pk}"},
                       follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fortrudt: »A1 hører under B.«" in html
    assert draft_snapshot(draft) == before
    # The undo is offered to be undone in turn, once: the next page has no button.
    assert len(undo_urls(flash(html))) == 1
    again = client.get(reverse("units:structure-edit", args=[draft.pk])).content.decode()
    assert 'class="messages"' not in again


def test_a_confirmed_drag_and_drop_move_offers_the_undo_on_the_page_after_it(client, editor, draft):
    client.force_login(editor)
    u = units_of(draft)
    move = reverse("units:unit-action", args=[draft.pk, u["A1"].pk, "move"])
    # The drop's confirmation dialog posts the move form itself; the page it goes back to
    # carries the offer.
    answer = client.post(move, {"move-new_parent": u["B"].pk, "move-reason": "Trukket."})
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert undo_urls(page) == [reverse("units:structure-undo",
                                       args=[draft.pk, last_op(draft).pk])]


def test_a_new_order_among_siblings_is_offered_for_undo_and_undone(client, editor, draft):
    client.force_login(editor)
    u = units_of(draft)
    before = draft_snapshot(draft)
    reorder = reverse("units:unit-reorder", args=[draft.pk, u["C"].pk])
    page = client.post(reorder, {"direction": "up"}, follow=True).content.decode()
    assert "er flyttet op" in page and draft_snapshot(draft) != before
    (undo,) = undo_urls(flash(page))
    assert last_op(draft).kind == Operation.Kind.REORDER
    client.post(undo, follow=True)
    assert draft_snapshot(draft) == before


def test_no_offer_when_the_operation_changed_nothing(client, editor, draft):
    client.force_login(editor)
    u = units_of(draft)
    move = reverse("units:unit-action", args=[draft.pk, u["A1"].pk, "move"])
    page = client.post(move, {"move-new_parent": u["A"].pk, "move-reason": "Ingen ændring."},
                       follow=True).content.decode()
    assert undo_urls(page) == []


def test_the_change_log_offers_undo_where_nothing_depends_on_it(client, editor, draft):
    u = units_of(draft)
    services.add_unit(u["A"], name="Team A3", code="A3", user=editor, reason="Ny A3.")
    added = last_op(draft)
    services.add_unit(units_of(draft)["A3"], name="Gruppe", user=editor, reason="Ny gruppe.")
    services.update_unit(u["C"], leader_name="Ole", user=editor, reason="Ny leder i C.")
    client.force_login(editor)
    url = reverse("units:structure-history", args=[draft.pk])
    html = client.get(url).content.decode()
    assert "Kan ikke fortrydes nu: 1 senere ændring bygger på den." in html
    assert len(undo_urls(html)) == 2  # the group and the leader, not the blocked A3
    assert reverse("units:structure-undo", args=[draft.pk, added.pk]) not in html
    # Refused when asked anyway: the message names the later step, nothing changes.
    before = draft_snapshot(draft)
    page = client.post(reverse("units:structure-undo", args=[draft.pk, added.pk]),
                       {"next": url}, follow=True).content.decode()
    assert "en senere ændring bygger på den: »Ny gruppe.«" in page
    assert draft_snapshot(draft) == before
    # Undone from the change log: the entry is marked, the undo is an entry of its own.
    leader = Operation.objects.get(reason="Ny leder i C.")
    client.post(reverse("units:structure-undo", args=[draft.pk, leader.pk]), {"next": url})
    html = client.get(url).content.decode()
    assert "Fortrudt: Ny leder i C." in html and "Fortrudt." in html
    assert Unit.objects.get(pk=u["C"].pk).leader_name == ""


def test_restoring_from_the_history_page_and_the_unit_page(client, editor, draft,
                                                           time_machine):
    clock = hours_from_now(time_machine)
    clock(1)
    u = units_of(draft)
    then = draft_snapshot(draft)
    at = clock(2)
    clock(3)
    services.update_unit(u["A"], name="Afdeling X", user=editor)
    services.close_unit(u["C"], user=editor)
    clock(4)
    client.force_login(editor)
    history = reverse("units:structure-history", args=[draft.pk])
    at_text = at.astimezone().isoformat()
    page = client.get(history, {"at": at_text}).content.decode()
    assert 'name="unit"' in page and "Gendan, som registreret" in page
    restore = reverse("units:structure-restore", args=[draft.pk])
    # One unit, from the unit's page.
    unit_page = client.get(reverse("units:unit-detail", args=[u["A"].pk])).content.decode()
    assert "Gendan enheden" in unit_page and 'type="datetime-local"' in unit_page
    done = client.post(restore, {"at": at_text, "unit": u["A"].pk,
                                 "next": reverse("units:unit-detail", args=[u["A"].pk])},
                       follow=True).content.decode()
    assert "Gendannet til" in done and "»Afdeling A«" in done
    assert not Unit.objects.filter(pk=u["C"].pk).exists()
    # The whole draft, from the history page.
    done = client.post(restore, {"at": at_text, "next": history}, follow=True).content.decode()
    assert "Gendannet til" in done and undo_urls(flash(done))
    assert draft_snapshot(draft) == then
    # Nothing left to restore; a bad moment is refused in Danish.
    again = client.post(restore, {"at": at_text, "next": history}, follow=True)
    assert "Der er intet at gendanne" in again.content.decode()
    bad = client.post(restore, {"at": "i går", "next": history}, follow=True).content.decode()
    assert "Skriv tidspunktet som" in bad
    assert draft_snapshot(draft) == then


def test_undo_and_restore_are_for_editors_of_drafts_only(client, editor, reader, manager,
                                                         med_member, draft):
    u = units_of(draft)
    services.update_unit(u["A"], leader_name="Lis", user=editor)
    op = last_op(draft)
    urls = [reverse("units:structure-undo", args=[draft.pk, op.pk]),
            reverse("units:structure-restore", args=[draft.pk])]
    data = {"at": "2199-01-01T00:00"}
    before = draft_snapshot(draft)
    for user in (reader, manager, med_member):
        client.force_login(user)
        for url in urls:
            assert client.post(url, data).status_code == 404, (user, url)
    assert draft_snapshot(draft) == before
    client.force_login(editor)
    for url in urls:
        assert client.get(url).status_code == 405
    # Another structure's operation is not found through this draft.
    other = services.copy_structure(draft, name="Andet udkast", effective_date=JAN_2025,
                                    user=editor)
    assert client.post(reverse("units:structure-undo", args=[other.pk, op.pk])).status_code \
        == 404
    # CSRF is checked.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(urls[0]).status_code == 403
    # A frozen structure: the editor is told why, nothing changes.
    services.set_status(draft, "consultation", user=editor)
    before = draft_snapshot(draft)
    for url in urls:
        response = client.post(url, data)
        assert response.status_code == 403
        assert "Kun udkast kan ændres" in response.content.decode()
    assert draft_snapshot(draft) == before
    page = client.get(reverse("units:structure-history", args=[draft.pk])).content.decode()
    assert undo_urls(page) == [] and "structure-restore" not in page
    assert reverse("units:structure-restore", args=[draft.pk]) not in page


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_change_log_reads_a_fixed_number_of_queries(client, editor, draft):
    client.force_login(editor)
    url = reverse("units:structure-history", args=[draft.pk])
    u = units_of(draft)
    services.update_unit(u["A"], leader_name="Lis", user=editor)
    few = _count(client, url)
    for n in range(12):
        new = services.add_unit(u["B"], name=f"Team B{n + 10}", user=editor)
        services.update_unit(new, leader_name=f"Leder {n}", user=editor)
    services.undo_operation(last_op(draft), user=editor)
    services.move_unit(u["A2"], u["C"], user=editor)
    many = _count(client, url)
    assert many == few
    print(f"\nhistory page: {few} queries with 1 operation, {many} with "
          f"{Operation.objects.filter(structure=draft).count()}")
