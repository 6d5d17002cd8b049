"""The layout keeps its promises: dependencies point one way (STYLE.md).

Read from the source with `ast`, so an import inside a function counts as much as one at the
top of a module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

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
