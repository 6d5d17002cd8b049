"""The layout keeps its promises: dependencies point one way (STYLE.md).

Read from the source with `ast`, so an import inside a function counts as much as one at the
top of a module."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("orgreg", "units", "med", "timeline")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> dict[str, Path]:
    """Every module of the project's packages except migrations."""
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def imports_of(name: str, path: Path) -> set[str]:
    """The modules `name` imports, relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            # `from units import selectors` imports the module units.selectors.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


def test_units_imports_neither_med_nor_timeline():
    offenders = sorted(
        f"{name} imports {imported}"
        for name, path in source_modules().items() if _top(name) == "units"
        for imported in imports_of(name, path) if _top(imported) in ("med", "timeline")
    )
    assert offenders == []


def test_units_templates_load_no_tags_of_med_or_timeline():
    loads = re.compile(r"{%\s*load\s+([^%]*)%}")
    offenders = sorted(
        f"{path.relative_to(ROOT)} loads {library}"
        for path in (ROOT / "templates" / "units").rglob("*.html")
        for match in loads.finditer(path.read_text())
        for library in match.group(1).split()
        if library.startswith(("med", "timeline"))
    )
    assert offenders == []


def test_the_import_reader_sees_function_level_and_relative_imports(tmp_path):
    module = tmp_path / "mod.py"
    module.write_text("from .models import X\n\ndef f():\n    from med import selectors\n")
    assert imports_of("units.mod", module) >= {"units.models", "units.models.X", "med",
                                               "med.selectors"}


def import_graph() -> dict[str, set[str]]:
    """module → the project's modules it imports (packages as their __init__)."""
    modules = source_modules()
    return {
        name: {m for m in imports_of(name, path) if m in modules and m != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_modules_import_each_other():
    """Not directly, not round a ring, not through an import inside a function."""
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_ring():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_outgrows_a_file():
    """STYLE.md: a module past ~600 lines becomes a package."""
    too_long = sorted(
        f"{name} ({n} lines)" for name, path in source_modules().items()
        if (n := len(path.read_text().splitlines())) > 600
    )
    assert too_long == []


# Packages whose __init__ re-exports their public names, so callers may import either way.
PACKAGES_WITH_REEXPORTS = ("units.services", "units.selectors", "units.interchange",
                           "units.printing", "units.markup", "orgreg.roles")
# Of these, the ones whose every public function and class is the package's API: their
# submodules hold no helpers for each other under public names.
WHOLLY_REEXPORTED = ("units.services", "units.selectors")


@pytest.mark.parametrize("package", PACKAGES_WITH_REEXPORTS)
def test_a_package_re_exports_its_names_and_its_submodules_never_import_it(package):
    module = importlib.import_module(package)
    assert module.__all__ and all(hasattr(module, name) for name in module.__all__)
    assert [name for name in module.__all__ if name.startswith("_")] == []
    graph = import_graph()
    through_init = sorted(name for name, imported in graph.items()
                          if name.startswith(package + ".") and package in imported)
    assert through_init == []


@pytest.mark.parametrize("package", WHOLLY_REEXPORTED)
def test_every_public_function_and_class_is_re_exported(package):
    module = importlib.import_module(package)
    public = {
        name
        for info in pkgutil.iter_modules(module.__path__)
        for name, value in vars(importlib.import_module(f"{package}.{info.name}")).items()
        if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == f"{package}.{info.name}"
    }
    assert public - set(module.__all__) == set()
