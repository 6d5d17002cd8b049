"""Every page knows today (issue 12, point 3) and Min enhed's answer (point 4), on the demo.

The demo is loaded once for the module, inside a transaction rolled back at the end. Each
test then sets today (tests/conftest.py's `on_date`, time-machine) on either side of an
effective date: 31 December 2024 and 2 January 2025 for Ét SOF (1 January 2025), and
1 December 2026, the day the issue was written. The Danish strings are checked by hand
against fixtures/demo/kobenhavn.json and timeline/demo.py.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from timeline.models import Deliverable
from units.models import Organisation, Structure, Unit

KOBENHAVN = "Københavns Kommune, Socialforvaltningen"
ET_SOF = "Ét SOF – ny organisering pr. 1. januar 2025"
SOF_2024 = "Socialforvaltningen 2024 – tre borgercentre"
BEFORE, AFTER, ISSUE_DAY = (datetime.date(2024, 12, 31), datetime.date(2025, 1, 2),
                            datetime.date(2026, 12, 1))


def text(html: str) -> str:
    """The page's text: tags dropped, white space folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" .", ".").replace(" ,", ",")


def page(client, username: str, url: str) -> str:
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200, url
    return text(response.content.decode())


def structure(name: str) -> Structure:
    return Structure.objects.get(organisation__name=KOBENHAVN, name=name)


def unit(code: str, structure_name: str = SOF_2024) -> Unit:
    return Unit.objects.get(structure=structure(structure_name), code=code)


def my_unit(client, code: str, username: str = "leder") -> str:
    return page(client, username, reverse("units:my-unit") + f"?unit={unit(code).pk}")


# --- the front page: I dag, and the tense -------------------------------------------------------


def test_front_page_before_et_sof(demo, client, on_date):
    on_date(BEFORE)
    home = page(client, "leder", reverse("units:home"))
    assert ("I dag: Socialforvaltningen › Borgercenter Voksne › Center for Misbrugsbehandling · "
            f"{SOF_2024} Udmeldt") in home
    assert ("Fra 1. januar 2025 bliver Center for Misbrugsbehandling til Center for "
            "Rusmiddelbehandling under Socialforvaltningen.") in home
    assert "Siden 1. januar 2025" not in home
    assert f"Gældende: {SOF_2024}" in home


def test_front_page_after_et_sof(demo, client, on_date):
    for day in (AFTER, ISSUE_DAY):
        on_date(day)
        home = page(client, "leder", reverse("units:home"))
        assert f"I dag: Socialforvaltningen › Center for Rusmiddelbehandling · {ET_SOF} " \
               "Udmeldt" in home
        assert ("I dag: Socialforvaltningen › Center for Aktivitet, Beskæftigelse og Støtte i "
                f"Egen Bolig · {ET_SOF} Udmeldt") in home
        assert "I dag: Socialforvaltningen › Borgercenter Voksne" not in home
        assert ("Siden 1. januar 2025 er Center for Misbrugsbehandling blevet til Center for "
                "Rusmiddelbehandling under Socialforvaltningen.") in home
        assert "Fra 1. januar 2025" not in home
        assert f"Gældende: {ET_SOF}" in home


# --- the answer ----------------------------------------------------------------------------------


def test_merger_names_the_other_units_in_both_tenses(demo, client, on_date):
    on_date(BEFORE)
    answer = my_unit(client, "SOF-3200")
    assert ("Fra 1. januar 2025 lægges Center for Hjemløse sammen med en del af Center for "
            "Bostøtte og Udslusning og en del af Center for Udsatte Voksne til Center for "
            "Midlertidige og Selvstændige Boformer under Socialforvaltningen.") in answer
    assert "andre enheder" not in answer
    on_date(ISSUE_DAY)
    answer = my_unit(client, "SOF-3200")
    assert ("Siden 1. januar 2025 er Center for Hjemløse lagt sammen med en del af Center for "
            "Bostøtte og Udslusning og en del af Center for Udsatte Voksne til Center for "
            "Midlertidige og Selvstændige Boformer under Socialforvaltningen.") in answer


def test_new_and_current_leader_and_the_two_kinds_of_place(demo, client, on_date):
    on_date(BEFORE)
    # Center for Autisme og Bostøtte (Dorte Hvidberg) goes into CABSEB, led by Vagn Bonde.
    answer = my_unit(client, "SOF-4200")
    assert ("Fra 1. januar 2025 lægges Center for Autisme og Bostøtte sammen med en del af "
            "Center for Bostøtte og Udslusning og Center for Beskæftigelse og Aktivitet til "
            "Center for Aktivitet, Beskæftigelse og Støtte i Egen Bolig under "
            "Socialforvaltningen.") in answer
    assert "Ny leder Centerchef Vagn Bonde" in answer
    assert ("Placering i organisationen Socialforvaltningen › Center for Aktivitet, "
            "Beskæftigelse og Støtte i Egen Bolig") in answer
    # Center for Misbrugsbehandling is renamed and moved; Pernille Brix goes on leading it.
    answer = my_unit(client, "SOF-3400")
    assert "Nuværende leder" in answer and "Pernille Brix" in answer
    assert "Ny leder" not in answer
    assert "Placering i organisationen Socialforvaltningen › Center for Rusmiddelbehandling" \
        in answer


def test_closed_unit_tells_where_each_sub_unit_goes(demo, client, on_date):
    on_date(BEFORE)
    answer = my_unit(client, "SOF-3000")
    assert ("Fra 1. januar 2025 nedlægges Borgercenter Voksne, men dens underenheder "
            "videreføres:") in answer
    assert "har ingen efterfølger" not in answer
    assert ("Center for Hjemløse går til Center for Midlertidige og Selvstændige Boformer under "
            "Socialforvaltningen.") in answer
    assert ("Center for Misbrugsbehandling går til Center for Rusmiddelbehandling under "
            "Socialforvaltningen.") in answer
    assert ("Center for Udsatte Voksne går til Center for Midlertidige og Selvstændige Boformer "
            "under Socialforvaltningen (45 %) og Center for Længerevarende Boformer under "
            "Socialforvaltningen (55 %).") in answer
    on_date(ISSUE_DAY)
    answer = my_unit(client, "SOF-3000")
    assert ("Siden 1. januar 2025 er Borgercenter Voksne nedlagt, men dens underenheder er "
            "videreført:") in answer
    assert ("Center for Hjemløse er gået til Center for Midlertidige og Selvstændige Boformer "
            "under Socialforvaltningen.") in answer
    assert f"I dag: Borgercenter Voksne er nedlagt · {ET_SOF}" in answer
    unit_page = page(client, "leder", unit("SOF-3000").get_absolute_url())
    assert "Underenhederne videreføres" in unit_page
    assert "Ingen efterfølger" not in unit_page


# --- superseded structures -----------------------------------------------------------------------


def test_superseded_structure_says_what_replaced_it(demo, client, on_date):
    old = structure(SOF_2024)
    new = structure(ET_SOF)
    on_date(BEFORE)
    chart = page(client, "laeser", reverse("units:structure-detail", args=[old.pk]))
    assert "Afløst af" not in chart
    on_date(AFTER)
    client.force_login(get_user_model().objects.get(username="laeser"))
    html = client.get(reverse("units:structure-detail", args=[old.pk])).content.decode()
    assert f'Afløst af <a href="{new.get_absolute_url()}">{ET_SOF}</a> pr. 1. januar 2025.' \
        in html
    organisation = Organisation.objects.get(name=KOBENHAVN)
    overview = page(client, "laeser", organisation.get_absolute_url())
    assert f"{SOF_2024} Afløst af {ET_SOF} pr. 1. januar 2025" in overview
    # The structure in force is not superseded.
    assert "Afløst af" not in page(client, "laeser",
                                   reverse("units:structure-detail", args=[new.pk]))


# --- the plan: Forsinket and the Gantt's today ---------------------------------------------------


def test_late_deliverables_say_forsinket(demo, client, on_date):
    organisation = Organisation.objects.get(name=KOBENHAVN)
    url = reverse("timeline:gantt", args=[organisation.pk])
    late = "Centrenes målbilleder og resultatplaner 1. april 2025 – 31. december 2025 · I gang " \
           "· 60 % · Forsinket"
    on_date(datetime.date(2025, 6, 1))
    gantt = page(client, "laeser", url)
    assert "Forsinket" not in gantt
    assert "Den røde linje er i dag (d. 1. juni 2025)." in gantt
    on_date(ISSUE_DAY)
    gantt = page(client, "laeser", url)
    assert late in gantt
    # Done deliverables are never late.
    assert "Overordnet målbillede for Ét SOF 1. januar 2025 – 28. februar 2025 · Gennemført " \
           "· 100 % ·" not in gantt
    assert gantt.count("Forsinket") == Deliverable.objects.filter(
        workstream__organisation=organisation, end__lt=ISSUE_DAY,
        status__in=["planned", "active", "postponed"]).count()


def test_gantt_says_where_today_lies_outside_the_plan(demo, client, on_date):
    organisation = Organisation.objects.get(name=KOBENHAVN)
    url = reverse("timeline:gantt", args=[organisation.pk])
    on_date(ISSUE_DAY)
    gantt = page(client, "laeser", url)
    assert "Fra 1. oktober 2024 til 1. januar 2026." in gantt
    assert "I dag (d. 1. december 2026) ligger efter planens periode." in gantt
    assert "tl-today-line" not in client.get(url).content.decode()
    on_date(datetime.date(2024, 6, 1))
    gantt = page(client, "laeser", url)
    assert "I dag (d. 1. juni 2024) ligger før planens periode." in gantt
    assert "tl-today-line" not in client.get(url).content.decode()
    on_date(datetime.date(2025, 6, 1))
    assert "ligger før" not in page(client, "laeser", url)
    assert "tl-today-line" in client.get(url).content.decode()
