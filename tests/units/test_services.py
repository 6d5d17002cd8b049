"""Every service: what it does, and that each refusal leaves the database as it was."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from units import selectors, services
from units.models import Organisation, Status, Structure, Succession, Unit

JAN_2025 = datetime.date(2025, 1, 1)


# --- helpers shared with the other test modules of tests/units ---------------------------


def snapshot() -> tuple:
    """Everything a refused operation must leave alone: every unit's fields and tree
    numbers, every succession, every structure and every history table's size."""
    return (
        list(Unit.objects.order_by("pk").values_list(
            "pk", "parent_id", "lft", "rght", "level", "tree_id", "name", "code", "headcount",
            "structure_id",
        )),
        list(Succession.objects.order_by("pk").values_list("pk", "from_unit_id", "to_unit_id",
                                                           "share")),
        list(Structure.objects.order_by("pk").values_list("pk", "status", "name",
                                                          "effective_date")),
        Unit.history.count(), Succession.history.count(), Structure.history.count(),
        Organisation.history.count(),
    )


def refused(fn, *args, match: str | None = None, **kwargs) -> str:
    """Call fn, expect a ValidationError with `match` in its Danish text and nothing
    changed; returns the message."""
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    assert snapshot() == before
    message = " ".join(info.value.messages)
    if match is not None:
        assert match in message, message
    return message


def assert_sound(structure: Structure | None = None) -> None:
    assert selectors.tree_faults(structure) == []


def shape(structure: Structure) -> list[tuple[str, int]]:
    """The tree as (code or name, level) in tree order."""
    return [(n.code or n.name, n.level) for n in selectors.tree(structure)]


def by_code(structure: Structure) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(tree_id=structure.pk) if u.code}


def successions_into(structure: Structure) -> set[tuple[str, str, Decimal]]:
    """(old code, new code or name, share) of every succession into the structure."""
    return {
        (s.from_unit.code, s.to_unit.code or s.to_unit.name, s.share)
        for s in Succession.objects.filter(to_unit__tree_id=structure.pk)
        .select_related("from_unit", "to_unit")
    }


def last_record(unit_or_model_history):
    return unit_or_model_history.order_by("-history_id").first()


def make_draft(small, editor):
    structure, _ = small
    draft = services.copy_structure(structure, name="Ny organisering 2025",
                                    effective_date=JAN_2025, user=editor)
    return draft, by_code(draft)


@pytest.fixture
def draft(small, editor):
    """A draft copy of `small` (same codes) and its units by code."""
    return make_draft(small, editor)


SMALL_SHAPE = [("ROOT", 0), ("A", 1), ("A1", 2), ("A2", 2), ("B", 1), ("B1", 2), ("C", 1)]


# --- organisations and structures ---------------------------------------------------------


def test_create_organisation_and_refusals(editor):
    org = services.create_organisation(name="  Norddjurs Kommune ", user=editor)
    assert org.name == "Norddjurs Kommune"
    record = last_record(org.history)
    assert record.history_user == editor
    assert record.history_change_reason == "Organisationen »Norddjurs Kommune« oprettet."
    refused(services.create_organisation, name="norddjurs kommune", user=editor,
            match="findes allerede")
    refused(services.create_organisation, name="  ", user=editor, match="skal have et navn")


def test_create_structure_is_an_empty_draft_with_its_root(editor, organisation):
    structure = services.create_structure(organisation, name="Organisering 2025",
                                          effective_date=JAN_2025, user=editor)
    assert structure.status == Status.DRAFT
    nodes = selectors.tree(structure)
    assert [(n.name, n.level, n.parent_id) for n in nodes] == [("Testkommune", 0, None)]
    assert_sound(structure)
    root = Unit.objects.get(pk=nodes[0].id)
    expected = "Organiseringen »Organisering 2025« oprettet som udkast pr. 1. januar 2025."
    for record in (last_record(structure.history), last_record(root.history)):
        assert record.history_user == editor
        assert record.history_change_reason == expected


def test_create_structure_refusals(editor, organisation):
    refused(services.create_structure, organisation, name=" ", effective_date=JAN_2025,
            user=editor, match="skal have et navn")
    refused(services.create_structure, organisation, name="X", effective_date=None,
            user=editor, match="gælder fra")
    refused(services.create_structure, organisation, name="X", effective_date=JAN_2025,
            user=editor, root_fields={"name": ""}, match="skal have et navn")


def test_copy_structure_copies_every_unit_with_a_one_to_one_succession(small, editor):
    structure, units = small
    copy = services.copy_structure(structure, name="Kopi", effective_date=JAN_2025,
                                   user=editor, reason="Grundlag for høringen")
    assert copy.status == Status.DRAFT and copy.based_on_id == structure.pk
    assert shape(copy) == SMALL_SHAPE
    assert_sound()
    new = by_code(copy)
    assert {(o, n, s) for o, n, s in successions_into(copy)} == {
        (code, code, Decimal("100.00")) for code in units
    }
    # Every copied field, not just the name.
    for code, old in units.items():
        assert (new[code].name, new[code].headcount) == (old.name, old.headcount)
        record = last_record(new[code].history)
        assert record.history_user == editor
        assert record.history_change_reason == "Grundlag for høringen"
    assert Succession.history.filter(to_unit_id=new["A"].pk).get().history_user == editor
    # The original is untouched and still sound.
    assert shape(structure) == SMALL_SHAPE


def test_copy_structure_refuses_an_empty_name(small, editor):
    structure, _ = small
    refused(services.copy_structure, structure, name="", effective_date=JAN_2025, user=editor,
            match="skal have et navn")


def test_update_structure_only_late_fields_after_draft(small, editor):
    structure, _ = small
    refused(services.update_structure, structure, user=editor, name="Nyt navn",
            match="kan kun ændres i et udkast")
    updated = services.update_structure(structure, user=editor, decision="Byrådet 16.12.2020")
    assert updated.decision == "Byrådet 16.12.2020"
    assert last_record(structure.history).history_change_reason == "Ændret: beslutning."


def test_update_structure_refuses_a_basis_cycle(draft, small, editor):
    structure, _ = draft
    old, _ = small
    services.update_structure(structure, user=editor, based_on=old)
    refused(services.update_structure, structure, user=editor, based_on=structure,
            match="sig selv")
    other_org = factories.make_organisation(editor, "Andet sted")
    elsewhere = services.create_structure(other_org, name="Andet", effective_date=JAN_2025,
                                          user=editor)
    refused(services.update_structure, structure, user=editor, based_on=elsewhere,
            match="samme organisation")


# --- set_status ----------------------------------------------------------------------------


def test_set_status_moves_forward_and_records_why(draft, editor):
    structure, _ = draft
    for status, label in [("consultation", "I høring"), ("approved", "Vedtaget"),
                          ("published", "Udmeldt")]:
        structure = services.set_status(structure, status, user=editor)
        assert Structure.objects.get(pk=structure.pk).status == status
        record = last_record(structure.history)
        assert record.history_user == editor
        assert record.history_change_reason.endswith(f"til {label}.")


def test_set_status_refusals(draft, small, editor):
    structure, _ = draft
    published, _ = small
    refused(services.set_status, published, "draft", user=editor, match="kan kun gå frem")
    refused(services.set_status, published, "approved", user=editor, match="kan kun gå frem")
    refused(services.set_status, published, "discarded", user=editor, match="kan ikke forkastes")
    refused(services.set_status, structure, "bogus", user=editor, match="Ukendt status")
    services.set_status(structure, "consultation", user=editor)
    refused(services.set_status, structure, "draft", user=editor, match="kan kun gå frem")
    services.set_status(structure, "discarded", user=editor)
    refused(services.set_status, structure, "approved", user=editor, match="forkastet")


def test_two_structures_cannot_come_into_force_on_the_same_date(draft, small, editor):
    structure, _ = draft
    first, _ = small
    services.set_status(structure, "approved", user=editor)
    rival = services.copy_structure(first, name="Alternativ", effective_date=JAN_2025,
                                    user=editor)
    refused(services.set_status, rival, "approved", user=editor, match="samme dag")
    refused(services.set_status, rival, "published", user=editor, match="samme dag")
    # A discarded rival does not count, and consultation is not in force.
    services.set_status(rival, "consultation", user=editor)
    services.set_status(structure, "discarded", user=editor)
    assert services.set_status(rival, "approved", user=editor).status == "approved"


# --- add and update -------------------------------------------------------------------------


def test_add_unit_as_last_child(draft, editor):
    structure, units = draft
    unit = services.add_unit(units["A"], name=" Team A3 ", code="A3", headcount=7, user=editor)
    assert unit.name == "Team A3"
    assert shape(structure) == [("ROOT", 0), ("A", 1), ("A1", 2), ("A2", 2), ("A3", 2),
                                ("B", 1), ("B1", 2), ("C", 1)]
    assert_sound()
    record = last_record(unit.history)
    assert record.history_user == editor
    assert record.history_change_reason == "Enheden »Team A3« oprettet under »Afdeling A«."
    assert record.parent_id == units["A"].pk
    # A stale parent object does not matter: the service reads the tree afresh.
    services.add_unit(units["A"], name="Team A4", user=editor)
    assert_sound()


def test_add_unit_refusals(draft, small, editor):
    structure, units = draft
    published, old_units = small
    refused(services.add_unit, old_units["A"], name="Ny", user=editor, match="kan ikke ændres")
    refused(services.add_unit, units["A"], name="Ny", code="B1", user=editor,
            match="Koden »B1« bruges allerede af »Team B1«")
    refused(services.add_unit, units["A"], name="   ", user=editor, match="skal have et navn")
    refused(services.add_unit, units["A"], name="Ny", headcount=-3, user=editor)


def test_update_unit_records_the_change(draft, editor):
    structure, units = draft
    unit = services.update_unit(units["A1"], name="Team Aa", leader_name="Bente Holm",
                                user=editor)
    assert Unit.objects.get(pk=unit.pk).name == "Team Aa"
    record = last_record(unit.history)
    assert record.history_user == editor
    assert record.history_change_reason == (
        "»Team Aa«: omdøbt fra »Team A1« til »Team Aa«; leder ændret."
    )
    count = unit.history.count()
    services.update_unit(unit, name="Team Aa", user=editor)
    assert unit.history.count() == count  # nothing changed, nothing recorded
    services.update_unit(unit, code="", user=editor, reason="Koden udgår")
    assert last_record(unit.history).history_change_reason == "Koden udgår"
    assert shape(structure)[2] == ("Team Aa", 2)
    assert_sound()


def test_update_unit_refusals(draft, small, editor):
    _, units = draft
    _, old_units = small
    refused(services.update_unit, old_units["A"], name="Ny", user=editor,
            match="kan ikke ændres")
    refused(services.update_unit, units["A"], code="B", user=editor, match="bruges allerede")
    refused(services.update_unit, units["A"], name="", user=editor, match="skal have et navn")
    with pytest.raises(TypeError):
        services.update_unit(units["A"], lft=5, user=editor)


# --- move -----------------------------------------------------------------------------------


def test_move_unit_takes_its_subtree(draft, editor):
    structure, units = draft
    services.move_unit(units["A"], units["C"], user=editor)
    assert shape(structure) == [("ROOT", 0), ("B", 1), ("B1", 2), ("C", 1), ("A", 2),
                                ("A1", 3), ("A2", 3)]
    assert_sound()
    record = last_record(units["A"].history)
    assert record.history_user == editor
    assert record.history_change_reason == "Flyttet fra »Testkommune« til »Afdeling C«."
    assert record.parent_id == units["C"].pk
    # Stale objects: units["B1"] still holds its old tree numbers.
    services.move_unit(units["B1"], units["A1"], user=editor, reason="Samling af teams")
    assert shape(structure) == [("ROOT", 0), ("B", 1), ("C", 1), ("A", 2), ("A1", 3),
                                ("B1", 4), ("A2", 3)]
    assert_sound()
    assert last_record(units["B1"].history).history_change_reason == "Samling af teams"


def test_move_unit_refusals(draft, small, editor):
    structure, units = draft
    _, old_units = small
    refused(services.move_unit, units["A"], units["A"], user=editor, match="sig selv")
    refused(services.move_unit, units["A"], units["A1"], user=editor,
            match="en af sine egne underenheder")
    refused(services.move_unit, units["A"], old_units["B"], user=editor,
            match="hører til en anden organisering")
    refused(services.move_unit, units["ROOT"], units["A"], user=editor, match="øverste enhed")
    refused(services.move_unit, old_units["A1"], old_units["B"], user=editor,
            match="kan ikke ændres")
    other, other_units = factories.make_structure(
        editor, {"X": "Afdeling X"}, organisation=structure.organisation, name="Anden")
    refused(services.move_unit, other_units["X"], units["A"], user=editor,
            match="hører til en anden organisering")


# --- merge ----------------------------------------------------------------------------------


def test_merge_into_one_of_them_carries_children_and_successions(draft, small, editor):
    structure, units = draft
    merged = services.merge_units([units["A"], units["B"]], into=units["B"], user=editor,
                                  name="Afdeling AB")
    assert merged.pk == units["B"].pk and merged.name == "Afdeling AB"
    assert merged.headcount == 30
    assert shape(structure) == [("ROOT", 0), ("B", 1), ("B1", 2), ("A1", 2), ("A2", 2),
                                ("C", 1)]
    assert_sound()
    assert not Unit.objects.filter(pk=units["A"].pk).exists()
    assert ("A", "B", Decimal("100.00")) in successions_into(structure)
    assert ("B", "B", Decimal("100.00")) in successions_into(structure)
    reason = "»Afdeling A« og »Afdeling B« lagt sammen til »Afdeling AB«."
    assert last_record(merged.history).history_change_reason == reason
    gone = last_record(Unit.history.filter(id=units["A"].pk))
    assert (gone.history_type, gone.history_user, gone.history_change_reason) == (
        "-", editor, reason)
    assert last_record(Unit.history.filter(id=units["A1"].pk)).history_change_reason == reason
    old, _ = small
    change = selectors.compare(old, structure)
    assert change.new_changes[merged.pk].kind == "merged"


def test_merge_into_a_new_name_with_children(draft, editor):
    structure, units = draft
    merged = services.merge_units([units["A"], units["B"]], into="Afdeling for alle",
                                  user=editor)
    assert merged.code == "" and merged.headcount == 30
    assert merged.parent_id == units["ROOT"].pk
    # The merged unit stands where the first of the units stood.
    assert shape(structure) == [("ROOT", 0), ("Afdeling for alle", 1), ("A1", 2), ("A2", 2),
                                ("B1", 2), ("C", 1)]
    assert_sound()
    assert {s for s in successions_into(structure) if s[1] == "Afdeling for alle"} == {
        ("A", "Afdeling for alle", Decimal("100.00")),
        ("B", "Afdeling for alle", Decimal("100.00")),
    }
    assert not Unit.objects.filter(pk__in=[units["A"].pk, units["B"].pk]).exists()


def test_merge_of_a_unit_and_its_child_into_the_parent(draft, editor):
    structure, units = draft
    services.add_unit(units["A1"], name="Gruppe", code="G", user=editor)
    merged = services.merge_units([units["A"], units["A1"]], into=units["A"], user=editor)
    assert merged.headcount == 14
    assert shape(structure) == [("ROOT", 0), ("A", 1), ("A2", 2), ("G", 2), ("B", 1),
                                ("B1", 2), ("C", 1)]
    assert_sound()


def test_merge_twice_adds_up_shares_from_a_split(draft, editor):
    structure, units = draft
    first, second = services.split_unit(units["B"], [
        {"name": "B nord", "share": 60}, {"name": "B syd", "share": 40}], user=editor)
    merged = services.merge_units([first, second], into=first, user=editor, name="B igen")
    assert ("B", "B", Decimal("100.00")) in successions_into(structure)
    assert merged.headcount == 20
    assert_sound()


def test_merge_refusals(draft, small, editor):
    structure, units = draft
    _, old_units = small
    refused(services.merge_units, [units["A"]], into=units["A"], user=editor,
            match="mindst to")
    refused(services.merge_units, [units["A"], units["A"]], into=units["A"], user=editor,
            match="mindst to")
    refused(services.merge_units, [units["A"], units["A1"]], into=units["A1"], user=editor,
            match="sin egen underenhed")
    refused(services.merge_units, [units["A"], units["A1"]], into="Ny", user=editor,
            match="ligger under")
    refused(services.merge_units, [units["A"], units["ROOT"]], into=units["A"], user=editor,
            match="øverste enhed")
    refused(services.merge_units, [units["A"], old_units["B"]], into=units["A"], user=editor,
            match="samme organisering")
    refused(services.merge_units, [units["A"], units["B"]], into=units["C"], user=editor,
            match="ikke blandt")
    refused(services.merge_units, [units["A"], units["B"]], into="  ", user=editor,
            match="skal have et navn")
    refused(services.merge_units, [units["A"], units["B"]], into=units["A"], code="C",
            user=editor, match="bruges allerede")
    refused(services.merge_units, [old_units["A"], old_units["B"]], into=old_units["A"],
            user=editor, match="kan ikke ændres")


# --- split ----------------------------------------------------------------------------------


def test_split_divides_successions_and_moves_named_children(draft, small, editor):
    structure, units = draft
    first, second = services.split_unit(units["A"], [
        {"name": "Afdeling A Nord", "share": 75},
        {"name": "Afdeling A Syd", "share": "25", "children": [units["A2"]], "code": "AS"},
    ], user=editor)
    assert (first.pk, first.code, first.headcount) == (units["A"].pk, "A", 8)
    assert (second.code, second.headcount) == ("AS", 2)
    # The new part follows the unit it was split from.
    assert shape(structure) == [("ROOT", 0), ("A", 1), ("A1", 2), ("AS", 1), ("A2", 2),
                                ("B", 1), ("B1", 2), ("C", 1)]
    assert_sound()
    assert {s for s in successions_into(structure) if s[0] == "A"} == {
        ("A", "A", Decimal("75.00")), ("A", "AS", Decimal("25.00")),
    }
    reason = "»Afdeling A« delt i »Afdeling A Nord« (75 %) og »Afdeling A Syd« (25 %)."
    for unit in (first, second, units["A2"]):
        record = last_record(unit.history)
        assert (record.history_user, record.history_change_reason) == (editor, reason)
    old, _ = small
    change = selectors.compare(old, structure)
    assert change.old_changes[units["A"].successions_in.get().from_unit_id].kind == "split"


def test_split_in_three_keeps_shares_summing_to_the_original(draft, editor):
    structure, units = draft
    services.split_unit(units["B"], [{"name": "B1/2", "share": 50},
                                     {"name": "B2/2", "share": 50}], user=editor)
    half = Unit.objects.get(tree_id=structure.pk, name="B2/2")
    parts = services.split_unit(half, [{"name": f"Del {i}", "share": s} for i, s in
                                       enumerate(["33.33", "33.33", "33.34"])], user=editor)
    assert sum(p.headcount for p in parts) == 10
    shares = Succession.objects.filter(to_unit__tree_id=structure.pk,
                                       from_unit__code="B").values_list("share", flat=True)
    assert sum(shares) == Decimal("100.00")
    assert_sound()


def test_split_refusals(draft, small, editor):
    structure, units = draft
    _, old_units = small
    two = [{"name": "En", "share": 50}, {"name": "To", "share": 50}]
    refused(services.split_unit, units["A"], two[:1], user=editor, match="mindst to dele")
    refused(services.split_unit, units["A"], [{"name": "En", "share": 50},
                                              {"name": "To", "share": 40}],
            user=editor, match="100 %, ikke 90 %")
    refused(services.split_unit, units["A"], [{"name": "En", "share": 150},
                                              {"name": "To", "share": -50}],
            user=editor, match="mellem 0 og 100")
    refused(services.split_unit, units["A"], [{"name": "En", "share": 100},
                                              {"name": "To", "share": 0}],
            user=editor, match="over 0 %")
    refused(services.split_unit, units["A"], [{"name": "En", "share": "halvdelen"},
                                              {"name": "To", "share": 50}],
            user=editor, match="ikke et tal")
    refused(services.split_unit, units["A"], [{"name": "", "share": 50},
                                              {"name": "To", "share": 50}],
            user=editor, match="Del 1 skal have et navn")
    refused(services.split_unit, units["A"], [{"name": "En", "share": 50},
                                              {"name": "To", "share": 50,
                                               "children": [units["B1"]]}],
            user=editor, match="ikke en underenhed")
    refused(services.split_unit, units["A"], [
        {"name": "En", "share": 50, "children": [units["A1"]]},
        {"name": "To", "share": 50, "children": [units["A1"]]}],
        user=editor, match="mere end én del")
    refused(services.split_unit, units["A"], [{"name": "En", "share": 50},
                                              {"name": "To", "share": 50, "code": "B"}],
            user=editor, match="bruges allerede")
    refused(services.split_unit, units["A"], [{"name": "En", "share": 50, "code": "X"},
                                              {"name": "To", "share": 50, "code": "X"}],
            user=editor, match="samme kode")
    refused(services.split_unit, units["ROOT"], two, user=editor, match="øverste enhed")
    refused(services.split_unit, old_units["A"], two, user=editor, match="kan ikke ændres")


# --- close ----------------------------------------------------------------------------------


def test_close_a_leaf_makes_its_predecessor_closed(draft, small, editor):
    structure, units = draft
    services.close_unit(units["C"], user=editor)
    assert shape(structure) == SMALL_SHAPE[:-1]
    assert_sound()
    assert not Succession.objects.filter(to_unit_id=units["C"].pk).exists()
    record = last_record(Unit.history.filter(id=units["C"].pk))
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "-", editor, "Enheden »Afdeling C« nedlagt.")
    gone = last_record(Succession.history.filter(to_unit_id=units["C"].pk))
    assert (gone.history_type, gone.history_user) == ("-", editor)
    old, old_units = small
    change = selectors.compare(old, structure)
    assert change.old_changes[old_units["C"].pk].kind == "closed"
    assert selectors.placement(old_units["C"], structure) == []


def test_close_with_children_moves_them_in_order(draft, small, editor):
    structure, units = draft
    services.close_unit(units["A"], user=editor, transfer_children_to=units["C"])
    assert shape(structure) == [("ROOT", 0), ("B", 1), ("B1", 2), ("C", 1), ("A1", 2),
                                ("A2", 2)]
    assert_sound()
    reason = "Enheden »Afdeling A« nedlagt. Underenhederne flyttet til »Afdeling C«."
    assert last_record(units["A2"].history).history_change_reason == reason
    old, old_units = small
    change = selectors.compare(old, structure)
    assert change.old_changes[old_units["A"].pk].kind == "closed"
    assert change.old_changes[old_units["A1"].pk].kind == "moved"


def test_close_refusals(draft, small, editor):
    structure, units = draft
    _, old_units = small
    refused(services.close_unit, units["ROOT"], user=editor, match="øverste enhed")
    refused(services.close_unit, units["A"], user=editor, match="har 2 underenheder")
    refused(services.close_unit, units["A"], user=editor, transfer_children_to=units["A1"],
            match="selv ligger i")
    refused(services.close_unit, units["A"], user=editor, transfer_children_to=units["A"],
            match="selv ligger i")
    refused(services.close_unit, units["A"], user=editor, transfer_children_to=old_units["B"],
            match="anden organisering")
    refused(services.close_unit, old_units["C"], user=editor, match="kan ikke ændres")


# --- predecessors ---------------------------------------------------------------------------


def test_set_predecessors(draft, small, editor):
    structure, units = draft
    _, old_units = small
    unit = services.add_unit(units["ROOT"], name="Fælles team", code="F", user=editor)
    services.update_unit(units["C"], headcount=1, user=editor)
    # C continues in C (100 %); half of it may not also go to F.
    refused(services.set_predecessors, unit, [(old_units["C"], 50)], user=editor,
            match="højst 100 %")
    services.set_predecessors(units["C"], [(old_units["C"], 50)], user=editor)
    services.set_predecessors(units["B1"], [(old_units["B1"], "87.5")], user=editor)
    services.set_predecessors(unit, [(old_units["C"], 50), (old_units["B1"], "12,5")],
                              user=editor)
    assert {s for s in successions_into(structure) if s[1] in ("C", "F", "B1")} == {
        ("C", "C", Decimal("50.00")), ("C", "F", Decimal("50.00")),
        ("B1", "F", Decimal("12.50")), ("B1", "B1", Decimal("87.50")),
    }
    record = last_record(Succession.history.filter(to_unit_id=unit.pk))
    assert record.history_user == editor
    assert "kommer fra" in record.history_change_reason
    assert_sound()
    services.set_predecessors(unit, [], user=editor)
    assert not Succession.objects.filter(to_unit=unit).exists()


def test_set_predecessors_refusals(draft, small, editor):
    structure, units = draft
    old, old_units = small
    refused(services.set_predecessors, units["A"], [(units["B"], 10)], user=editor,
            match="tidligere organisering")
    refused(services.set_predecessors, units["A"], [(old_units["A"], 101)], user=editor,
            match="mellem 0 og 100")
    refused(services.set_predecessors, units["A"], [(old_units["A"], 10), (old_units["A"], 20)],
            user=editor, match="to gange")
    later = services.copy_structure(structure, name="Senere", effective_date=datetime.date(
        2026, 1, 1), user=editor)
    # A unit of a later structure is no predecessor.
    refused(services.set_predecessors, units["A"], [(by_code(later)["A"], 10)], user=editor,
            match="tidligere organisering")
    other = factories.make_organisation(editor, "Anden kommune")
    foreign, foreign_units = factories.make_structure(editor, {"X": "X"}, organisation=other,
                                                      effective_date=datetime.date(2020, 1, 1))
    refused(services.set_predecessors, units["A"], [(foreign_units["X"], 10)], user=editor,
            match="tidligere organisering")
    refused(services.set_predecessors, old_units["A"], [], user=editor, match="kan ikke ændres")


def test_alternative_models_each_take_all_the_staff(small, editor):
    """Randers: two drafts based on one structure. An old unit gives 100 % to each; the
    shares are counted within one structure."""
    old, old_units = small
    alt1 = services.copy_structure(old, name="Model 1", effective_date=JAN_2025, user=editor)
    alt2 = services.copy_structure(old, name="Model 2", effective_date=JAN_2025, user=editor)
    u2 = by_code(alt2)
    unit = services.add_unit(u2["ROOT"], name="Fælles", code="F", user=editor)
    services.set_predecessors(u2["C"], [(old_units["C"], 40)], user=editor)
    services.set_predecessors(unit, [(old_units["C"], 60)], user=editor)
    refused(services.set_predecessors, unit, [(old_units["C"], 61)], user=editor,
            match="ville fordele 101 %")
    assert by_code(alt1)["C"].successions_in.get().share == Decimal("100.00")
    assert_sound()
