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
