"""Placement notices: one unit, all units in one PDF, and a zip of one PDF per unit."""

import datetime
import io
import subprocess
import zipfile

import pytest
from django.core.exceptions import ValidationError

from units import printing, services


@pytest.fixture
def decided(reorg, editor):
    old, new, old_units = reorg
    new = services.set_status(new, "approved", user=editor)
    new = services.update_structure(
        new, user=editor,
        notice_text="Kontakt HR på hr@testkommune.dk.\n\nSpørgsmål og svar: intra/ny-organisering")
    return old, new, old_units


def test_notice_of_a_moved_unit(decided, manager, read_pdf):
    old, new, old_units = decided
    data = printing.notices_pdf(new, manager, unit_ids=[old_units["B1"].pk])
    pages = read_pdf(data)
    assert len(pages) == 1
    text = pages[0]
    assert "ORIENTERING OM NY ORGANISERING" in text
    assert "Team B1" in text
    assert "Testkommune › Afdeling B" in text  # where it is today
    assert "Fra 1. januar 2025" in text
    assert "Testkommune › Center A" in text  # where it goes
    assert "Flyttet" in text
    assert "Centerchef Søren Østergaard" in text  # the new leader above it
    assert "Kontakt HR på hr@testkommune.dk." in text
    assert "Spørgsmål og svar: intra/ny-organisering" in text
    assert "side 1 af 1" in text
    assert "Ny organisering 2025 (vedtaget)" in text


def test_notice_of_a_split_and_a_closed_unit(decided, editor, read_pdf):
    old, new, old_units = decided
    text = read_pdf(printing.notices_pdf(new, editor, unit_ids=[old_units["C"].pk]))[0]
    assert "Enheden deles" in text
    assert "Afdeling C Vest" in text and "Afdeling C Øst" in text
    assert "60 % af medarbejderne (ca. 3)" in text
    assert "40 % af medarbejderne (ca. 2)" in text
    text = read_pdf(printing.notices_pdf(new, editor, unit_ids=[old_units["B"].pk]))[0]
    assert "Enheden nedlægges" in text


def test_all_notices_one_pdf_one_unit_per_page(decided, editor, read_pdf):
    old, new, old_units = decided
    pages = read_pdf(printing.notices_pdf(new, editor))
    assert len(pages) == len(old_units)
    firsts = [p.split("ORIENTERING OM NY ORGANISERING", 1)[1].strip().splitlines()[0]
              for p in pages]
    assert sorted(firsts) == sorted(u.name for u in old_units.values())


def test_zip_has_one_pdf_per_unit(decided, editor, tmp_path):
    old, new, old_units = decided
    calls = []
    data = printing.notices_zip(new, editor, progress=lambda done, total, n: calls.append(done))
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert len(names) == len(old_units) == len(set(names))
    assert calls == list(range(1, len(old_units) + 1))
    assert any(name.startswith("orientering-B1-") for name in names)
    path = tmp_path / "one.pdf"
    path.write_bytes(archive.read(next(n for n in names if n.startswith("orientering-B1-"))))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Team B1" in text and text.count("side 1 af 1") == 1


def test_zip_notice_longer_than_a_page_counts_its_own_pages(decided, editor, tmp_path):
    old, new, old_units = decided
    # A unit split into many parts gets a notice over two pages.
    draft = services.copy_structure(new, name="Mange dele", user=editor,
                                    effective_date=datetime.date(2027, 1, 1))
    parts = [{"name": f"Del {i} af Afdeling C Vest", "share": 10} for i in range(10)]
    services.split_unit(draft.units.get(code="C"), parts, user=editor)
    draft = services.set_status(draft, "approved", user=editor)
    archive = zipfile.ZipFile(io.BytesIO(printing.notices_zip(draft, editor)))
    texts = {}
    for name in archive.namelist():
        path = tmp_path / name
        path.write_bytes(archive.read(name))
        texts[name] = subprocess.run(["pdftotext", "-layout", str(path), "-"],
                                     capture_output=True, text=True, check=True).stdout
    long = [t for t in texts.values() if "Enheden deles" in t]
    assert len(long) == 1
    pages = long[0].split("\f")
    assert "side 1 af 2" in pages[0] and "side 2 af 2" in pages[1]
    assert all(t.count("side 1 af 1") == 1 for t in texts.values() if t is not long[0])


def test_no_notices_for_a_structure_not_decided(reorg, editor):
    old, new, _ = reorg
    with pytest.raises(ValidationError) as raised:
        printing.notices_pdf(new, editor)
    assert "vedtaget eller udmeldt" in raised.value.messages[0]
    with pytest.raises(ValidationError):
        printing.notices_pdf(old, editor)  # published, but based on nothing


def test_notices_through_two_steps(decided, editor, read_pdf):
    """Aarhus went through two structures: a unit of the first is told where it ends up."""
    import datetime

    old, middle, old_units = decided
    last = services.copy_structure(middle, name="Trin 2", effective_date=datetime.date(2026, 1, 1),
                                   user=editor)
    last = services.set_status(last, "approved", user=editor)
    text = read_pdf(printing.notices_pdf(last, editor, old=old, unit_ids=[old_units["B1"].pk]))[0]
    assert "Team B1" in text and "Fra 1. januar 2026" in text
    assert "Testkommune › Center A" in text


def test_notices_read_a_fixed_number_of_queries(decided, editor, django_assert_max_num_queries):
    old, new, _ = decided
    with django_assert_max_num_queries(8):
        items = printing.notices(new)
    assert len(items) == 7
