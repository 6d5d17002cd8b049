"""The shared renderer: real PDFs read back as text; only static files are ever fetched."""

import ast
import datetime
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from orgreg import pdf


def test_renders_danish_text_footer_and_pages(pdf_test_templates, read_pdf):
    moment = timezone.make_aware(datetime.datetime(2024, 11, 8, 9, 30, 15))
    data = pdf.render_pdf("pdf_tests/hostile.html", {
        "name": "Enhed", "rows": range(150), "pdf_organisation": "Testkommune",
        "pdf_structure": "Ny organisering 2025", "pdf_structure_status": "Udkast",
        "pdf_data_moment": moment, "pdf_generated_by": "Hanne Hansen", "pdf_stamp": "UDKAST",
    })
    assert data.startswith(b"%PDF")
    pages = read_pdf(data)
    assert len(pages) >= 3
    assert "Ærø, Åbenrå og Øster Hurup" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert f"side {number} af {len(pages)}" in text
        assert "UDKAST" in text
        assert "Data pr. 8. november 2024 kl. 09.30.15" in text
        assert "Testkommune · Ny organisering 2025 (udkast)" in text
        assert "af Hanne Hansen" in text


def test_fonts_are_shipped_and_embedded(pdf_test_templates, tmp_path):
    # The font is loaded once per process (shared FontConfiguration); what matters is that
    # it comes from static/fonts and ends up embedded under the name pdf.css gives it.
    assert finders.find("fonts/DejaVuSans.ttf")
    assert finders.find("fonts/DejaVuSans-Bold.ttf")
    data = pdf.render_pdf("pdf_tests/hostile.html", {"rows": []})
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True,
                           text=True).stdout
    assert "Orgreg-Sans" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded


def test_refuses_every_url_but_static_files(pdf_test_templates):
    fetcher = pdf.StaticOnlyURLFetcher()
    pdf.render_pdf("pdf_tests/hostile.html", {"rows": []}, url_fetcher=fetcher)
    refused = set(fetcher.refused)
    assert "http://example.com/x.png" in refused
    assert "https://example.com/y.png" in refused
    assert "file:///etc/passwd" in refused
    assert "ftp://example.com/z.png" in refused
    assert any("passwd" in url and url.startswith(pdf.BASE_URL) for url in refused)
    assert not any("settings.py" in s or "passwd" in s for s in fetcher.served)
    assert set(fetcher.served) <= {"css/pdf.css", "css/badges.css", "fonts/DejaVuSans.ttf",
                                   "fonts/DejaVuSans-Bold.ttf"}


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://example.com/x.png", "https://orgreg.invalid/etc/passwd",
    "https://orgreg.invalid/static/../orgreg/settings.py",
    "https://orgreg.invalid/static/%2e%2e/orgreg/settings.py",
    "https://orgreg.invalid/static/css/nonexistent.css",
    "https://example.com/static/css/pdf.css",
])
def test_fetcher_refuses(url):
    fetcher = pdf.StaticOnlyURLFetcher()
    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_static_and_data():
    fetcher = pdf.StaticOnlyURLFetcher()
    response = fetcher.fetch(pdf.BASE_URL + "static/css/pdf.css")
    assert b"@font-face" in response.read()
    assert fetcher.fetch("data:text/plain,hej").read() == b"hej"


def test_hostile_text_is_printed_not_obeyed(pdf_test_templates, read_pdf):
    name = '<img src="http://example.com/x.png"><script>alert(1)</script>'
    fetcher = pdf.StaticOnlyURLFetcher()
    data = pdf.render_pdf("pdf_tests/hostile.html", {"name": name, "rows": []},
                          url_fetcher=fetcher)
    text = read_pdf(data)[0]
    assert '<img src="http://example.com/x.png"><script>alert(1)</script>' in text


def test_pdf_response_headers():
    response = pdf.pdf_response(b"%PDF-1.7", 'Organisering "2025"/æ.pdf', inline=False)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert '"Organisering' not in response["Content-Disposition"].split("filename=")[1][1:]
    assert response["Cache-Control"] == "private, no-store"


def test_page_size_and_orientation_are_whitelisted(pdf_test_templates):
    html = pdf.render_html("pdf_tests/hostile.html", {
        "rows": [], "pdf_page_size": "A3;} body{display:none", "pdf_orientation": "landscape",
    })
    assert "@page { size: A4 landscape; }" in html
    document = pdf.render_document("pdf_tests/hostile.html", {
        "rows": [], "pdf_page_size": "A3", "pdf_orientation": "landscape"})
    page = document.pages[0]
    assert round(page.width * 25.4 / 96) == 420
    assert round(page.height * 25.4 / 96) == 297


def test_the_renderer_knows_no_app():
    # orgreg/pdf.py renders what its callers give it; statuses and stamps are theirs.
    tree = ast.parse(Path(pdf.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {m for m in imported if m.split(".")[0] in ("units", "med", "timeline")}
