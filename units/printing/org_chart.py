"""The org chart PDF: its options, parsed from a query or the command line, and the paged
chart with its header, legend and footer."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import Http404

from orgreg import pdf as pdf_renderer
from orgreg.moments import parse_moment
from orgreg.roles import policy
from orgreg.text import danish_date

from .. import selectors
from ..changes import ChangeKind
from ..figure_tables import figure_tables, scope_text
from ..models import Category, Structure, Unit
from .chart import ChartUnit, build_chart
from .context import data_moment, structure_context
from .paginate import (
    HEADER_FIRST,
    HEADER_TEXT,
    MAX_PAGES,
    PAPER,
    ChartPage,
    PageGeometry,
    paginate,
)

# Lists of units on the key figures page are cut at this many (the spreadsheet has them all).
FIGURE_LIST_LIMIT = 25
# Categories in the legend, in the order the model lists them.
CATEGORY_LEGEND = [(c.value, c.label) for c in Category]


@dataclass(frozen=True)
class OrgChartOptions:
    """What the user asked to print: paper, how deep, which subtree, a header, a moment."""

    page_size: str = "A4"
    orientation: str = "landscape"
    max_depth: int | None = None
    under: int | None = None  # a unit id: chart of that subtree
    header_text: str = ""
    at: datetime.datetime | None = None  # print the structure as recorded at this moment
    badges: bool = True
    figures: bool = True  # a last page with the key figures of what is printed


def parse_chart_options(data, *, tz=None) -> OrgChartOptions:
    """Options from a GET query or command-line dict; a bad value is a ValidationError with
    a Danish message (every bad option's message, in the order of the form)."""
    parsers = (
        ("page_size", "size", _page_size),
        ("orientation", "orientation", _orientation),
        ("max_depth", "depth", _max_depth),
        ("under", "unit", _under),
        ("header_text", "header", _header_text),
        # A date alone means the end of that day, as on the history page.
        ("at", "at", lambda raw: parse_moment(raw, tz=tz)),
        ("figures", "figures", _figures_wanted),
    )
    errors = []
    values = {}
    for name, key, parse in parsers:
        try:
            values[name] = parse(data.get(key))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return OrgChartOptions(**values)


def _page_size(raw: str | None) -> str:
    size = (raw or "A4").upper()
    if size not in PAPER:
        raise ValidationError("Papirstørrelsen skal være A4 eller A3.")
    return size


def _orientation(raw: str | None) -> str:
    orientation = (raw or "landscape").lower()
    if orientation not in ("portrait", "landscape"):
        raise ValidationError("Retningen skal være stående eller liggende.")
    return orientation


def _max_depth(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        depth = int(raw)
    except ValueError:
        depth = None
    if depth is None or not 0 <= depth <= 50:
        raise ValidationError("Antal niveauer skal være et helt tal fra 0 til 50.")
    return depth


def _under(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError("Enheden findes ikke.") from None


def _figures_wanted(raw: str | None) -> bool:
    """The key figures page: on unless asked off (``figures=0``)."""
    return (raw or "").strip().lower() not in ("0", "nej", "false", "off")


def _header_text(raw: str | None) -> str:
    header = " ".join((raw or "").split())
    if len(header) > 160:
        raise ValidationError("Overskriften må højst være 160 tegn.")
    return header


@dataclass
class OrgChart:
    """The paged chart of a structure and the template context that prints it."""

    structure: Structure
    context: dict
    pages: list[ChartPage]
    chart: ChartUnit | None


def org_chart(structure: Structure, user, options: OrgChartOptions) -> OrgChart:
    """The org chart of `structure` (or of one subtree of it), paged, with change badges
    against the structure it is based on. With ``options.at`` the structure as history
    recorded it at that moment (no badges: they describe the present)."""
    status = structure.status
    under_node = None
    if options.under is not None:
        unit = Unit.objects.filter(pk=options.under, tree_id=structure.pk).first()
        if unit is None and options.at is None:
            raise ValidationError("Enheden findes ikke i denne organisering.")
        under_node = unit
    if options.at is not None:
        recorded = selectors.structure_as_recorded(structure, options.at)
        if not recorded.units:
            raise ValidationError(
                f"Organiseringen fandtes ikke den {danish_date(options.at)}."
            )
        if user is not None and not policy(user).can_see_as_recorded(structure,
                                                                      recorded.status):
            raise Http404("Ingen organisering fundet.")
        nodes = recorded.units
        if options.under is not None:
            top = next((n for n in nodes if n.id == options.under), None)
            if top is None:
                raise ValidationError("Enheden fandtes ikke i organiseringen på det tidspunkt.")
            nodes = [n for n in nodes if top.lft <= n.lft and n.rght <= top.rght]
        # What history recorded is all there is of it: no MED coverage as it was then.
        figures = selectors.figures_from_nodes(nodes, structure_id=structure.pk) \
            if options.figures and nodes else None
        if options.max_depth is not None:
            base = nodes[0].level
            nodes = [n for n in nodes if n.level - base <= options.max_depth]
        badges = {}
        status = recorded.status or status
        moment = options.at
        title = recorded.name
    else:
        nodes = selectors.tree(structure, under=under_node, max_depth=options.max_depth)
        figures = selectors.structure_figures(
            structure, under=under_node, viewer=None if user is None else policy(user),
        ) if options.figures else None
        badges = {}
        # Badges describe the changes against the basis: only when the user may see it (a
        # published copy of a hidden draft tells nothing of the draft, not even its name).
        if options.badges and structure.based_on_id and (
                user is None or policy(user).can_see_structure_id(structure.based_on_id)):
            comparison = selectors.compare(structure.based_on, structure)
            badges = {uid: c.kinds for uid, c in comparison.new_changes.items() if c.changed}
        moment = data_moment(structure)
        title = structure.name
    chart = build_chart(nodes, badges=badges)
    geometry = PageGeometry.for_paper(options.page_size, options.orientation,
                                      header_text=bool(options.header_text))
    pages = paginate(chart, geometry)
    context = structure_context(
        structure, user, moment, status=status, page_size_value=options.page_size,
        orientation_value=options.orientation,
    )
    drawn = sum(len(page.units) for page in pages)
    first_header = HEADER_FIRST + (HEADER_TEXT if options.header_text else 0)
    kinds_shown = {kind for u in chart.walk() for kind, _ in u.badges}
    categories = {u.node.category for u in chart.walk()}
    context.update({
        "structure": structure,
        "title": title,
        "options": options,
        "pages": pages,
        "geometry": geometry,
        "subtree": chart.node if options.under is not None else None,
        "header_text": options.header_text,
        "recorded_at_text": pdf_renderer.moment_text(options.at) if options.at else "",
        "based_on": structure.based_on if badges else None,
        "legend_categories": [(v, label) for v, label in CATEGORY_LEGEND if v in categories],
        "legend_badges": [(k, ChangeKind.LABELS[k]) for k in ChangeKind.PRIORITY
                          if k in kinds_shown],
        "effective_date_text": danish_date(structure.effective_date),
        "unit_count": drawn,
        # Units on no page: past MAX_PAGES, continuation boxes lead nowhere.
        "left_out_count": chart.size - drawn,
        "max_pages": MAX_PAGES,
        "first_header_style": f"height:{first_header:.2f}mm",
        "figures": figures,
        "figure_tables": figure_tables(figures, list_limit=FIGURE_LIST_LIMIT)
        if figures is not None else [],
        "figures_scope": scope_text(figures, title) if figures is not None else "",
    })
    return OrgChart(structure, context, pages, chart)
