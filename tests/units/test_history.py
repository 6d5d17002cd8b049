"""History: every write records who and why, in Danish when the caller gave no reason."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests import factories
from units import selectors, services
from units.models import Organisation, Structure, Succession, Unit, UnitType


def records_since(moment):
    for model in (Organisation, Structure, Unit, Succession, UnitType):
        yield from model.history.filter(history_date__gte=moment)


def test_every_operation_records_user_and_a_danish_reason(small, editor):
    start = timezone.now()
    old, old_units = small
    org = services.create_organisation(name="Randers Kommune", user=editor)
    services.get_or_create_unit_type("Sektion", user=editor)
    draft = services.copy_structure(old, name="Udkast", effective_date=datetime.date(2026, 1, 1),
                                    user=editor)
    u = {x.code: x for x in Unit.objects.filter(tree_id=draft.pk)}
    services.add_unit(u["A"], name="Team A3", code="A3", user=editor)
    services.update_unit(u["A1"], leader_name="Karen Lund", user=editor)
    services.move_unit(u["B1"], u["C"], user=editor)
    services.split_unit(u["B"], [{"name": "B1", "share": 50}, {"name": "B2", "share": 50}],
                        user=editor)
    services.merge_units([u["A1"], u["A2"]], into="Team A", user=editor)
    services.close_unit(u["C"], user=editor, transfer_children_to=u["A"])
    services.set_predecessors(u["A"], [(old_units["A"], 90)], user=editor)
    services.update_structure(draft, description="Til høring", user=editor)
    services.set_status(draft, "consultation", user=editor)
    services.create_structure(org, name="Randers 2025", effective_date=datetime.date(2025, 1, 1),
                              user=editor)
    records = list(records_since(start))
    assert len(records) > 30
    assert {r.history_user_id for r in records} == {editor.pk}
    reasons = {r.history_change_reason for r in records}
    assert "" not in reasons and None not in reasons
    expected = {
        "Organisationen »Randers Kommune« oprettet.",
        "Enhedstypen »Sektion« oprettet.",
        "Kopieret fra »Organisering 2024«.",
        "Enheden »Team A3« oprettet under »Afdeling A«.",
        "»Team A1«: leder ændret.",
        "Flyttet fra »Afdeling B« til »Afdeling C«.",
        "»Afdeling B« delt i »B1« (50 %) og »B2« (50 %).",
        "»Team A1« og »Team A2« lagt sammen til »Team A«.",
        "Enheden »Afdeling C« nedlagt. Underenhederne flyttet til »Afdeling A«.",
        "»Afdeling A« kommer fra »Afdeling A« (90 %).",
        "Ændret: beskrivelse.",
        "Status ændret fra Udkast til I høring.",
        "Organiseringen »Randers 2025« oprettet som udkast pr. 1. januar 2025.",
    }
    assert reasons == expected


def test_the_callers_reason_is_kept_word_for_word(small, editor):
    old, _ = small
    draft = services.copy_structure(old, name="Udkast", effective_date=datetime.date(2026, 1, 1),
                                    user=editor, reason="HovedMED 8. november")
    unit = Unit.objects.get(tree_id=draft.pk, code="A1")
    reason = "Flyttes efter aftale med centerchefen <b>nu</b>"
    services.move_unit(unit, Unit.objects.get(tree_id=draft.pk, code="B"), user=editor,
                       reason=reason)
    assert unit.history.latest("history_id").history_change_reason == reason
    assert draft.history.get().history_change_reason == "HovedMED 8. november"


def test_refused_operations_write_no_history(small, editor):
    old, units = small
    count = sum(1 for _ in records_since(old.created_at))
    for attempt in (
        lambda: services.add_unit(units["A"], name="Ny", user=editor),
        lambda: services.set_status(old, "draft", user=editor),
        lambda: services.create_structure(old.organisation, name="", user=editor,
                                          effective_date=datetime.date(2025, 1, 1)),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert sum(1 for _ in records_since(old.created_at)) == count


def test_a_second_editor_shows_in_the_unit_history(small, editor):
    old, _ = small
    other = factories.make_user("anden", "Redaktør")
    other.first_name, other.last_name = "Ida", "Holm"
    other.save()
    draft = services.copy_structure(old, name="Udkast", effective_date=datetime.date(2026, 1, 1),
                                    user=editor)
    unit = Unit.objects.get(tree_id=draft.pk, code="C")
    services.update_unit(unit, headcount=6, user=other)
    entries = selectors.unit_history(unit)
    assert entries[0].user == "Ida Holm"
    assert [(c.label, c.old, c.new) for c in entries[0].changes] == [
        ("Antal medarbejdere", "5", "6")]
    assert {e.user for e in entries[1:]} == {"redaktoer"}


def test_long_names_and_reasons_are_kept_whole(small, editor):
    """Danish unit names are long; a generated reason naming two of them, or an editor's
    paragraph, must be recorded whole on PostgreSQL too."""
    old, _ = small
    draft = services.copy_structure(old, name="Udkast", effective_date=datetime.date(2026, 1, 1),
                                    user=editor)
    u = {x.code: x for x in Unit.objects.filter(tree_id=draft.pk)}
    long_a = "Center for Særlig Indsats for Udsatte Børn, Unge og deres Familier – Myndighed"
    long_c = "Center for Længerevarende Botilbud og Beskæftigelse for Voksne med Handicap"
    services.update_unit(u["A"], name=long_a, user=editor)
    services.update_unit(u["C"], name=long_c, user=editor)
    services.move_unit(u["A1"], u["C"], user=editor)
    expected = f"Flyttet fra »{long_a}« til »{long_c}«."
    assert len(expected) > 100
    assert u["A1"].history.latest("history_id").history_change_reason == expected
    words = "Besluttet på HovedMED-mødet den 8. november efter drøftelse med TR og AMR. " * 5
    services.update_unit(u["B"], headcount=21, user=editor, reason=words)
    assert u["B"].history.latest("history_id").history_change_reason == words
