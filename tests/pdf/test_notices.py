"""Placement notices: one unit, all units in one PDF, and a zip of one PDF per unit."""

import datetime
import io
import re
import subprocess
import zipfile

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from units import printing, selectors, services


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
    assert "Siden 1. januar 2025 er Team B1" in text  # issued after the day
    assert "Testkommune › Center A" in text  # where it goes
    assert "flyttet" in text
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
    assert "Afdeling B nedlagt" in text


def test_notice_of_a_merged_unit_names_the_units_it_is_merged_with(decided, editor, read_pdf):
    """As Min enhed and the udmelding name them (units.selectors.placement's partners), not
    "sammen med andre enheder"."""
    old, new, old_units = decided
    text = _flat(read_pdf(printing.notices_pdf(new, editor, unit_ids=[old_units["A1"].pk],
                                               issued=datetime.date(2024, 11, 20)))[0])
    assert "lægges Team A1 sammen med Team A2 til Team A" in text
    assert "andre enheder" not in text
    placement, = printing.notices(new, unit_ids=[old_units["A1"].pk])[0].placements
    min_enhed, = selectors.placements([old_units["A1"]], new)[old_units["A1"].pk]
    assert placement.partners == min_enhed.partners


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
    # A unit split into many parts gets a notice over more than one page.
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
    pages = [p for p in long[0].split("\f") if p.strip()]
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"side {number} af {len(pages)}" in page
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
    assert "Team B1" in text and "Siden 1. januar 2026" in text
    assert "Testkommune › Center A" in text


def test_notices_read_a_fixed_number_of_queries(decided, editor, django_assert_max_num_queries):
    old, new, _ = decided
    with django_assert_max_num_queries(8):
        items = printing.notices(new)
    assert len(items) == 7


def _flat(text: str) -> str:
    """pdftotext's layout with every run of spaces and line breaks as one space."""
    return " ".join(text.split())


def _moved_and_renamed(editor, *, leader_name: str = "Åse Ørnsø",
                       sender: str = "Socialforvaltningen, Testkommune, HR og Organisation"):
    """Team B1 (leader: Teamleder `leader_name`) moves from Afdeling B to Afdeling C and is
    renamed Team C1 on 1 January 2025. Team A1 has no named leader and continues."""
    old, old_units = factories.make_structure(editor, {
        "A": ("Afdeling A", 10, {"A1": ("Team A1", 4)}),
        "B": ("Afdeling B", 20, {"B1": ("Team B1", 8)}),
        "C": ("Afdeling C", 5),
    }, organisation=factories.make_organisation(editor, "Testkommune"))
    services.update_unit(old_units["B1"], user=editor, leader_title="Teamleder",
                         leader_name=leader_name)
    old = services.set_status(old, "published", user=editor)
    new = services.copy_structure(old, name="Ny organisering 2025", user=editor,
                                  effective_date=datetime.date(2025, 1, 1))
    units = {u.code: u for u in new.units}
    services.move_unit(units["B1"], units["C"], user=editor)
    services.update_unit(new.units.get(code="B1"), user=editor, name="Team C1")
    new = services.update_structure(new, user=editor, notice_sender=sender,
                                    notice_text="Spørgsmål: skriv til hr@testkommune.dk.")
    new = services.set_status(new, "approved", user=editor)
    return old, new, old_units


@pytest.fixture
def moved_and_renamed(editor):
    return _moved_and_renamed(editor)


def test_notice_is_a_letter_with_date_sender_addressee_and_min_enheds_sentence(
        moved_and_renamed, editor, read_pdf):
    old, new, old_units = moved_and_renamed
    data = printing.notices_pdf(new, editor, unit_ids=[old_units["B1"].pk],
                                issued=datetime.date(2024, 11, 20))
    text = _flat(read_pdf(data)[0])
    assert "Dato 20. november 2024" in text
    assert "Fra Socialforvaltningen, Testkommune, HR og Organisation" in text
    assert "Til Teamleder Åse Ørnsø, Team B1" in text
    # Min enhed's sentence (units.changes.sentence) for a renamed and moved unit.
    assert "Fra 1. januar 2025 bliver Team B1 til Team C1 under Afdeling C." in text
    # Every kind of the change, in lower case, not only the first.
    assert "Ændring flyttet og omdøbt" in text
    assert "Spørgsmål: skriv til hr@testkommune.dk." in text


def test_notice_without_a_leader_name_goes_to_the_leader_and_sender_falls_back(
        moved_and_renamed, editor, read_pdf):
    old, new, old_units = moved_and_renamed
    new = services.update_structure(new, user=editor, notice_sender="")
    text = _flat(read_pdf(printing.notices_pdf(new, editor,
                                               unit_ids=[old_units["A1"].pk]))[0])
    assert "Til lederen af Team A1" in text
    assert f"Fra {new.organisation.name}" in text
    assert "Ændring uændret" in text
    # The date of issue defaults to the day it is made.
    assert re.search(r"Dato \d{1,2}\. (januar|februar|marts|april|maj|juni|juli|august|"
                     r"september|oktober|november|december) \d{4}", text)


def test_notice_of_a_closed_unit_says_so_in_the_sentence_and_the_kinds(decided, editor,
                                                                      read_pdf):
    old, new, old_units = decided
    issued = datetime.date(2024, 11, 20)
    text = _flat(read_pdf(printing.notices_pdf(new, editor, unit_ids=[old_units["B"].pk],
                                               issued=issued))[0])
    assert ("Fra 1. januar 2025 nedlægges Afdeling B: enheden har ingen efterfølger i denne "
            "organisering.") in text
    # Issued after the day, the same letter tells it in the past tense.
    text = _flat(read_pdf(printing.notices_pdf(new, editor, unit_ids=[old_units["B"].pk],
                                               issued=datetime.date(2025, 2, 1)))[0])
    assert "Siden 1. januar 2025 er Afdeling B nedlagt" in text
    assert "Ændring nedlagt" in text


def test_notice_text_sender_and_names_stay_escaped(editor, read_pdf):
    from django.template.loader import render_to_string

    old, new, old_units = _moved_and_renamed(editor, leader_name="<b>Bo</b> & Co",
                                             sender="<i>HR</i> & <script>x</script>")
    context = printing.notice_context(new, editor, printing.notices(
        new, unit_ids=[old_units["B1"].pk]))
    page = render_to_string("units/pdf_notices.html", context)
    assert "<i>HR</i>" not in page and "&lt;i&gt;HR&lt;/i&gt; &amp; &lt;script&gt;" in page
    assert "<b>Bo</b>" not in page and "&lt;b&gt;Bo&lt;/b&gt; &amp; Co" in page
    text = _flat(read_pdf(printing.notices_pdf(new, editor, unit_ids=[old_units["B1"].pk]))[0])
    assert "Fra <i>HR</i> & <script>x</script>" in text
    assert "Til Teamleder <b>Bo</b> & Co, Team B1" in text


def test_sender_is_edited_with_the_notice_text_and_copied_with_the_structure(
        moved_and_renamed, editor, reader, client):
    from django.urls import reverse

    from units.models import Structure

    old, new, _ = moved_and_renamed
    url = reverse("units:structure-notice-text", args=[new.pk])
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert 'value="Socialforvaltningen, Testkommune, HR og Organisation"' in page
    response = client.post(url, {"notice_text": "Ny tekst", "notice_sender": "  HR  og  Org "})
    assert response.status_code == 302
    new.refresh_from_db()
    assert (new.notice_sender, new.notice_text) == ("HR og Org", "Ny tekst")
    # Too long: refused with a Danish message, nothing changed.
    response = client.post(url, {"notice_text": "Anden tekst", "notice_sender": "x" * 301})
    assert response.status_code == 400
    assert "Afsenderen må højst være 300 tegn." in response.content.decode()
    new.refresh_from_db()
    assert (new.notice_sender, new.notice_text) == ("HR og Org", "Ny tekst")
    # A copy keeps the sender, as it keeps the notice text.
    copy = services.copy_structure(new, name="Næste", user=editor,
                                   effective_date=datetime.date(2026, 1, 1))
    assert Structure.objects.get(pk=copy.pk).notice_sender == "HR og Org"
    # Readers do not reach the page.
    client.force_login(reader)
    assert client.post(url, {"notice_sender": "Hacket"}).status_code == 404
    new.refresh_from_db()
    assert new.notice_sender == "HR og Org"
