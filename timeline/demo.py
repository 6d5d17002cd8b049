"""Demo data of the timeline app, loaded by `manage.py loaddemo` after the structures exist.
Must be idempotent: running it twice creates nothing new.

The dates, fora and steps come from the seed documents: Aarhus Sundhed og Omsorg's tids- og
handleplan (2020-2022), Københavns Socialforvaltning's move to Ét SOF (2024-2025) with the
six workstreams of its hovedtidsplan, and Norddjurs' split of the social area (2022-2023).
Ét SOF's deliverables and their dates are not given in the seed (only the workstreams are);
they are an illustration built from what the minutes say, and say so.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from orgreg import clock
from units import lifecycle
from units import services as unit_services
from units.models import Organisation, Structure

from . import services
from .models import Deliverable, DeliverableStatus, Kind, Milestone, MilestoneStatus, Workstream

AARHUS = "Aarhus Kommune, Sundhed og Omsorg"
KOBENHAVN = "Københavns Kommune, Socialforvaltningen"
NORDDJURS = "Norddjurs Kommune, Socialområdet"

D = datetime.date
DECISION, MED, HEARING, COMM, HIRING, EFFECTIVE, EVALUATION, OTHER = (
    Kind.DECISION, Kind.MED, Kind.HEARING, Kind.COMMUNICATION, Kind.HIRING, Kind.EFFECTIVE,
    Kind.EVALUATION, Kind.OTHER,
)

# (date, end date, forum, kind, title, description) - seed 004, "Tids- og handleplan".
AARHUS_PLAN = [
    (D(2020, 7, 17), None, "Rådmand og direktør", COMM, "Pressemeddelelse om forestående ændringer",
     "Rådmand og direktør udsender pressemeddelelse om forestående ændringer i Sundhed og "
     "Omsorg."),
    (D(2020, 7, 17), D(2020, 7, 31), "Chefteamet", OTHER, "Chefteamet drøfter organisationsændring",
     ""),
    (D(2020, 7, 31), None, "Kommunikation", COMM,
     "Chefteamets 5 minutter: ny organisering planlægges",
     "Information til ledere og medarbejdere i Sundhed og Omsorg om, at der planlægges en ny "
     "organisering."),
    (D(2020, 8, 4), None, "Områdechefmøde", COMM, "Områdecheferne præsenteres for planerne", ""),
    (D(2020, 8, 11), None, "Strategisk Møde", COMM, "Områdedirektioner og kontorchefer orienteres",
     "Nye muligheder og opmærksomheder drøftes i workshops."),
    (D(2020, 8, 14), None, "Rådmandsmøde", DECISION, "Forslag til byrådsindstilling godkendes",
     "Rådmand og chefteam drøfter og godkender forslag til byrådsindstilling, som sendes i "
     "høring. Chefteamet drøfter ny områdeinddeling, tids- og handleplan samt "
     "»Hovedprincipper og personalemæssige retningslinjer«."),
    (D(2020, 8, 14), None, "Ældrerådet, HMU og Handicaprådet", HEARING, "Høringsproces indledes",
     "Ældrerådets, Hoved-MED-udvalgets og Handicaprådets høringssvar vedlægges "
     "byrådsindstillingen."),
    (D(2020, 8, 19), None, "Sundheds- og Omsorgsudvalget", COMM,
     "Udvalget orienteres om høring af byrådsindstilling", ""),
    (D(2020, 8, 20), None, "HMU", MED, "Ekstraordinært HMU-møde om organisationsændringen",
     "HMU drøfter og kvalificerer tids- og handleplan samt »Hovedprincipper og personalemæssige "
     "retningslinjer« (medindflydelse). Der nedsættes en HMU-følgegruppe for ny MED-struktur."),
    (D(2020, 8, 21), D(2020, 8, 29), "LMU", MED, "Områdechefer orienterer deres MED-udvalg", ""),
    (D(2020, 8, 25), None, "Handicaprådet", HEARING, "Handicaprådet drøfter ny organisering", ""),
    (D(2020, 8, 25), None, "Ældrerådet", HEARING, "Ældrerådet drøfter ny organisering", ""),
    (D(2020, 8, 28), None, "HMU Følgegruppe", MED, "Følgegruppens roller, opgaver og tidsplan", ""),
    (D(2020, 9, 2), None, "Sundheds- og Omsorgsudvalget", DECISION,
     "Proces for ny organisering sættes i bero",
     "Drøftelse af rapport fra eksternt konsulentfirma (Implement). Udvalget går i gang med "
     "sine anbefalinger til Sundhed og Omsorg."),
    (D(2020, 9, 23), None, "Sundheds- og Omsorgsudvalget", DECISION,
     "Udvalgets ni anbefalinger til genskabelse af tilliden til ældreplejen", ""),
    (D(2020, 10, 1), None, "HMU", MED, "HMU orienteres om udvalgets anbefalinger", ""),
    (D(2020, 10, 2), None, "Kommunikation", COMM,
     "Chefteamets kommunikation om status og videre forløb",
     ""),
    (D(2020, 10, 8), None, "HMU", MED, "Første behandling af revideret tidsplan",
     "Opsummering ift. »Hovedprincipper og retningslinjer« og orientering om ny høringsrunde."),
    (D(2020, 10, 9), D(2020, 11, 9), "Stabsmedarbejdere", OTHER,
     "Gruppeinterviews med berørte stabsmedarbejdere",
     "Cirka 20 gruppeinterviews om placering af funktioner i de fremtidige stabe."),
    (D(2020, 10, 19), D(2020, 11, 12), "Faglige organisationer", OTHER,
     "Møder med faglige organisationer",
     "Klassificering af chefstillinger, stillingsbeskrivelser, tidsplaner, proces for "
     "besættelse af stillinger samt flytning af medarbejdere."),
    (D(2020, 10, 28), None, "Sundheds- og Omsorgsudvalget", DECISION,
     "Udvalget godkender, at indstillingen sendes i høring", ""),
    (D(2020, 10, 30), D(2020, 11, 16), "Ældrerådet, HMU, LMU og Handicaprådet", HEARING,
     "Ny høringsproces, også på Høringsportalen",
     "Reviderede høringssvar vedlægges byrådsindstillingen sammen med alle svar fra "
     "Høringsportalen."),
    (D(2020, 11, 5), None, "HMU", MED,
     "Tids- og handleplan og første gennemgang af høringsmateriale",
     ""),
    (D(2020, 11, 16), None, "HMU", MED, "HMU's høringssvar og ny MED-struktur",
     "Muligheds- og risikovurdering fra HAU; høringssvar (medbestemmelse); stillingsbeskrivelser "
     "(medindflydelse); indledende drøftelse af ny MED-struktur."),
    (D(2020, 11, 16), None, "Ældrerådet, Handicaprådet og HMU", HEARING, "Frist for høringssvar",
     "Svar fra Høringsportalen samles."),
    (D(2020, 11, 19), None, "Magistraten", DECISION, "Byrådsindstilling sendes",
     "Indsendelse af byrådsindstilling via Magistraten."),
    (D(2020, 11, 30), None, "Magistraten", DECISION, "Magistraten behandler indstillingen", ""),
    (D(2020, 12, 2), None, "Byrådet", DECISION, "Byrådets 1. behandling", ""),
    (D(2020, 12, 9), None, "Sundheds- og Omsorgsudvalget", DECISION,
     "Udvalgsbehandling med udvalgserklæring og foretræde", ""),
    (D(2020, 12, 16), None, "FMU", MED, "FMU orienteres om kommende MED-struktur", ""),
    (D(2020, 12, 16), None, "Byrådet", DECISION, "Byrådets 2. behandling og beslutning",
     "Beslutning om ny organisering i Sundhed og Omsorg."),
    (D(2020, 12, 17), None, "HMU", MED, "HMU godkender indstilling om ny MED-struktur til FMU", ""),
    (D(2020, 12, 18), None, "Rådmandsmøde", DECISION, "Opfølgende beslutninger efter byrådet",
     "Ny geografisk inddeling i Nord, Midt og Syd; opgavefordeling hjemmepleje og "
     "sundhedsenheder; ledelsesstruktur; stillingsbeskrivelser; placering af administrative "
     "funktioner og stabsfunktioner."),
    (D(2020, 12, 18), None, "Kommunikation", COMM, "Direktionerne informeres om beslutningerne",
     "Direktionerne orienterer lederne, som orienterer medarbejderne; områdecheferne orienterer "
     "de lokale MED-udvalg."),
    (D(2020, 12, 18), None, "Stillingsopslag", HIRING, "Forvaltnings- og driftschefer slås op",
     "Ledere af administration og stabsledere besættes ved interessetilkendegivelse."),
    (D(2021, 1, 4), None, "Ansøgningsfrist interne", HIRING, "Frist for interne ansøgere", ""),
    (D(2021, 1, 4), D(2021, 1, 29), "FMU", MED, "Ekstraordinært FMU godkender ny MED-struktur",
     "Ny MED-struktur gældende fra 1. april 2021."),
    (D(2021, 1, 10), None, "Ansøgningsfrist", HIRING, "Frist for eksterne ansøgere", ""),
    (D(2021, 1, 12), D(2021, 2, 4), "Proces for besættelse af chef- og lederstillinger", HIRING,
     "Samtaler med kandidater", ""),
    (D(2021, 2, 5), None, "Besættelse af chef- og lederstillinger", HIRING,
     "Chef- og lederstillinger afklaret", ""),
    (D(2021, 2, 8), None, "Magistraten", DECISION,
     "Magistraten godkender tre forvaltningschefer", ""),
    (D(2021, 2, 8), None, "Sundhed og Omsorg", COMM, "Chef- og lederstillinger offentliggøres", ""),
    (D(2021, 2, 8), None, "Medarbejdere i sundhedsenheder og hjemmepleje", HIRING,
     "Interessetilkendegivelse blandt medarbejdere",
     "På baggrund af ny geografi og opgavefordeling pr. 1. april 2021."),
    (D(2021, 2, 10), None, "Sundheds- og Omsorgsudvalget", COMM,
     "Status til udvalget om ansættelser",
     ""),
    (D(2021, 4, 1), None, "", EFFECTIVE, "Ny organisering – første step er på plads",
     "Tre distrikter: Nord, Midt og Syd. Forvaltningschefer, driftschefer, administrative "
     "ledere og stabsledere tiltræder. Berørte medarbejdere er flyttet ift. deres nye "
     "reference."),
    (D(2021, 4, 1), D(2021, 9, 30), "Erfaringsopsamling", EVALUATION,
     "Erfaringsopsamling og evaluering før næste skridt",
     "Evaluering og forberedelse til næste skridt ift. opgaver i hjemmeplejen."),
    (D(2021, 9, 24), None, "Chefteamet", DECISION, "Beslutning om sidste skridt",
     "Opgaver i fremtidens hjemmepleje og evt. ansættelse af medarbejdere fra "
     "sundhedsenhederne."),
    (D(2021, 9, 27), D(2021, 10, 14), "Medarbejdere i sundhedsenhederne", HIRING,
     "Afklaring af skift fra sundhedsenhed til hjemmepleje", ""),
    (D(2021, 10, 15), D(2021, 12, 17), "Administrative styresystemer", OTHER,
     "Flytning af medarbejdere i systemerne", ""),
    (D(2022, 1, 1), None, "", EFFECTIVE, "Ny organisering – sidste step er på plads",
     "Ressourcer i hjemmeplejen på plads: skift af reference for medarbejdere fra "
     "sundhedsenhed til hjemmepleje."),
]

# Seeds 000 and 001.
KOBENHAVN_PLAN = [
    (D(2024, 10, 9), None, "Socialudvalget", COMM, "Socialudvalget orienteres om 10 centre",
     "Pr. 1. januar 2025 organiseret i 10 centre: 6 driftscentre og 4 administrative centre."),
    (D(2024, 11, 8), None, "HovedMED", MED, "Materiale om underorganisering sendt til HovedMED",
     ""),
    (D(2024, 11, 13), None, "HovedMED", MED, "HovedMED drøfter underorganiseringen af driftscentre",
     "Organisationsdiagrammer for alle driftscentre. Spørgsmålene danner baggrund for et Q&A."),
    (D(2024, 11, 14), None, "Ledelsen", HIRING,
     "Administrative medarbejdere får besked om fremtidigt center og enhed", ""),
    (D(2024, 11, 19), None, "Intra", COMM, "Underorganiseringen udmeldes på Intra",
     "Fortroligheden ophører. Materialet sendes først ud i ledelseslinjen."),
    (D(2024, 12, 31), None, "", OTHER, "De tre borgercentre nedlægges med udgangen af 2024", ""),
    (D(2025, 1, 1), None, "", EFFECTIVE, "Ét SOF: 10 centre træder i kraft", ""),
    (D(2025, 1, 1), D(2025, 12, 31), "Direktionen", OTHER, "Implementeringsår",
     "Hele 2025 er et implementeringsår med fokus på sikker drift i overgangsperioden."),
    (D(2025, 2, 28), None, "Socialudvalget", MED,
     "Budgetseminar med medarbejdersiden i HovedMED (budget 2026)", ""),
    (D(2025, 3, 31), None, "HovedMED", MED, "HovedMED drøfter koncept for centrenes målbilleder",
     ""),
]

ILLUSTRATIVE = ("Datoer og fremdrift er en illustration: hovedtidsplanen (bilag 2.1) er ikke "
                "gengivet i kildematerialet.")

# (workstream, [(title, start, end, status, progress)]) - the six indsatsområder of seed 001.
KOBENHAVN_WORKSTREAMS = [
    ("Ét SOF: Formål, mål og resultater", [
        ("Overordnet målbillede for Ét SOF", D(2025, 1, 1), D(2025, 2, 28), "done", 100),
        ("Koncept for centerspecifikke målbilleder", D(2025, 2, 1), D(2025, 3, 31), "done", 100),
        ("Centrenes målbilleder og resultatplaner", D(2025, 4, 1), D(2025, 12, 31), "active", 60),
        ("Løbende evaluering og læring", D(2025, 1, 1), D(2025, 12, 31), "active", 50),
    ]),
    ("Ny organisering og opgavevaretagelse i Ét SOF", [
        ("Underorganisering af driftscentre", D(2024, 10, 9), D(2024, 11, 19), "done", 100),
        ("Centerteams, der understøtter centerledelserne", D(2024, 11, 19), D(2025, 6, 30),
         "active", 80),
        ("Ny MED-aftale (OvergangsMED indtil da)", D(2025, 1, 1), D(2025, 12, 31), "active", 40),
    ]),
    ("SOF flytter fysisk og digitalt til et nyt SOF", [
        ("Udmelding om fysisk flytning", D(2024, 11, 19), D(2025, 1, 31), "done", 100),
        ("Samling af myndighedsområderne", D(2025, 1, 1), D(2025, 6, 30), "active", 70),
        ("Mere ensartet fysisk arbejdsmiljø på administrative arbejdspladser", D(2025, 3, 1),
         D(2025, 12, 31), "planned", 20),
    ]),
    ("Styring og arbejdsgange", [
        ("Ny arbejdsdeling i direktionen", D(2025, 1, 1), D(2025, 3, 31), "done", 100),
        ("Budgetkatalog for budget 2026", D(2025, 1, 1), D(2025, 2, 28), "done", 100),
    ]),
    ("Kompetenceudvikling", [
        ("Kompetenceudvikling i de nye centre", D(2025, 2, 1), D(2025, 12, 31), "active", 30),
    ]),
    ("Effektivisering/måltal", [
        ("Administrativ besparelse: måltal", D(2025, 1, 1), D(2025, 12, 31), "active", 45),
    ]),
]

# Seed 002.
NORDDJURS_PLAN = [
    (D(2022, 5, 24), None, "Kommunalbestyrelsen", DECISION,
     "Beslutning om at undersøge Socialområdet",
     "Tilgang til borgere og pårørende, ledelseskultur og arbejdsmiljø, herunder rammer for "
     "ledelse."),
    (D(2022, 11, 9), None, "Hovedudvalget", MED, "Hovedudvalget drøfter Komponents anbefalinger",
     "Dialog om anbefalingerne og forslaget om en tilpasning af organiseringen."),
    (D(2022, 11, 9), None, "Områdeudvalget for Socialområdet", MED,
     "Ekstraordinært møde i Områdeudvalget", ""),
    (D(2022, 11, 15), None, "Kommunalbestyrelsen", DECISION,
     "Undersøgelse og tiltag godkendt",
     "Godkendt, idet der gennemføres et særskilt forløb for de berørte medarbejdere på "
     "administrationsområdet med fortsat respekt for MED."),
    (D(2022, 12, 1), None, "Hovedudvalget", MED, "Afrapporteringen på Hovedudvalgets dagsorden",
     ""),
    (D(2022, 12, 13), None, "Områdeudvalget for Socialområdet", MED,
     "Dialog om afrapporteringen og proceslinje",
     "Udvalget vil se ved blandt andet proceslinje, hvor langt processen er, og evaluere "
     "undervejs."),
    (D(2023, 1, 1), None, "", EFFECTIVE, "Socialområdet deles i to chefområder",
     "Konstitueret socialchef fortsætter som henholdsvis konstitueret børne- og familiechef og "
     "konstitueret socialchef."),
    (D(2023, 1, 1), D(2024, 12, 31), "Politisk styregruppe", EVALUATION,
     "Politisk styregruppe følger implementeringen",
     "Møde mellem styregruppen og forvaltningen to gange om året i 2023 og 2024."),
]


def _organisation(name: str, user) -> Organisation:
    found = Organisation.objects.filter(name=name).first()
    return found or unit_services.create_organisation(name=name, user=user)


def _structure_on(organisation: Organisation, date: datetime.date) -> Structure | None:
    return (Structure.objects.filter(organisation=organisation, effective_date=date,
                                     status__in=lifecycle.IN_FORCE).first())


def _load_plan(organisation: Organisation, steps, user, today: datetime.date) -> int:
    existing = set(Milestone.objects.filter(organisation=organisation)
                   .values_list("date", "title"))
    created = 0
    for date, end_date, forum, kind, title, description in steps:
        if (date, title) in existing:
            continue
        structure = _structure_on(organisation, date) if kind == EFFECTIVE else None
        services.create_milestone(
            organisation, title=title, date=date, end_date=end_date, forum=forum, kind=kind,
            description=description, structure=structure, user=user,
            status=MilestoneStatus.DONE if (end_date or date) <= today
            else MilestoneStatus.PLANNED,
            reason="Demodata fra tidsplanen i kildematerialet.",
        )
        created += 1
    return created


def _load_workstreams(organisation: Organisation, user) -> int:
    created = 0
    for name, deliverables in KOBENHAVN_WORKSTREAMS:
        ws = (Workstream.objects.filter(organisation=organisation, name=name).first()
              or services.create_workstream(organisation, name=name, user=user,
                                            reason="Demodata: hovedtidsplanen for Ét SOF."))
        titles = set(Deliverable.objects.filter(workstream=ws).values_list("title", flat=True))
        for title, start, end, status, progress in deliverables:
            if title in titles:
                continue
            services.create_deliverable(ws, title=title, start=start, end=end,
                                        status=DeliverableStatus(status), progress=progress,
                                        description=ILLUSTRATIVE, user=user,
                                        reason="Demodata: hovedtidsplanen for Ét SOF.")
            created += 1
    return created


@transaction.atomic
def load(*, user, stdout=None) -> None:
    """The three plans; what exists (same organisation, date and title) is left alone."""

    today = clock.today()
    counts = {}
    for name, steps in ((AARHUS, AARHUS_PLAN), (KOBENHAVN, KOBENHAVN_PLAN),
                        (NORDDJURS, NORDDJURS_PLAN)):
        counts[name] = _load_plan(_organisation(name, user), steps, user, today)
    deliverables = _load_workstreams(_organisation(KOBENHAVN, user), user)
    if stdout is not None:
        total = sum(counts.values())
        if total or deliverables:
            stdout.write(f"Tidsplaner: {total} milepæle og {deliverables} leverancer oprettet.")
        else:
            stdout.write("Tidsplaner: fandtes allerede.")
