"""A unit's place on the edit page: its order among its siblings (move up or down, drag
within a parent) and the move form's search-as-you-type picker of a new parent.

Without JavaScript the picker is a text field with a search button: the edit page is shown
again with the matches as radio buttons in the move form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from orgreg.roles import editor_required, policy
from orgreg.text import quoted
from units import selectors, services
from units.views.edit import _edit_url, _unit_in, _wants_json
from units.views.undo import offer_undo


@require_GET
@editor_required
def move_targets(request, pk, unit_pk):
    """JSON for the picker: the draft's units matching ``q`` that the unit may move under."""
    structure = policy(request.user).get_editable_structure_or_404(pk)
    unit = _unit_in(structure, unit_pk)
    query = (request.GET.get("q") or "").strip()[:100]
    found = selectors.move_targets(unit, query)
    return JsonResponse({
        "query": query, "more": found.more,
        "results": [{"id": t.id, "name": t.name, "code": t.code, "path": t.path_text}
                    for t in found.hits],
    })


_STEPS = {"up": -1, "down": 1}


@require_POST
@editor_required
def unit_reorder(request, pk, unit_pk):
    """Move a unit up or down among its siblings (``direction``), or just before or after a
    sibling (``before``/``after``: its id, from dragging within the parent)."""
    structure = policy(request.user).get_editable_structure_or_404(pk)
    unit = _unit_in(structure, unit_pk)
    reason = (request.POST.get("reason") or "").strip()[:500] or None
    direction = request.POST.get("direction")
    if direction in _STEPS:
        where = {"step": _STEPS[direction]}
    elif request.POST.get("before"):
        where = {"before": _unit_in(structure, request.POST["before"])}
    elif request.POST.get("after"):
        where = {"after": _unit_in(structure, request.POST["after"])}
    else:
        return _answer(request, structure, unit, "Angiv hvor enheden skal placeres.", ok=False)
    mark = selectors.latest_operation_id(structure) or 0
    try:
        services.reorder_unit(unit, user=request.user, reason=reason, **where)
    except ValidationError as error:
        return _answer(request, structure, unit, " ".join(error.messages), ok=False)
    # The page shown next (after a drag, the reloaded page) offers to undo it.
    offer_undo(request, structure, selectors.latest_operation_id(
        structure, user=request.user, after=mark))
    if direction == "up":
        text = f"{quoted(unit.name)} er flyttet op."
    elif direction == "down":
        text = f"{quoted(unit.name)} er flyttet ned."
    else:
        anchor = where.get("before") or where.get("after")
        text = (f"{quoted(unit.name)} er placeret "
                f"{'før' if 'before' in where else 'efter'} {quoted(anchor.name)}.")
    return _answer(request, structure, unit, text, ok=True)


def _answer(request, structure, unit, text: str, *, ok: bool):
    """JSON for the drag script; for a form, back to the unit's panel with the message."""
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": text} if ok else
                            {"ok": False, "error": text}, status=200 if ok else 400)
    (messages.success if ok else messages.error)(request, text)
    return redirect(_edit_url(structure, unit.pk))
