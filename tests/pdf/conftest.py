import shutil
import subprocess
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def pdf_test_templates(settings):
    """Make tests/pdf/templates loadable (hostile test pages live there, not in the app)."""
    engines = [dict(e) for e in settings.TEMPLATES]
    engines[0]["DIRS"] = [*engines[0]["DIRS"], TEMPLATES]
    settings.TEMPLATES = engines


def pdf_pages(data: bytes, tmp_path: Path) -> list[str]:
    """The text of each page of a PDF, read back with poppler's pdftotext."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed for the PDF tests"
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          check=True, text=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


@pytest.fixture
def read_pdf(tmp_path):
    return lambda data: pdf_pages(data, tmp_path)


@pytest.fixture
def reorg(editor, small):
    """The published 2024 structure of `small` and a draft for 2025 based on it:

    ROOT Testkommune
      A  Center A (renamed from Afdeling A; leader Centerchef Søren Østergaard)
        Team A   (A1 and A2 merged)
        B1 Team B1 (moved from Afdeling B)
      C  Afdeling C Vest (60 % of Afdeling C)
      Afdeling C Øst (40 % of Afdeling C)
      S  Ny stab (new)
    Afdeling B is closed.
    """
    import datetime

    from units import services
    from units.models import Unit

    old, old_units = small
    new = services.copy_structure(old, name="Ny organisering 2025",
                                  effective_date=datetime.date(2025, 1, 1), user=editor)
    units = {u.code: u for u in Unit.objects.filter(tree_id=new.pk)}
    services.update_unit(units["A"], user=editor, name="Center A", leader_title="Centerchef",
                         leader_name="Søren Østergaard")
    services.move_unit(units["B1"], units["A"], user=editor)
    services.split_unit(units["C"], [{"name": "Afdeling C Vest", "share": 60},
                                     {"name": "Afdeling C Øst", "share": 40}], user=editor)
    services.merge_units([units["A1"], units["A2"]], into="Team A", user=editor)
    services.close_unit(units["B"], user=editor)
    services.add_unit(units["ROOT"], name="Ny stab", code="S", user=editor)
    new.refresh_from_db()
    return old, new, old_units
