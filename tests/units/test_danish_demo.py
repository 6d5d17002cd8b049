"""The demo's pages in the Danish a careful HR consultant writes: the glitches a trial found
("1 ændrede enheder", "1 af 1 milepæle", "enhed 576", "Slettet", "Find selv ud af det",
"Ledelsesspænd", "5734" beside "5.734") are gone, each read back from the page that had it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from orgreg import pdf as renderer
from tests.pdf.conftest import pdf_pages
from units import printing
from units.models import Organisation, Structure, Unit

AARHUS = "Aarhus Kommune, Sundhed og Omsorg"
KOBENHAVN = "Københavns Kommune, Socialforvaltningen"


@pytest.fixture
def admin_client(client, demo_output, db):
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _structure(org: str, name_start: str) -> Structure:
    return Structure.objects.get(organisation__name=org, name__startswith=name_start)


def test_one_changed_unit_and_one_milestone_in_the_singular(admin_client):
    step2 = _structure(AARHUS, "Ny organisering, sidste step")
    text = page(admin_client, reverse("units:structure-detail", args=[step2.pk]))
    assert "1 ændret enhed" in text and "ændrede enheder" not in text
    assert "1 af 1 milepæl gennemført" in text and "milepæle gennemført" not in text
    assert re.search(r"\d\.\d{3} medarbejdere", text)  # 7.195, with a thousands point


def test_the_chart_names_what_the_flag_counts(admin_client):
    ef_sof = _structure(KOBENHAVN, "Ét SOF")
    html = admin_client.get(reverse("units:structure-detail", args=[ef_sof.pk]) + "?span=3")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.content.decode()))
    assert "ledelsesspænd" not in text.lower()
    assert "Markér flere direkte underenheder end" in text
    assert re.search(r"\d+ enheder? med flere end 3 direkte underenheder", text)


def test_the_history_of_et_sof_is_told_in_domain_words(admin_client):
    ef_sof = _structure(KOBENHAVN, "Ét SOF")
    text = page(admin_client, reverse("units:structure-history", args=[ef_sof.pk]))
    assert "Nedlagt: enhed Borgercenter Handicap" in text
    assert "Lagt sammen i Center for Økonomi: enhed Økonomi (fra stab, Børn og Unge)" in text
    assert "Slettet: enhed" not in text
    assert "Overordnet enhed: Borgercenter Voksne → Socialforvaltningen" in text
    assert not re.search(r"enhed \d+", text)


def test_a_unit_page_names_its_old_parent_though_it_is_gone(admin_client):
    ef_sof = _structure(KOBENHAVN, "Ét SOF")
    unit = Unit.objects.get(tree_id=ef_sof.pk, name="Center for Rusmiddelbehandling")
    text = page(admin_client, unit.get_absolute_url())
    assert "Overordnet enhed: Borgercenter Voksne → Socialforvaltningen" in text
    assert not re.search(r"enhed \d+", text) and "Ingen, du kan se" not in text


def test_the_import_form_speaks_plainly_and_dates_the_long_way(admin_client):
    organisation = Organisation.objects.get(name=KOBENHAVN)
    html = admin_client.get(reverse("units:structure-import", args=[organisation.pk]))
    text = html.content.decode()
    assert "Automatisk (ud fra filnavn og indhold)" in text and "Find selv" not in text
    assert "(udmeldt, 1. januar 2025)" in text
    assert not re.search(r"\d\d\.\d\d\.\d{4}\)", text)


def test_the_printed_chart_separates_thousands(demo_output, db, tmp_path):
    ef_sof = _structure(KOBENHAVN, "Ét SOF")
    admin = get_user_model().objects.get(username="admin")
    chart = printing.org_chart(ef_sof, admin, printing.parse_chart_options({}))
    data = renderer.render_pdf("units/pdf_org_chart.html", chart.context,
                               url_fetcher=renderer.StaticOnlyURLFetcher())
    text = "\n".join(pdf_pages(data, tmp_path))
    assert "i alt 5.734" in text
    assert not re.search(r"\b\d{4,} (?:medarb|enheder)", text)
