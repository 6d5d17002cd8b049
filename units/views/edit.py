"""Editing: a draft's units (add, edit, move, merge, split, close), the structure's own
fields, its status, copying a structure into a new draft and starting a new one.

Views parse a form, call the one service that does the work and show its Danish refusal
next to the field, keeping what the user typed (the page is re-rendered with status 400)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from orgreg.forms import apply_refusal
from orgreg.roles import editor_required, policy
from orgreg.text import danish_date, quoted
from units import markup, selectors, services
from units.forms import (
    AddUnitForm,
    CloseForm,
    CopyForm,
    MergeForm,
    MoveForm,
    NewStructureForm,
    SplitForm,
    StatusForm,
    StructureForm,
    UpdateUnitForm,
)
from units.models import Status, Unit
from units.views.panel import PICKER_PARAM, panel_context
from units.views.undo import offer_undo

ACTIONS = ("update", "add", "move", "merge", "split", "close")


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _unit_in(structure, pk) -> Unit:
    try:
        return Unit.objects.select_related("structure", "unit_type").get(
            pk=int(pk), tree_id=structure.pk)
    except (TypeError, ValueError, Unit.DoesNotExist):
        raise Http404("Enheden findes ikke i denne organisering.") from None


def _edit_url(structure, unit_id: int | None = None) -> str:
    url = reverse("units:structure-edit", args=[structure.pk])
    return f"{url}?unit={unit_id}#panel" if unit_id else url


def _edit_context(request, structure, selected: Unit | None, bound: dict | None = None) -> dict:
    """The edit page: the outline (drag to move) and, for the selected unit, one form per
    action. `bound` holds the form the user just sent, with its errors."""
    bound = bound or {}
    nodes = selectors.tree(structure)
    edit_base = reverse("units:structure-edit", args=[structure.pk])
    # Reverse once per page and fill in the unit id per row.
    move_template = reverse("units:unit-action", args=[structure.pk, 987654321, "move"])
    outline_html = markup.render_outline(
        nodes, badges=markup.change_badges(structure, nodes),
        span=charts_span(), select_url=lambda uid: f"{edit_base}?unit={uid}#panel",
        move_url=lambda uid: move_template.replace("987654321", str(uid)),
        selected=selected.pk if selected else None,
    )
    context = {
        "structure": structure, "organisation": structure.organisation, "nodes_count": len(nodes),
        "basis": structure.based_on if structure.based_on_id else None,
        "outline_html": markup.safe(outline_html), "selected": selected,
        "reorder_url_template": reverse("units:unit-reorder", args=[structure.pk, 987654321]),
        "structure_form": bound.get("structure") or StructureForm(
            initial=StructureForm.initial_from(structure)),
        # The drag-and-drop dialog: every unit as a target, and the version each unit's
        # move is made from.
        "dialog_form": MoveForm(auto_id="dialog-%s"),
        # The dialog finds the new parent with the move picker (units:unit-move-targets),
        # the unit's id put in by the script: no list of every unit in the page.
        "dialog_targets_url": reverse("units:unit-move-targets",
                                      args=[structure.pk, 987654321]),
        "unit_versions": json.dumps(selectors.unit_versions(structure)),
    }
    if selected is not None:
        node = next(n for n in nodes if n.id == selected.pk)
        inside = selected_subtree(node)
        children = [n for n in nodes if n.parent_id == node.id]
        forms = {
            "update": bound.get("update") or UpdateUnitForm(
                initial=UpdateUnitForm.initial_from(selected)),
            "add": bound.get("add") or AddUnitForm(initial={"category": selected.category}),
            "move": bound.get("move") or MoveForm(initial=MoveForm.initial_for(selected)),
            "merge": bound.get("merge") or MergeForm(initial=MergeForm.initial_for(selected)),
            "split": bound.get("split") or SplitForm(children=children, initial=(
                SplitForm.initial_for(selected, name_1=selected.name, share_1=50, share_2=50,
                                      code_1=selected.code,
                                      leader_name_1=selected.leader_name))),
            "close": bound.get("close") or CloseForm(initial=CloseForm.initial_for(selected)),
        }

        def picked(form, name):
            return form.data.getlist(f"{form.prefix}-{name}") if form.is_bound else []

        context.update({
            "node": node, "children": children, "forms": forms, "active": bound.get("active"),
            "merge_options": markup.safe(markup.unit_options(
                nodes, selected=picked(forms["merge"], "others"),
                exclude=lambda n: n.id == node.id or n.parent_id is None)),
            "close_options": markup.safe(markup.unit_options(
                nodes, selected=picked(forms["close"], "transfer_children_to")
                or ([node.parent_id] if node.parent_id else []),
                exclude=inside, blank="(vælg)")),
            "is_root": node.parent_id is None,
        })
        context.update(panel_context(request, structure, node, nodes))
        if request.GET.get(PICKER_PARAM) and not context["active"]:
            context["active"] = "move"
    return context


def selected_subtree(node):
    return lambda n: node.lft <= n.lft and n.rght <= node.rght


def charts_span() -> int:
    from django.conf import settings

    return settings.ORGREG_SPAN_OF_CONTROL


@editor_required
def structure_edit(request, pk):
    structure = policy(request.user).get_editable_structure_or_404(pk)
    selected = _unit_in(structure, request.GET["unit"]) if request.GET.get("unit") else None
    return render(request, "units/structure_edit.html",
                  _edit_context(request, structure, selected))


@require_POST
@editor_required
def unit_action(request, pk, unit_pk, action):
    """One edit of one unit of a draft; `action` names the form and the service."""
    if action not in ACTIONS:
        raise Http404("Ukendt handling.")
    structure = policy(request.user).get_editable_structure_or_404(pk)
    unit = _unit_in(structure, unit_pk)
    handler = globals()[f"_do_{action}"]
    mark = selectors.latest_operation_id(structure) or 0
    form, result = handler(request, structure, unit)
    if result is not None:
        message, target_id = result
        # The page shown next (after a drag, the reloaded page) offers to undo it.
        messages.success(request, message)
        offer_undo(request, structure, selectors.latest_operation_id(
            structure, user=request.user, after=mark))
        if _wants_json(request):
            return JsonResponse({"ok": True, "message": message})
        return redirect(_edit_url(structure, target_id))
    if _wants_json(request):
        errors = [m for field_errors in form.errors.values() for m in field_errors]
        return JsonResponse({"ok": False, "error": " ".join(errors)}, status=400)
    unit = _unit_in(structure, unit_pk)
    context = _edit_context(request, structure, unit, {action: form, "active": action})
    return render(request, "units/structure_edit.html", context, status=400)


def _run(form, field, call):
    """Call the service; on refusal put it on the form and return None."""
    try:
        return call()
    except ValidationError as error:
        apply_refusal(form, error, field)
        return None


def _do_update(request, structure, unit):
    form = UpdateUnitForm(request.POST)
    if not form.is_valid():
        return form, None
    done = _run(form, None, lambda: services.update_unit(
        unit, user=request.user, reason=form.cleaned_data["reason"] or None,
        expected_version=form.expected_version(), **form.unit_fields()))
    return form, done and (f"{quoted(done.name)} er gemt.", done.pk)


def _do_add(request, structure, unit):
    form = AddUnitForm(request.POST)
    if not form.is_valid():
        return form, None
    fields = form.unit_fields()
    name = fields.pop("name")
    done = _run(form, None, lambda: services.add_unit(
        unit, name=name, user=request.user, reason=form.cleaned_data["reason"] or None, **fields))
    return form, done and (f"{quoted(done.name)} er oprettet under {quoted(unit.name)}.", done.pk)


def _do_move(request, structure, unit):
    form = MoveForm(request.POST)
    if not form.is_valid():
        return form, None
    target = Unit.objects.filter(pk=form.cleaned_data["new_parent"]).select_related(
        "structure").first()
    if target is None:
        form.add_error("new_parent", "Den valgte enhed findes ikke.")
        return form, None
    done = _run(form, "new_parent", lambda: services.move_unit(
        unit, target, user=request.user, reason=form.cleaned_data["reason"] or None,
        expected_version=form.expected_version(), interactive=True))
    return form, done and (f"{quoted(unit.name)} er flyttet til {quoted(target.name)}.", unit.pk)


def _do_merge(request, structure, unit):
    ids = list(Unit.objects.filter(tree_id=structure.pk).values_list("pk", flat=True))
    form = MergeForm(request.POST, unit_ids=ids)
    if not form.is_valid():
        return form, None
    others = list(Unit.objects.filter(pk__in=form.cleaned_data["others"], tree_id=structure.pk)
                  .select_related("structure"))
    name = (form.cleaned_data["name"] or "").strip()
    given = {"reason": form.cleaned_data["reason"] or None, "interactive": True,
             "expected_version": form.expected_version()}
    if form.cleaned_data["into"] == "new":
        call = lambda: services.merge_units([unit, *others], into=name, user=request.user,  # noqa: E731
                                            **given)
    else:
        extra = {"name": name} if name else {}
        call = lambda: services.merge_units([unit, *others], into=unit, user=request.user,  # noqa: E731
                                            **given, **extra)
    done = _run(form, "others", call)
    return form, done and (f"Enhederne er lagt sammen til {quoted(done.name)}.", done.pk)


def _do_split(request, structure, unit):
    children = [n for n in selectors.tree(structure, under=unit, max_depth=1)[1:]]
    form = SplitForm(request.POST, children=children)
    if not form.is_valid():
        return form, None
    children_by_id = {u.pk: u for u in Unit.objects.filter(parent=unit)}
    try:
        parts = form.parts(children_by_id)
    except ValidationError as error:
        apply_refusal(form, error)
        return form, None
    done = _run(form, None, lambda: services.split_unit(
        unit, parts, user=request.user, reason=form.cleaned_data["reason"] or None,
        expected_version=form.expected_version(), interactive=True))
    return form, done and (
        f"{quoted(unit.name)} er delt i {len(done)} enheder.", done[0].pk)


def _do_close(request, structure, unit):
    form = CloseForm(request.POST)
    if not form.is_valid():
        return form, None
    target = None
    target_id = form.cleaned_data.get("transfer_children_to")
    if target_id:
        target = Unit.objects.filter(pk=target_id).select_related("structure").first()
        if target is None:
            form.add_error("transfer_children_to", "Den valgte enhed findes ikke.")
            return form, None
    parent_id = unit.parent_id
    name = unit.name
    done = _run(form, "transfer_children_to", lambda: services.close_unit(
        unit, user=request.user, reason=form.cleaned_data["reason"] or None,
        transfer_children_to=target, expected_version=form.expected_version(),
        interactive=True) or True)
    return form, done and (f"{quoted(name)} er nedlagt.", parent_id)


# --- the structure itself -----------------------------------------------------------------


def _structure_form_page(request, structure, form, *, title: str, action: str, status=200):
    return render(request, "units/structure_form.html", {
        "structure": structure, "organisation": structure.organisation, "form": form,
        "title": title, "action": action,
    }, status=status)


@editor_required
def structure_settings(request, pk):
    """A structure's own fields: all of them in a draft; notice text, decision, description
    and confidentiality also later (the service refuses the rest)."""
    structure = policy(request.user).get_structure_or_404(pk)
    if request.method == "POST":
        form = StructureForm(request.POST)
        if not structure.is_draft:
            for name in ("name", "effective_date"):
                form.fields[name].required = False
        if form.is_valid():
            # Only the fields sent: a POST that leaves a field out keeps its stored value.
            fields = form.sent_fields(StructureForm.FIELDS)
            if not structure.is_draft:
                fields = {f: v for f, v in fields.items() if f in services.STRUCTURE_LATE_FIELDS}
            done = _run(form, None, lambda: services.update_structure(
                structure, user=request.user, reason=form.cleaned_data["reason"] or None,
                expected_version=form.expected_version(), **fields))
            if done is not None:
                messages.success(request, f"{quoted(done.name)} er gemt.")
                return redirect(done.get_absolute_url())
        status = 400
    else:
        form = StructureForm(initial=StructureForm.initial_from(structure))
        status = 200
    if not structure.is_draft:
        for name in ("name", "effective_date"):
            form.fields[name].disabled = True
    return _structure_form_page(request, structure, form, title="Oplysninger om organiseringen",
                                action=reverse("units:structure-settings", args=[structure.pk]),
                                status=status)


@editor_required
def structure_status(request, pk):
    """Move a structure forward in status (or discard it)."""
    structure = policy(request.user).get_structure_or_404(pk)
    if request.method == "POST":
        form = StatusForm(request.POST, structure=structure)
        if form.is_valid():
            done = _run(form, "status", lambda: services.set_status(
                structure, form.cleaned_data["status"], user=request.user,
                reason=form.cleaned_data["reason"] or None))
            if done is not None:
                messages.success(request, f"{quoted(done.name)} er nu "
                                          f"{Status(done.status).label.lower()}.")
                return redirect(done.get_absolute_url())
        status = 400
    else:
        form = StatusForm(structure=structure)
        status = 200
    return _structure_form_page(request, structure, form, title="Skift status",
                                action=reverse("units:structure-status", args=[structure.pk]),
                                status=status)


@editor_required
def structure_copy(request, pk):
    """Copy any structure the editor sees into a new draft based on it."""
    structure = policy(request.user).get_structure_or_404(pk)
    if request.method == "POST":
        form = CopyForm(request.POST)
        if form.is_valid():
            done = _run(form, None, lambda: services.copy_structure(
                structure, name=form.cleaned_data["name"],
                effective_date=form.cleaned_data["effective_date"], user=request.user,
                reason=form.cleaned_data["reason"] or None))
            if done is not None:
                messages.success(request, f"{quoted(done.name)} er oprettet som udkast pr. "
                                          f"{danish_date(done.effective_date)}.")
                return redirect("units:structure-edit", done.pk)
        status = 400
    else:
        form = CopyForm(initial={"name": f"{structure.name} (kopi)",
                                 "effective_date": structure.effective_date})
        status = 200
    return _structure_form_page(request, structure, form, title="Kopiér til nyt udkast",
                                action=reverse("units:structure-copy", args=[structure.pk]),
                                status=status)


@editor_required
def structure_create(request, pk):
    """A new, empty draft of an organisation."""
    organisation = policy(request.user).get_organisation_or_404(pk)
    if request.method == "POST":
        form = NewStructureForm(request.POST)
        if form.is_valid():
            done = _run(form, None, lambda: services.create_structure(
                organisation, name=form.cleaned_data["name"],
                effective_date=form.cleaned_data["effective_date"], user=request.user,
                reason=form.cleaned_data["reason"] or None))
            if done is not None:
                messages.success(request, f"{quoted(done.name)} er oprettet som udkast.")
                return redirect("units:structure-edit", done.pk)
        status = 400
    else:
        form = NewStructureForm()
        status = 200
    return render(request, "units/structure_create.html",
                  {"organisation": organisation, "form": form}, status=status)
