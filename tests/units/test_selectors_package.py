"""units.selectors is a package of one module per question; its layout keeps its promises."""

from __future__ import annotations

import importlib

import units.selectors
from tests.orgreg.test_architecture import imports_of, source_modules

PACKAGE = "units.selectors"


def _submodules() -> dict[str, set[str]]:
    """Each submodule of the package → the other submodules (and the package) it imports."""
    modules = {name: path for name, path in source_modules().items()
               if name.startswith(PACKAGE + ".")}
    inside = {*modules, PACKAGE}
    return {name: {m for m in imports_of(name, path) if m in inside and m != name}
            for name, path in modules.items()}


def test_one_module_per_question():
    assert set(_submodules()) == {f"{PACKAGE}.{m}" for m in (
        "trees", "compare", "placement", "history", "integrity", "overview", "search")}


def test_submodules_import_each_other_directly_and_form_no_cycle():
    graph = _submodules()
    assert not any(PACKAGE in imported for imported in graph.values())

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(m == goal or (m not in seen and reaches(m, goal, seen | {m}))
                   for m in graph.get(start, ()))

    assert [name for name in graph if reaches(name, name)] == []


def test_the_package_re_exports_its_public_names_and_no_private_ones():
    for name in units.selectors.__all__:
        assert getattr(units.selectors, name) is not None
    assert not [n for n in units.selectors.__all__ if n.startswith("_")]
    # Every public dataclass and selector of a submodule is reachable from the package.
    for module in ("trees", "compare", "placement", "history", "integrity", "overview",
                   "search"):
        sub = importlib.import_module(f"{PACKAGE}.{module}")
        own = [n for n, v in vars(sub).items()
               if not n.startswith("_") and getattr(v, "__module__", None) == sub.__name__]
        assert set(own) <= set(units.selectors.__all__), module
    # ChangeKind keeps its home in units.changes.
    assert units.selectors.ChangeKind.__module__ == "units.changes"
