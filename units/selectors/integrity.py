"""Integrity of the stored trees and successions: a list of rule functions, tree_faults."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from .. import lifecycle, lineage, shares
from ..models import Status, Structure, Succession, Unit
from ..shares import HUNDRED


@dataclass(frozen=True)
class _Stored:
    """What the integrity rules read: structures, units and successions as stored rows."""

    structures: dict[int, tuple]  # pk → (pk, name, organisation, effective, based_on, status)
    wanted: set[int]  # the structures whose trees are checked
    units: list[tuple]  # (pk, parent, structure, tree, lft, rght, level, name, code)
    successions: list[tuple]  # (pk, from, to, share, from structure, to structure, names…)

    def label(self, sid: int) -> str:
        row = self.structures.get(sid)
        return f"»{row[1]}« (id {sid})" if row else f"organisering {sid}"

    def trees(self) -> dict[int, list[tuple]]:
        by_tree: dict[int, list[tuple]] = defaultdict(list)
        for row in self.units:
            by_tree[row[3]].append(row)
        return by_tree


def _stored_rows(only: int | None) -> _Stored:
    structures = {
        row[0]: row for row in Structure.objects.values_list(
            "pk", "name", "organisation_id", "effective_date", "based_on_id", "status"
        )
    }
    if only is not None:
        wanted = {only} if only in structures else set()
        unit_rows = Unit.objects.filter(Q(tree_id=only) | Q(structure_id=only))
        succ_rows = Succession.objects.filter(
            Q(from_unit__structure_id=only) | Q(to_unit__structure_id=only)
        )
    else:
        wanted = set(structures)
        unit_rows = Unit.objects.all()
        succ_rows = Succession.objects.all()
    units = sorted(
        unit_rows.values_list("pk", "parent_id", "structure_id", "tree_id", "lft", "rght",
                              "level", "name", "code"),
        key=lambda r: (r[3], r[4], r[0]),
    )
    successions = list(succ_rows.values_list(
        "pk", "from_unit_id", "to_unit_id", "share", "from_unit__structure_id",
        "to_unit__structure_id", "from_unit__name", "to_unit__name",
    ))
    return _Stored(structures, wanted, units, successions)


def _units_in_their_structure_tree(stored: _Stored) -> Iterator[str]:
    for uid, _p, structure_id, tree_id, _l, _r, _lv, name, _c in stored.units:
        if structure_id != tree_id:
            yield (f"Enheden »{name}« (id {uid}) hører til {stored.label(structure_id)}, "
                   f"men ligger i træ {tree_id}.")


def _structure_rows_valid(where: str, status: str, rows: list[tuple]) -> Iterator[str]:
    """A known status, one root, tree numbers 1..2n, codes unique."""
    if status not in Status.values:
        yield f"{where} har en ukendt status: {status!r}."
    roots = [r for r in rows if r[1] is None]
    if len(roots) != 1:
        yield f"{where} har {len(roots)} øverste enheder; der skal være præcis én."
    numbers = sorted([r[4] for r in rows] + [r[5] for r in rows])
    if numbers != list(range(1, 2 * len(rows) + 1)):
        yield (f"{where}: træets venstre- og højrenumre er ikke 1 til {2 * len(rows)} "
               "uden huller og gentagelser.")
    codes: dict[str, str] = {}
    for row in rows:
        if row[8] and row[8] in codes:
            yield f"{where}: koden »{row[8]}« bruges af både »{codes[row[8]]}« og »{row[7]}«."
        codes.setdefault(row[8], row[7])


def _tree_nests(where: str, rows: list[tuple]) -> Iterator[str]:
    """lft < rght with an odd difference, intervals nest, parent and level as the nesting
    says."""
    stack: list[tuple] = []
    for row in rows:
        uid, parent_id, _s, _t, lft, rght, level, name, _code = row
        unit = f"{where}: enheden »{name}« (id {uid})"
        if lft >= rght or (rght - lft) % 2 == 0:
            yield f"{unit} har ugyldige trænumre ({lft}, {rght})."
        while stack and stack[-1][5] < lft:
            stack.pop()
        above = stack[-1] if stack else None
        if above is not None and rght > above[5]:
            yield f"{unit} ligger delvis uden for »{above[7]}« (id {above[0]})."
        expected_parent = above[0] if above is not None else None
        if parent_id != expected_parent:
            yield (f"{unit} har overordnet enhed id {parent_id}, "
                   f"men træet placerer den under id {expected_parent}.")
        if level != len(stack):
            yield f"{unit} har niveau {level}, men ligger i dybde {len(stack)}."
        stack.append(row)


def _one_in_force_per_date(stored: _Stored, sid: int) -> Iterator[str]:
    _pk, _name, org_id, effective, _basis, status = stored.structures[sid]
    if not lifecycle.counts_in_force(status):
        return
    for other in stored.structures.values():
        if (other[0] < sid and other[2] == org_id and other[3] == effective
                and lifecycle.counts_in_force(other[5])):
            yield (f"{stored.label(sid)} og {stored.label(other[0])} er begge gældende fra "
                   f"{effective:%d.%m.%Y}.")


def _trees_valid(stored: _Stored) -> Iterator[str]:
    by_tree = stored.trees()
    for sid in sorted(stored.wanted):
        where, rows = stored.label(sid), by_tree.get(sid, [])
        yield from _structure_rows_valid(where, stored.structures[sid][5], rows)
        yield from _tree_nests(where, rows)
        yield from _one_in_force_per_date(stored, sid)


def _successions_valid(stored: _Stored) -> Iterator[str]:
    """Shares 0-100 %, an old unit's shares in one newer structure at most 100 % in all, and
    each succession from an older structure to a newer one of the same organisation."""
    by_org: dict[int, list[Structure]] = defaultdict(list)
    for pk, _n, org_id, effective, basis, st in stored.structures.values():
        by_org[org_id].append(Structure(pk=pk, organisation_id=org_id, effective_date=effective,
                                        based_on_id=basis, status=st))
    lineages = {org_id: lineage.Lineage.among(rows) for org_id, rows in by_org.items()}
    # An old unit's staff are divided within each newer structure: alternative models
    # based on one structure each take all of it.
    outgoing: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    from_names: dict[int, tuple[str, int]] = {}
    for _pk, from_id, to_id, share, from_sid, to_sid, from_name, to_name in stored.successions:
        what = f"Overgangen fra »{from_name}« (id {from_id}) til »{to_name}« (id {to_id})"
        if share < 0 or share > HUNDRED:
            yield (f"{what} har andelen {shares.share_text(share)}; den skal være "
                   "mellem 0 og 100 %.")
        outgoing[from_id, to_sid] += share
        from_names[from_id] = (from_name, from_sid)
        old, new = stored.structures[from_sid], stored.structures[to_sid]
        if old[2] != new[2]:
            yield f"{what} går mellem to organisationer."
        elif not lineages[old[2]].is_older(old[0], new[0]):
            yield (f"{what} går ikke fra en ældre til en nyere organisering "
                   f"({stored.label(from_sid)} → {stored.label(to_sid)}).")
    for (from_id, to_sid), total in outgoing.items():
        if shares.passes_100(total):
            name, sid = from_names[from_id]
            yield (f"Enheden »{name}« (id {from_id}) i {stored.label(sid)} fordeler "
                   f"{shares.share_text(total)} af sine medarbejdere i {stored.label(to_sid)}; "
                   "højst 100 %.")


# Each rule reads the stored rows and yields its faults as Danish sentences.
INTEGRITY_RULES = (_units_in_their_structure_tree, _trees_valid, _successions_valid)


def tree_faults(structure: Structure | int | None = None) -> list[str]:
    """Every broken rule of the stored trees and successions, as Danish sentences; empty when
    all is well. Checks one structure, or every structure when none is given.

    Per structure: exactly one root; every unit's lft < rght with rght - lft odd; lft and
    rght together number 1..2n; intervals nest; level is the depth; parent_id is the unit
    the nesting puts above it; tree_id is the structure; codes unique; a valid status; no
    two structures in force from the same date. Per succession touching it: share 0-100 %,
    an old unit's shares in one newer structure summing to at most 100 % (alternative
    models each take all), and the direction from an older
    structure to a newer one of the same organisation. Three queries."""
    only = structure if isinstance(structure, int) or structure is None else structure.pk
    stored = _stored_rows(only)
    return [fault for rule in INTEGRITY_RULES for fault in rule(stored)]
