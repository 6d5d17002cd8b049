"""The interchange package: the order its checks report problems in, and its layout (public
names re-exported, no submodule importing another one back)."""

import ast
from pathlib import Path

import units.interchange as interchange
from units.interchange import Kind

PACKAGE = Path(interchange.__file__).parent


def csv_bytes(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8-sig")


def test_a_row_reports_its_problems_in_the_order_it_is_checked(organisation):
    data = csv_bytes(
        "Kode;Navn;Kort navn;Overordnet kode;Enhedstype;Kategori;Antal medarbejdere;Årsværk;"
        "Forgængere\n"
        "K;Kommunen;;;;;;;\n"
        f"K;;{'x' * 61};ZZ;Klynge;Hemmelig;mange;-1;A:50\n"
    )
    plan = interchange.prepare(data, organisation=organisation)
    assert [(p.row, p.kind) for p in plan.problems] == [
        (3, Kind.BAD_VALUE),            # short name too long
        (3, Kind.EMPTY_NAME),
        (3, Kind.DUPLICATE_CODE),
        (3, Kind.UNKNOWN_UNIT_TYPE),
        (3, Kind.BAD_VALUE),            # category
        (3, Kind.NOT_A_NUMBER),         # headcount
        (3, Kind.BAD_VALUE),            # negative FTE
        (3, Kind.UNKNOWN_PREDECESSOR),  # no structure to build on
        (3, Kind.UNKNOWN_PARENT),       # the tree's rules come after the row's
    ]
    assert plan.problems[0].message == "kort navn er 61 tegn lang; højst 60."


def test_tree_problems_follow_the_row_problems_file_wide_ones_first(organisation):
    data = csv_bytes("Kode;Navn;Overordnet kode;Antal medarbejdere\n"
                     "A;A;B;x\nB;B;A;\nC;C;ZZ;\n")
    plan = interchange.prepare(data, organisation=organisation)
    assert [(p.row, p.kind) for p in plan.problems] == [
        (None, Kind.NO_ROOT),
        (2, Kind.NOT_A_NUMBER),
        (2, Kind.CYCLE),
        (4, Kind.UNKNOWN_PARENT),
    ]
    assert plan.problems[2].message == ("rækkerne 2 og 3 (»A« og »B«) er hinandens overordnede "
                                        "enheder i en ring.")


def test_every_public_name_is_re_exported():
    for name in interchange.__all__:
        assert getattr(interchange, name) is not None, name
    assert "check" in interchange.__all__ and "ImportForm" in interchange.__all__


def _imports(path: Path) -> set[str]:
    """The sibling modules a module of the package imports, at any level of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_submodules_import_each_other_one_way_only():
    modules = {p.stem: _imports(p) for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    for name, imported in modules.items():
        assert imported <= set(modules), f"{name} imports through the package: {imported}"

    def reaches(start: str, target: str) -> bool:
        seen, stack = set(), [start]
        while stack:
            for nxt in modules[stack.pop()]:
                if nxt == target:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    assert [name for name in modules if reaches(name, name)] == []
