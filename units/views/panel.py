"""The edit panel's part about a unit's place: where it stands among its siblings and, when
searched for without JavaScript, the move picker's matches (units.views.placement has the
actions)."""

from __future__ import annotations

from django.urls import reverse

from units import selectors

# The edit page's query parameter for the picker's search without JavaScript.
PICKER_PARAM = "flyt"


def panel_context(request, structure, node, nodes) -> dict:
    """What the edit panel of `node` shows about its place: where it stands among its
    siblings, and the picker's matches when searched for without JavaScript. No queries."""
    siblings = [n.id for n in nodes if n.parent_id == node.parent_id] \
        if node.parent_id is not None else [node.id]
    index = siblings.index(node.id)
    query = (request.GET.get(PICKER_PARAM) or "").strip()[:100]
    found = None
    if query and node.parent_id is not None:
        unit = _PlacedUnit(node.id, node.parent_id, node.lft, node.rght)
        found = selectors.move_targets(unit, query, rows=[
            (n.id, n.parent_id, n.name, n.code, n.lft, n.rght) for n in nodes])
    parent_name = next((n.name for n in nodes if n.id == node.parent_id), "")
    return {
        "place": {"index": index + 1, "count": len(siblings), "first": index == 0,
                  "last": index == len(siblings) - 1, "parent_name": parent_name},
        "picker": found, "picker_param": PICKER_PARAM, "picker_query": query,
        "picker_url": reverse("units:unit-move-targets", args=[structure.pk, node.id]),
        "reorder_url": reverse("units:unit-reorder", args=[structure.pk, node.id]),
    }


class _PlacedUnit:
    """The tree fields move_targets reads of the moving unit, taken from its UnitNode."""

    def __init__(self, pk: int, parent_id: int | None, lft: int, rght: int):
        self.pk, self.parent_id, self.lft, self.rght = pk, parent_id, lft, rght
