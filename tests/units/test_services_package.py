"""The units.services package: its re-exports are whole, and no import cycle runs through it,
not even through an import inside a function."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import units
from units import services

UNITS_DIR = Path(units.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(UNITS_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    relative = name.split(".")
    path = UNITS_DIR.parent.joinpath(*relative)
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imports(path: Path) -> set[str]:
    """The modules of `units` that the file at `path` imports, anywhere in it."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if _is_module(sub) else base)
    return {m for m in found if m == "units" or m.startswith("units.")}


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in UNITS_DIR.rglob("*.py")
            if "migrations" not in p.parts}


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), list(graph.get(start, ()))
    while todo:
        current = todo.pop()
        if current == goal:
            return True
        if current not in seen:
            seen.add(current)
            todo.extend(graph.get(current, ()))
    return False


def test_no_import_cycle_runs_through_the_services_package():
    graph = _graph()
    assert "units.services.bulk" in graph["units.services"]
    cycles = [m for m in graph if m.startswith("units.services") and _reaches(graph, m, m)]
    assert cycles == []


def test_submodules_do_not_import_the_package_init():
    graph = _graph()
    submodules = [m for m in graph if m.startswith("units.services.")]
    assert submodules
    assert [m for m in submodules if "units.services" in graph[m]] == []


def test_every_public_service_is_re_exported():
    public = set()
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"units.services.{info.name}")
        public |= {
            name for name, value in vars(module).items()
            if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__
            and (inspect.isfunction(value) or inspect.isclass(value))
        }
    assert public <= set(services.__all__)
    assert all(hasattr(services, name) for name in services.__all__)
    assert not [name for name in services.__all__ if name.startswith("_")]
