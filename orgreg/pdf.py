"""The one PDF renderer every app uses: Django templates rendered to PDF with WeasyPrint.

Safety: the renderer fetches nothing but the app's own static files. Templates link to them
with ``{% static %}``; the document's base URL is a reserved, never-resolving origin
(``https://orgreg.invalid/``) and the URL fetcher maps that origin's ``STATIC_URL`` paths to
files found by Django's staticfiles finders. Every other URL - http, https elsewhere, ``file:``,
ftp - is refused and logged; ``data:`` URLs carry their bytes inline and are allowed.
User text reaches the PDF only through auto-escaped templates, so a unit named
``<img src="http://example.com/x.png">`` prints as those characters.

Fonts: DejaVu Sans ships in static/fonts (its licence allows that) and is loaded through
@font-face in static/css/pdf.css, so æ, ø and å print on a machine without system fonts.

Every PDF extends templates/pdf/base.html, whose footer and stamp are driven by the context
keys that ``document_context`` fills in (see ``PDF_CONTEXT_KEYS``). The renderer knows no
app: the caller says what the footer and stamp read.
"""

from __future__ import annotations

import datetime
import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from orgreg import clock
from orgreg.text import danish_date

logger = logging.getLogger(__name__)

# A reserved top-level domain (RFC 2606): nothing outside this process ever answers for it.
BASE_URL = "https://orgreg.invalid/"

PAGE_SIZES = ("A4", "A3")
ORIENTATIONS = ("portrait", "landscape")

# The keys templates/pdf/base.html reads for its footer, stamp and page.
PDF_CONTEXT_KEYS = (
    "pdf_organisation", "pdf_structure", "pdf_structure_status", "pdf_data_moment",
    "pdf_generated_at", "pdf_generated_by", "pdf_stamp", "pdf_confidential_until",
    "pdf_page_size", "pdf_orientation",
)


class RefusedURL(ValueError):
    """A URL the PDF renderer will not fetch."""


def _collected(name: str) -> str | None:
    """A file collectstatic wrote under STATIC_ROOT: in production {% static %} names the
    hashed copy (css/pdf.1a2b3c.css), which no finder knows."""
    root = settings.STATIC_ROOT
    if not root:
        return None
    path = (Path(root) / name).resolve()
    if not path.is_relative_to(Path(root).resolve()) or not path.is_file():
        return None
    return str(path)


class StaticOnlyURLFetcher(URLFetcher):
    """Serves the app's static files from disk and refuses every other URL.

    ``refused`` lists what was asked for and refused, so callers and tests can see it.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allowed_protocols", ("data",))
        kwargs.setdefault("timeout", 1)
        super().__init__(*args, **kwargs)
        self.refused: list[str] = []
        self.served: list[str] = []

    def _refuse(self, url: str, why: str):
        self.refused.append(url)
        logger.warning("PDF renderer refused %s: %s", url[:200], why)
        raise RefusedURL(f"Refused {url[:200]}: {why}")

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        static_prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
        if not url.startswith(static_prefix):
            return self._refuse(url, "only the app's own static files are served")
        parts = urlsplit(url)
        relative = unquote(parts.path)[len(settings.STATIC_URL):]
        normalised = posixpath.normpath(relative)
        if (not relative or normalised.startswith(("..", "/")) or "\\" in relative
                or "\x00" in relative or normalised != relative):
            return self._refuse(url, "not a plain static path")
        found = finders.find(normalised) or _collected(normalised)
        if not found or isinstance(found, list):
            return self._refuse(url, "no such static file")
        path = Path(found)
        if not path.is_file():
            return self._refuse(url, "not a file")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".ttf":
            mime = "font/ttf"
        self.served.append(normalised)
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


# Fonts from @font-face are parsed once per FontConfiguration; keep one per process so
# bulk renders (notices, one PDF per unit) do not reload DejaVu every time.
_font_config: FontConfiguration | None = None


def _shared_font_config() -> FontConfiguration:
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


def render_html(template_name: str, context: dict, *, request=None) -> str:
    """The HTML the PDF is made from (handy for debugging and for comparing renderers)."""
    context = {**_defaults(), **context}
    # Templates get the dates already written the Danish way (no tag library needed).
    context["pdf_data_moment_text"] = moment_text(context.get("pdf_data_moment"))
    context["pdf_generated_at_text"] = moment_text(context.get("pdf_generated_at"))
    context["pdf_confidential_until_text"] = danish_date(context.get("pdf_confidential_until"))
    context["pdf_page_size"] = page_size(context.get("pdf_page_size"))
    context["pdf_orientation"] = orientation(context.get("pdf_orientation"))
    return render_to_string(template_name, context, request=request)


def render_document(template_name: str, context: dict, *, request=None,
                    url_fetcher: StaticOnlyURLFetcher | None = None):
    """The laid-out WeasyPrint document (pages, anchors) before it is written to PDF."""
    html = render_html(template_name, context, request=request)
    fetcher = url_fetcher or StaticOnlyURLFetcher()
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        font_config=_shared_font_config(),
    )


def render_pdf(template_name: str, context: dict, *, request=None,
               url_fetcher: StaticOnlyURLFetcher | None = None) -> bytes:
    """Render a template extending ``pdf/base.html`` to PDF bytes."""
    document = render_document(template_name, context, request=request, url_fetcher=url_fetcher)
    return document.write_pdf()


def pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """An HTTP response carrying a PDF; `inline` opens it in the browser, else downloads."""
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in filename) or "orgreg.pdf"
    response["Content-Disposition"] = f'{disposition}; filename="{safe}"'
    response["Content-Length"] = str(len(data))
    # Visibility depends on the user; never let a shared cache keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


# --- footer and stamp context --------------------------------------------------------


def _defaults() -> dict:
    return {
        "pdf_page_size": "A4", "pdf_orientation": "portrait", "pdf_stamp": "",
        "pdf_confidential_until": None, "pdf_generated_at": timezone.now(),
    }


def page_size(value: str | None, default: str = "A4") -> str:
    value = (value or "").upper()
    return value if value in PAGE_SIZES else default


def orientation(value: str | None, default: str = "portrait") -> str:
    value = (value or "").lower()
    return value if value in ORIENTATIONS else default


def user_label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "kommandolinjen"
    return user.get_full_name() or user.get_username()


def document_context(*, organisation: str, title: str = "", status_label: str = "",
                     data_moment: datetime.datetime | None = None, stamp: str = "",
                     confidential_until: datetime.date | None = None, user=None,
                     page_size_value: str = "A4", orientation_value: str = "portrait",
                     today: datetime.date | None = None) -> dict:
    """The footer/stamp keys of templates/pdf/base.html (``PDF_CONTEXT_KEYS``), from what the
    calling app knows: the organisation's and document's names, the status label shown in
    the footer, the moment of the data printed, the stamp across every page (empty for
    none), and a confidentiality date (printed only while it lies ahead of `today`)."""
    today = today or clock.today()
    return {
        "pdf_organisation": organisation,
        "pdf_structure": title,
        "pdf_structure_status": status_label,
        "pdf_data_moment": data_moment,
        "pdf_generated_at": timezone.now(),
        "pdf_generated_by": user_label(user),
        "pdf_stamp": stamp,
        "pdf_confidential_until": (confidential_until
                                   if confidential_until and confidential_until > today else None),
        "pdf_page_size": page_size(page_size_value),
        "pdf_orientation": orientation(orientation_value),
    }


def moment_text(value: datetime.datetime | None) -> str:
    """23. november 2026 kl. 13.05.07 - with seconds, so two printouts of a draft that
    changed in between can be told apart."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{danish_date(value)} kl. {value:%H.%M.%S}"
