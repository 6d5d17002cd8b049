"""The key figures (units.selectors.figures) as tables of Danish text, told once for every way
out: the structure page and its PDF render these tables, the spreadsheet writes them to its
»Nøgletal« sheet, so the three say the same thing in the same words.

Values stay numbers (int, Decimal; None where there is nothing to count) so that a template
formats them the Danish way and the spreadsheet stores them as numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .selectors.figures import KeyFigures, Span, UnitRef

Value = int | Decimal | str | None

PEOPLE_NOTE = ("Medarbejdere pr. leder: medarbejderne i lederens egen enhed og i "
               "underenheder uden egen leder.")
UNITS_NOTE = ("Direkte underenheder pr. leder: enhederne lige under lederens enhed, blandt "
              "ledere med mindst én underenhed.")
LEADER_NOTE = "En enhed har en leder, når lederens navn er angivet."


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One row: its header cell (a figure's name, a level, a unit's name), its values, and
    the unit it names (for a link on the page)."""

    header: str
    values: tuple[Value, ...]
    unit_id: int | None = None


@dataclass(frozen=True, slots=True)
class FigureTable:
    """One table: a key (stable, for tests and styles), its caption, the column headings
    (the first is the row headers'), which columns hold numbers, its rows, a note saying
    what is counted, and how many rows were left out when a list was cut short."""

    key: str
    caption: str
    columns: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[FigureRow, ...]
    note: str = ""
    left_out: int = 0

    @property
    def head(self) -> list[tuple[str, bool]]:
        """(heading, numeric) per column, for templates."""
        return list(zip(self.columns, self.numeric, strict=True))

    @property
    def body(self) -> list[tuple[FigureRow, list[tuple[Value, bool]]]]:
        """(row, [(value, numeric) …]) per row, for templates."""
        return [(row, list(zip(row.values, self.numeric[1:], strict=True)))
                for row in self.rows]


def scope_text(figures: KeyFigures, structure_name: str) -> str:
    """What the figures are of: »Ældreområdet (Organisering 2025)« or the structure's name."""
    if figures.scope_id is not None:
        return f"{figures.scope_name} med underenheder ({structure_name})"
    return structure_name


def _span_row(span: Span) -> FigureRow:
    return FigureRow(span.label, (span.leaders, span.minimum, span.median, span.maximum,
                                  span.threshold, len(span.above)))


def _unit_rows(refs: tuple[UnitRef, ...], limit: int | None, *, value: bool = False
               ) -> tuple[tuple[FigureRow, ...], int]:
    shown = refs if limit is None else refs[:limit]
    rows = tuple(FigureRow(r.name, (r.code, r.depth + 1, *((r.value,) if value else ())),
                           unit_id=r.id) for r in shown)
    return rows, len(refs) - len(shown)


def _fte(fte: Decimal, missing: int, units: int) -> Decimal | None:
    """FTE, or nothing (a dash) when none of the units counted gives them: 0 would say
    that no one works there."""
    return None if units and missing == units else fte


def _percent(part: int, whole: int) -> Decimal | None:
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1")) if whole else None


def figure_tables(figures: KeyFigures, *, list_limit: int | None = None
                  ) -> list[FigureTable]:
    """The figures as tables, in the order they are shown. Lists of units (above a
    threshold, without a leader …) hold at most `list_limit` rows (all when None); the
    table says how many it left out."""
    f = figures
    overview = [
        FigureRow("Enheder", (f.units,)),
        FigureRow("Niveauer", (f.layers,)),
        FigureRow("Ledere", (f.leaders,)),
        FigureRow("Ledere af driftsenheder", (f.operating_leaders,)),
        FigureRow("Enheder med leder (%)", (f.leader_share,)),
        FigureRow("Medarbejdere", (f.headcount,)),
        FigureRow("Årsværk", (_fte(f.fte, sum(s.fte_missing for s in f.staff), f.units),)),
        FigureRow("Administration og stab, andel af medarbejderne (%)",
                  (f.overhead_percent,)),
        FigureRow("Enheder uden leder", (len(f.without_leader),)),
        FigureRow("Enheder uden egne medarbejdere", (len(f.without_headcount),)),
    ]
    if f.without_med_body is not None:
        overview.append(FigureRow("Enheder uden MED-udvalg", (len(f.without_med_body),)))
    operating = {c.key: c.count for c in f.operating_depths}
    leading = {c.key: c.count for c in f.leaders_by_level}
    tables = [
        FigureTable("overview", "Overblik", ("Nøgletal", "Antal"), (False, True),
                    tuple(overview), LEADER_NOTE),
        FigureTable("levels", "Enheder pr. niveau",
                    ("Niveau", "Enheder", "Heraf drift", "Enheder med leder"),
                    (False, True, True, True),
                    tuple(FigureRow(c.label, (c.count, operating.get(c.key, 0),
                                              leading.get(c.key, 0)))
                          for c in f.by_level),
                    "Niveau 1 er toppen. »Heraf drift«: driftsenheder på niveauet."),
        FigureTable("types", "Enheder pr. enhedstype", ("Enhedstype", "Enheder"),
                    (False, True), tuple(FigureRow(c.label, (c.count,)) for c in f.by_type)),
        FigureTable("titles", "Ledere pr. ledertitel", ("Ledertitel", "Ledere"),
                    (False, True),
                    tuple(FigureRow(c.label, (c.count,)) for c in f.by_leader_title)),
        FigureTable("span", "Medarbejdere og direkte underenheder pr. leder",
                    ("Mål", "Ledere", "Mindst", "Median", "Højst", "Grænse", "Over grænsen"),
                    (False, True, True, True, True, True, True),
                    (_span_row(f.people_per_leader), _span_row(f.units_per_leader)),
                    f"{PEOPLE_NOTE} {UNITS_NOTE}"),
        FigureTable("categories", "Medarbejdere og årsværk pr. kategori",
                    ("Kategori", "Enheder", "Medarbejdere", "Årsværk",
                     "Andel af medarbejderne (%)"),
                    (False, True, True, True, True),
                    (*(FigureRow(s.label, (s.units, s.headcount,
                                           _fte(s.fte, s.fte_missing, s.units),
                                           _percent(s.headcount, f.headcount)))
                       for s in f.staff),
                     FigureRow("I alt", (f.units, f.headcount,
                                         _fte(f.fte, sum(s.fte_missing for s in f.staff),
                                              f.units),
                                         _percent(f.headcount, f.headcount)))),
                    "Hver enheds egne medarbejdere og årsværk; årsværk tæller de enheder, "
                    "der har angivet dem."),
    ]
    lists: list[tuple[str, str, tuple[UnitRef, ...], str | None, str]] = [
        ("people-above", f"Ledere med flere end {f.people_per_leader.threshold} "
         "medarbejdere pr. leder", f.people_per_leader.above, "Medarbejdere", PEOPLE_NOTE),
        ("units-above", f"Ledere med flere end {f.units_per_leader.threshold} "
         "direkte underenheder", f.units_per_leader.above, "Underenheder", UNITS_NOTE),
        ("without-leader", "Enheder uden leder", f.without_leader, None, LEADER_NOTE),
        ("without-headcount", "Enheder uden egne medarbejdere", f.without_headcount, None, ""),
    ]
    if f.without_med_body is not None:
        lists.append(("without-med", "Enheder uden MED-udvalg", f.without_med_body, None,
                      "Enheder, som intet MED-udvalg dækker på organiseringens "
                      "ikrafttrædelsesdato."))
    for key, caption, refs, value_label, note in lists:
        rows, left_out = _unit_rows(refs, list_limit, value=value_label is not None)
        columns = ("Enhed", "Kode", "Niveau", *((value_label,) if value_label else ()))
        tables.append(FigureTable(key, caption, columns,
                                  (False, False, True, *((True,) if value_label else ())),
                                  rows, note, left_out))
    return tables
