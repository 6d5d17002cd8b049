"""Reading pages: the front page, an organisation, a structure's org chart and outline, its
history, and the comparison of two structures. Every structure is read through
orgreg.roles.policy, so what a user may not see is a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from orgreg import clock
from orgreg.roles import policy
from units import changes, markup, selectors
from units.figure_tables import figure_tables, scope_text
from units.forms import AtForm, CopyForm, DateForm, NewStructureForm, RestoreForm, StatusForm
from units.lineage import Lineage, order_key
from units.models import Structure, Unit
from units.selectors import ChangeKind

DEFAULT_DEPTH = 3
AUTO_DEPTH_BOXES = 120
# A table longer than this is cut, with a note: 10,000 rows help no one on screen.
MAX_COMPARE_ROWS = 1000
MAX_DEPTH = 30
# Lists of units in the key figures (without a leader …) show this many on the page; the
# spreadsheet holds them all.
FIGURE_LIST_LIMIT = 25


def _int_param(request, name: str, default: int | None, *, low: int, high: int) -> int | None:
    raw = request.GET.get(name, "")
    try:
        value = int(raw)
    except ValueError:
        return default
    return max(low, min(high, value))


def _span(request) -> int:
    return _int_param(request, "span", settings.ORGREG_SPAN_OF_CONTROL, low=1, high=1000)


@login_required
def home(request):
    """A manager lands on their unit(s) and where they go; everyone gets the organisations
    with what is in force, what is coming and (for those allowed) drafts."""
    from units.views.units import managed_unit_answers

    answers = managed_unit_answers(request.user) if policy(request.user).is_manager else []
    return render(request, "units/home.html", {
        "overviews": selectors.organisation_overviews(request.user),
        "answers": answers,
        "today": clock.today(),
    })


@login_required
def organisation_detail(request, pk):
    rules = policy(request.user)
    organisation = rules.get_organisation_or_404(pk)
    date_form = DateForm(request.GET or None)
    on_date = None
    if date_form.is_valid():
        on_date = date_form.cleaned_data["date"]
    view = selectors.organisation_overview(request.user, organisation, on_date)
    return render(request, "units/organisation_detail.html", {
        "organisation": organisation, "view": view, "date_form": date_form,
        "picked_date": on_date, "new_form": NewStructureForm() if rules.is_editor else None,
        "alternative_groups": selectors.alternative_groups(view.structures),
        "status_by_group": [
            (title, [(s, view.replaced.get(s.pk)) for s in group]) for title, group in (
                ("Kommende", view.upcoming), ("I proces", view.in_process),
                ("Udkast", view.drafts), ("Tidligere", view.earlier),
                ("Forkastede", view.discarded))
        ],
    })


def _structure_context(request, structure: Structure) -> dict:
    """What the structure pages share: the basis (when the user may see it) and the forms an
    editor uses from any structure."""
    rules = policy(request.user)
    basis = structure.based_on if structure.based_on_id else None
    editor = rules.can_manage_structure(structure)
    return {
        "structure": structure,
        "organisation": structure.organisation,
        "basis": basis if basis is not None and rules.can_see_structure(basis) else None,
        "replaced_by": selectors.replaced_by(request.user, structure),
        "can_edit": rules.can_edit_structure(structure),
        "copy_form": CopyForm(initial={"name": f"{structure.name} (kopi)",
                                       "effective_date": structure.effective_date})
        if editor else None,
        "status_form": StatusForm(structure=structure) if editor else None,
        "category_legend": markup.CATEGORY_LEGEND,
        "badge_legend": markup.BADGE_LEGEND,
    }


def _focus(structure: Structure, request) -> Unit | None:
    raw = request.GET.get("unit")
    if not raw:
        return None
    try:
        return Unit.objects.only("id", "name", "lft", "rght", "level", "tree_id", "structure_id") \
            .get(pk=int(raw), tree_id=structure.pk)
    except (ValueError, Unit.DoesNotExist):
        raise Http404("Enheden findes ikke i denne organisering.") from None


@login_required
def structure_detail(request, pk):
    """The org chart: boxes top-down from the root or a focused unit, to a depth."""
    structure = policy(request.user).get_structure_or_404(pk)
    focus = _focus(structure, request)
    # Without a chosen depth, show three levels, or two when three would not fit on paper.
    depth = _int_param(request, "depth", None, low=0, high=MAX_DEPTH)
    span = _span(request)
    base = reverse("units:structure-detail", args=[structure.pk])

    def focus_url(uid: int) -> str:
        return f"{base}?unit={uid}" + (f"&depth={depth}" if depth is not None else "")

    def build():
        nodes = selectors.tree(structure, under=focus,
                               max_depth=depth if depth is not None else DEFAULT_DEPTH)
        shown_depth = depth
        if depth is None:
            shown_depth = DEFAULT_DEPTH
            top_level = nodes[0].level if nodes else 0
            while shown_depth > 1 and len(nodes) > AUTO_DEPTH_BOXES:
                shown_depth -= 1
                nodes = [n for n in nodes if n.level - top_level <= shown_depth]
        badges = markup.change_badges(structure, nodes)
        html = markup.render_chart(nodes, badges=badges, span=span, focus_url=focus_url)
        top = nodes[0] if nodes else None
        return {"html": html, "shown": len(nodes),
                "total": top.descendant_count + 1 if top else 0,
                "headcount": top.subtree_headcount if top else 0,
                "over_span": sum(1 for n in nodes if n.child_count > span),
                "changed": len(badges), "depth": shown_depth}

    key = markup.frozen_key("chart", structure, focus.pk if focus else 0,
                            "auto" if depth is None else depth, span)
    chart = markup.cached(key, build)
    path = selectors.ancestors(focus) if focus is not None else []
    figures = markup.cached_figures(structure, under=focus, viewer=policy(request.user))
    context = _structure_context(request, structure)
    context.update({
        "chart": chart, "chart_html": markup.safe(chart["html"]), "focus": focus, "path": path,
        "depth": chart["depth"], "span": span, "depths": list(range(0, 7)),
        "figure_tables": figure_tables(figures, list_limit=FIGURE_LIST_LIMIT),
        "figures_scope": scope_text(figures, structure.name),
    })
    return render(request, "units/structure_detail.html", context)


@login_required
def structure_outline(request, pk):
    """The whole tree as a foldable outline; quick for 10,000 units, and for a frozen
    structure read from the cache without touching the tree."""
    structure = policy(request.user).get_structure_or_404(pk)
    span = _span(request)

    def build():
        nodes = selectors.tree(structure)
        badges = markup.change_badges(structure, nodes)
        return {"html": markup.render_outline(nodes, badges=badges, span=span),
                "total": len(nodes), "headcount": nodes[0].subtree_headcount if nodes else 0,
                "changed": len(badges)}

    outline = markup.cached(markup.frozen_key("outline", structure, span), build)
    context = _structure_context(request, structure)
    context.update({"outline": outline, "outline_html": markup.safe(outline["html"]),
                    "span": span})
    return render(request, "units/structure_outline.html", context)


@login_required
def structure_history(request, pk):
    """The structure's change log; with ?at= the tree as recorded at that moment, if the user
    may see it as it was then (a published structure's draft days are the editors'): 404
    otherwise, as for the PDF of that moment."""
    rules = policy(request.user)
    structure = rules.get_structure_or_404(pk)
    form = AtForm(request.GET or None)
    recorded = None
    recorded_html = ""
    status = 200
    if request.GET.get("at"):
        if form.is_valid() and form.cleaned_data["at"] is not None:
            recorded = selectors.structure_as_recorded(structure, form.cleaned_data["at"])
            if not rules.can_see_as_recorded(structure, recorded.status):
                raise Http404("Ingen organisering fundet.")
            recorded_html = markup.safe(markup.render_outline(
                recorded.units, badges={}, span=_span(request)))
        else:
            status = 400
    groups = selectors.structure_changelog(structure, limit=300, viewer=rules)
    can_edit = rules.can_edit_structure(structure)
    offers = selectors.undo_offers(structure, groups) if can_edit else [None] * len(groups)
    context = _structure_context(request, structure)
    context.update({"form": form, "recorded": recorded, "recorded_html": recorded_html,
                    "groups": list(zip(groups, offers, strict=True)), "entries_shown": 25,
                    "can_restore": can_edit, "restore_form": RestoreForm(),
                    "here": request.get_full_path()})
    return render(request, "units/structure_history.html", context, status=status)


KIND_FILTERS = [
    ("changed", "Alle ændringer"),
    *[(k, ChangeKind.LABELS[k]) for k in ChangeKind.PRIORITY],
    ("all", "Alle enheder"),
]


@login_required
def structure_compare(request, pk, other):
    """What changes from structure `pk` (the older) to `other`: counts per change kind, the
    table old unit → new unit(s), the units whose parent changes and the staff affected. The
    tables of two frozen structures on one line, for the whole structure, come from the cache
    (units.markup.cache)."""
    rules = policy(request.user)
    old, new = rules.get_comparable_pair_or_404(pk, other)
    kind = request.GET.get("kind") or "changed"
    if kind not in dict(KIND_FILTERS):
        kind = "changed"
    under = request.GET.get("unit") or ""
    lineage = Lineage.of(new.organisation)
    chain = lineage.chain(new, old) if old.pk != new.pk else None
    # MED coverage is read as the viewer may see it and can change while both structures
    # are frozen: read on every request, and part of the key of the figures cached with
    # the tables.
    med = (selectors.med_covered_intervals(old, viewer=rules),
           selectors.med_covered_intervals(new, viewer=rules))
    key = None
    if chain and not under:
        key = markup.frozen_line_key("compare", [lineage.get(s) for s in chain], kind,
                                     markup.digest(med))
    tables = markup.cached(key, lambda: _compare_tables(old, new, kind, under, med))
    if tables is None:
        raise Http404("Enheden findes ikke i de to organiseringer.")
    return render(request, "units/structure_compare.html", {
        **tables, "old": old, "new": new, "structure": new, "organisation": new.organisation,
        "kind": kind, "kind_filters": KIND_FILTERS,
        "others": selectors.organisation_overview(request.user, new.organisation).structures,
    })


def _compare_tables(old: Structure, new: Structure, kind: str, under: str,
                    med: tuple[list, list]) -> dict | None:
    """The comparison page's tables, counts and key figures before → after with their
    pictures (of units under `under`, a unit id of either structure, when given; see
    units.selectors.figure_compare for what a scope counts on each side); None when `under`
    is in neither."""
    comparison = selectors.compare(old, new)
    scope = None
    scoped = None
    if under:
        scoped = selectors.comparison_scope(comparison, under)
        if scoped is None:
            return None
        scope = scoped.unit
    figures = selectors.figures_before_after(comparison, scope=scoped, old_med=med[0],
                                             new_med=med[1])
    rows = comparison.rows()
    if kind == "changed":
        rows = [r for r in rows if r.changed]
    elif kind != "all":
        rows = [r for r in rows if kind in r.kinds]
    moved = comparison.moved_lines()
    if scoped is not None:
        rows = [r for r in rows if scoped.covers(r)]
        moved = [(m, link) for m, link in moved if scoped.covers(m)]
    total_rows = len(rows)
    rows = rows[:MAX_COMPARE_ROWS]
    scope_options = markup.unit_options(
        [n for n in comparison.new_tree if n.child_count][:2000],
        selected=[scope.id] if scope else (), blank="(hele organiseringen)")
    counts = [(k, ChangeKind.LABELS[k], comparison.counts.get(k, 0)) for k in ChangeKind.PRIORITY]
    return {
        "comparison": markup.ComparisonSummary.of(comparison), "shown_rows": len(rows),
        "total_rows": total_rows,
        "rows_html": markup.safe(markup.render_compare_rows(comparison, rows)),
        "moved_html": markup.safe(markup.render_moved(comparison, moved)),
        "moved_count": len(moved), "scope": scope,
        "scope_options": markup.safe(scope_options),
        "old_counts": [c for c in counts if changes.COUNTED_AMONG[c[0]] == changes.OLDER],
        "new_counts": [c for c in counts if changes.COUNTED_AMONG[c[0]] == changes.NEWER],
        "figures": figures, "figure_heads": ["Før", "Efter"],
        "pictures": markup.figure_pictures([figures.old, figures.new], ["Før", "Efter"]),
    }


@login_required
def structure_compare_pick(request, pk):
    """The compare form's target: /structure/<a>/compare/?with=<b> → the stable URL."""
    rules = policy(request.user)
    old = rules.get_structure_or_404(pk)
    other = request.GET.get("with")
    if not other:
        if old.based_on_id and rules.can_see_structure(old.based_on):
            return redirect("units:structure-compare", old.based_on_id, old.pk)
        raise Http404("Vælg en organisering at sammenligne med.")
    old, new = rules.get_comparable_pair_or_404(old.pk, other)
    # Keep the older one on the left.
    if order_key(new) < order_key(old):
        old, new = new, old
    return redirect("units:structure-compare", old.pk, new.pk)
