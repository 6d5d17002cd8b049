"""What the import page shows of a checked plan, as data that can be stored (JSON) with the
pending import: the check may run in a worker and the page be shown later, by another web
process. The units are cut at PREVIEW_UNITS and the problems at PREVIEW_PROBLEMS, as the page
shows them; the counts are of the whole plan."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .plan import ImportPlan
from .problems import Kind, Problem

PREVIEW_UNITS = 500
PREVIEW_PROBLEMS = 300


@dataclass(frozen=True)
class PreviewUnit:
    row: int
    code: str
    name: str
    level: int
    unit_type: str
    headcount: int | None
    # (old code, share as text): shares stay exact through JSON.
    predecessors: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ImportPreview:
    format: str
    problems: list[Problem]
    problem_count: int
    warnings: list[str]
    units: list[PreviewUnit]
    unit_count: int
    depth: int
    headcount: int
    succession_count: int
    new_unit_types: list[str]
    synthetic_root: bool
    unknown_types: bool

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def more_problems(self) -> int:
        return max(0, self.problem_count - len(self.problems))

    @property
    def more_units(self) -> int:
        return max(0, self.unit_count - len(self.units))

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ImportPreview:
        return cls(**{
            **data,
            "problems": [Problem(**p) for p in data["problems"]],
            "units": [PreviewUnit(**{**u, "predecessors": [tuple(p) for p in u["predecessors"]]})
                      for u in data["units"]],
        })


def preview(plan: ImportPlan) -> ImportPreview:
    """The page's view of `plan`: the first units in tree order, the first problems, the
    counts of the whole."""
    units = plan.in_tree_order()[:PREVIEW_UNITS] if plan.ok else []
    return ImportPreview(
        format=plan.format,
        problems=plan.problems[:PREVIEW_PROBLEMS],
        problem_count=len(plan.problems),
        warnings=list(plan.warnings),
        units=[PreviewUnit(row=u.row, code=str(u.fields.get("code") or ""),
                           name=str(u.fields.get("name") or ""), level=u.level,
                           unit_type=u.unit_type or "", headcount=u.fields.get("headcount"),
                           predecessors=[(code, str(share)) for code, share in u.predecessors])
               for u in units],
        unit_count=len(plan.units) if plan.ok else 0,
        depth=plan.depth if plan.ok else 0,
        headcount=plan.headcount if plan.ok else 0,
        succession_count=plan.succession_count if plan.ok else 0,
        new_unit_types=list(plan.new_unit_types),
        synthetic_root=bool(plan.meta.get("synthetic_root")),
        unknown_types=any(p.kind == Kind.UNKNOWN_UNIT_TYPE for p in plan.problems),
    )
