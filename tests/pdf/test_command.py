"""renderpdf: every PDF from the command line, for scripting."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from units import services


def test_chart_compare_and_notices_to_files(reorg, editor, tmp_path, read_pdf):
    old, new, old_units = reorg
    chart = tmp_path / "diagram.pdf"
    call_command("renderpdf", "chart", str(new.pk), "-o", str(chart), "--size", "A3",
                 "--header", "Bilag 2.1 til HovedMED", stderr=io.StringIO())
    text = read_pdf(chart.read_bytes())[0]
    assert "Bilag 2.1 til HovedMED" in text and "UDKAST" in text
    assert "af kommandolinjen" in text

    report = tmp_path / "sammenligning.pdf"
    call_command("renderpdf", "compare", str(old.pk), str(new.pk), "-o", str(report),
                 "--changed-only", stderr=io.StringIO())
    assert "Sammenligning af organiseringer" in read_pdf(report.read_bytes())[0]

    services.set_status(new, "approved", user=editor)
    notices = tmp_path / "orienteringer.pdf"
    call_command("renderpdf", "notices", str(new.pk), "-o", str(notices),
                 "--unit", str(old_units["B1"].pk), stderr=io.StringIO())
    assert len(read_pdf(notices.read_bytes())) == 1

    archive = tmp_path / "orienteringer.zip"
    progress = io.StringIO()
    call_command("renderpdf", "notices-zip", str(new.pk), "-o", str(archive), stderr=progress)
    assert len(zipfile.ZipFile(archive).namelist()) == len(old_units)
    assert f"{len(old_units)}/{len(old_units)}" in progress.getvalue()


def test_refusals(reorg, manager, tmp_path):
    old, new, _ = reorg
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="Ingen organisering med id"):
        call_command("renderpdf", "chart", "999999", "-o", str(out))
    with pytest.raises(CommandError, match="Ingen organisering med id"):
        call_command("renderpdf", "chart", str(new.pk), "-o", str(out), "--user", "leder")
    with pytest.raises(CommandError, match="vedtaget eller udmeldt"):
        call_command("renderpdf", "notices", str(new.pk), "-o", str(out))
    with pytest.raises(CommandError, match="A4 eller A3"):
        call_command("renderpdf", "chart", str(new.pk), "-o", str(out), "--size", "A0")
    with pytest.raises(CommandError, match="to organiseringer"):
        call_command("renderpdf", "compare", str(new.pk), "-o", str(out))
    assert not out.exists()
