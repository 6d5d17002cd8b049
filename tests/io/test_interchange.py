"""The interchange package's checks report a row's problems in the order they are checked, and
tree problems after the rows' own (the layout is tests/orgreg/test_architecture.py's)."""

from units import interchange
from units.interchange import Kind


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
