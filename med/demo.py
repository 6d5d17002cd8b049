"""Demo data of the med app, loaded by `manage.py loaddemo` after the structures exist.

Drawn from the seed documents: København's Socialforvaltningen with its HovedMED, the
OvergangsMED of Ét SOF (two levels, HovedMED and LokalMED, until a new MED agreement) and the
HovedMED meetings of 13 November 2024 and spring 2025 (seeds 000, 001); Aarhus Sundhed og
Omsorg with FMU, HMU, HAU, the HMU Følgegruppe, the LMUs, the consultation of Ældrerådet, HMU
and Handicaprådet with its deadline of 16 November 2020 and the new MED structure from
1 April 2021 (seed 004); Norddjurs' Hovedudvalget and Områdeudvalget for Socialområdet (seed
002). Every person's name is invented.

Structures are looked up by organisation and structure name; what is not there is skipped
quietly. Idempotent: what exists (matched by its natural key) is left alone, so running it
twice creates nothing new. Everything is written through med.services.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from units.models import Structure, Unit

from . import services
from .models import AgendaItem, Consultation, MedBody, Meeting, Membership

D = datetime.date

KBH = "Københavns Kommune, Socialforvaltningen"
KBH_2024 = "Socialforvaltningen 2024 – tre borgercentre"
KBH_2025 = "Ét SOF – ny organisering pr. 1. januar 2025"
AAR = "Aarhus Kommune, Sundhed og Omsorg"
AAR_2020 = "Sundhed og Omsorg 2020 – syv områder"
AAR_2021 = "Ny organisering, første step pr. 1. april 2021"
NDJ = "Norddjurs Kommune, Socialområdet"
NDJ_2022 = "Socialområdet 2022"
NDJ_2023 = "Socialområdet i to fagchefområder pr. 1. januar 2023"

DEMO_MED_USER = "med"

# Bodies: key, structure, name, level, valid_from, valid_to, parent key, unit codes,
# transitional, description.
BODIES: list[dict[str, Any]] = [
    # København, before Ét SOF.
    dict(key="kbh-hmed", org=KBH, structure=KBH_2024, name="HovedMED", level="hoved",
         valid_from=D(2024, 1, 1), valid_to=D(2024, 12, 31), units=["SOF-1000"],
         description="Socialforvaltningens hovedudvalg indtil Ét SOF."),
    *[
        dict(key=f"kbh-{code}", org=KBH, structure=KBH_2024, name=f"CenterMED {name}",
             level="omraade", valid_from=D(2024, 1, 1), valid_to=D(2024, 12, 31),
             parent="kbh-hmed", units=[code])
        for code, name in [("SOF-2000", "Borgercenter Børn og Unge"),
                           ("SOF-3000", "Borgercenter Voksne"),
                           ("SOF-4000", "Borgercenter Handicap")]
    ],
    dict(key="kbh-adm", org=KBH, structure=KBH_2024, name="LokalMED Fælles administration",
         level="lokal", valid_from=D(2024, 1, 1), valid_to=D(2024, 12, 31), parent="kbh-hmed",
         units=["SOF-1100", "SOF-1200"]),
    # København, Ét SOF: the OvergangsMED with its two levels until a new MED agreement.
    dict(key="kbh-ovg", org=KBH, structure=KBH_2025, name="HovedMED (OvergangsMED)",
         level="hoved", valid_from=D(2025, 1, 1), units=["SOF-1000"], transitional=True,
         description="Indtil der er indgået en ny MED-aftale, er der i OvergangsMED to "
                     "niveauer: HovedMED og LokalMED. MED-behandling af tværgående tiltag "
                     "foregår i HovedMED, inden de igangsættes."),
    *[
        dict(key=f"kbh-ovg-{code}", org=KBH, structure=KBH_2025, name=f"LokalMED {name}",
             level="lokal", valid_from=D(2025, 1, 1), parent="kbh-ovg", units=[code],
             transitional=True)
        for code, name in [("SOF-5100", "Din Sociale Indgang"),
                           ("SOF-5200", "Center for Børn og Unge"),
                           ("SOF-5300",
                            "Center for Aktivitet, Beskæftigelse og Støtte i Egen Bolig"),
                           ("SOF-5400", "Center for Midlertidige og Selvstændige Boformer"),
                           ("SOF-5500", "Center for Længerevarende Boformer"),
                           ("SOF-3400", "Center for Rusmiddelbehandling")]
    ],
    # Aarhus, the seven areas.
    dict(key="aar-fmu", org=AAR, structure=AAR_2020, name="FMU", level="andet",
         valid_from=D(2020, 1, 1),
         description="Fælles MED-udvalg for Aarhus Kommune; godkender ny MED-struktur."),
    dict(key="aar-hmu", org=AAR, structure=AAR_2020, name="HMU", level="hoved", parent="aar-fmu",
         valid_from=D(2020, 1, 1), valid_to=D(2021, 3, 31), units=["MSO-0000"],
         description="Hoved-MED-udvalget i Sundhed og Omsorg."),
    dict(key="aar-hau", org=AAR, structure=AAR_2020, name="HAU", level="andet", parent="aar-hmu",
         valid_from=D(2020, 1, 1), valid_to=D(2021, 3, 31),
         description="Hovedarbejdsmiljøudvalget; står for muligheds- og risikovurderingen."),
    dict(key="aar-fg", org=AAR, structure=AAR_2020, name="HMU Følgegruppe", level="foelgegruppe",
         parent="aar-hmu", valid_from=D(2020, 8, 20), valid_to=D(2021, 3, 31), transitional=True,
         description="Nedsat af HMU 20. august 2020: kommunikation til og samarbejde med de "
                     "lokale MED-udvalg og forslag til ny MED-struktur."),
    *[
        dict(key=f"aar-{code}", org=AAR, structure=AAR_2020, name=f"LMU {name}", level="lokal",
             parent="aar-hmu", valid_from=D(2020, 1, 1), valid_to=D(2021, 3, 31), units=[code])
        for code, name in [("MSO-1000", "Nord"), ("MSO-2000", "Christiansbjerg"),
                           ("MSO-3000", "Vest"), ("MSO-4000", "Midt"),
                           ("MSO-5000", "Marselisborg"), ("MSO-6000", "Viby-Højbjerg"),
                           ("MSO-7000", "Syd")]
    ],
    # Aarhus, the new MED structure from 1 April 2021.
    dict(key="aar-hmu21", org=AAR, structure=AAR_2021, name="HMU Sundhed og Omsorg",
         level="hoved", parent="aar-fmu", valid_from=D(2021, 4, 1), units=["MSO-0000"],
         description="Ny MED-struktur gældende fra 1. april 2021, godkendt af FMU."),
    *[
        dict(key=f"aar21-{code}", org=AAR, structure=AAR_2021, name=f"LMU {name}",
             level="lokal", parent="aar-hmu21", valid_from=D(2021, 4, 1), units=[code])
        for code, name in [("MSO-8000", "Sundhed"), ("MSO-9000", "Hjemmeplejen"),
                           ("MSO-9500", "Plejehjem"), ("MSO-8500", "Civilsamfund og Samskabelse")]
    ],
    # Norddjurs.
    dict(key="ndj-hu", org=NDJ, structure=NDJ_2022, name="Hovedudvalget", level="hoved",
         valid_from=D(2022, 1, 1), units=["NDK-500"]),
    dict(key="ndj-ou", org=NDJ, structure=NDJ_2022, name="Områdeudvalget for Socialområdet",
         level="omraade", parent="ndj-hu", valid_from=D(2022, 1, 1), units=["NDK-500"],
         description="Socialområdet er fast punkt på dagsordenen i den videre udvikling."),
]

# Members: body key, name, side, role, union, valid_from; "user" links the demo MED user.
MEMBERS: list[dict[str, Any]] = [
    dict(body="kbh-hmed", name="Mette Skovgaard", side="ledelse", role="formand",
         valid_from=D(2024, 1, 1), valid_to=D(2024, 12, 31)),
    dict(body="kbh-hmed", name="Anders Kjærgaard", side="medarbejder", role="naestformand",
         union="HK Kommunal", valid_from=D(2024, 1, 1), valid_to=D(2024, 12, 31)),
    dict(body="kbh-hmed", name="Birgitte Holm", side="medarbejder", role="ftr",
         union="Socialpædagogerne", valid_from=D(2024, 1, 1), valid_to=D(2024, 12, 31),
         user=True),
    dict(body="kbh-hmed", name="Jonas Vestergaard", side="ledelse", role="sekretaer",
         valid_from=D(2024, 1, 1), valid_to=D(2024, 12, 31)),
    dict(body="kbh-ovg", name="Mette Skovgaard", side="ledelse", role="formand",
         valid_from=D(2025, 1, 1)),
    dict(body="kbh-ovg", name="Anders Kjærgaard", side="medarbejder", role="naestformand",
         union="HK Kommunal", valid_from=D(2025, 1, 1)),
    dict(body="kbh-ovg", name="Birgitte Holm", side="medarbejder", role="ftr",
         union="Socialpædagogerne", valid_from=D(2025, 1, 1), user=True),
    dict(body="kbh-ovg", name="Rasmus Lindholm", side="ledelse", role="medlem",
         valid_from=D(2025, 1, 1)),
    dict(body="kbh-ovg", name="Sofie Dalsgaard", side="medarbejder", role="amr",
         union="FOA", valid_from=D(2025, 1, 1)),
    dict(body="aar-hmu", name="Henrik Bjerre", side="ledelse", role="formand",
         valid_from=D(2020, 1, 1), valid_to=D(2021, 3, 31)),
    dict(body="aar-hmu", name="Lene Mørch", side="medarbejder", role="naestformand",
         union="FOA", valid_from=D(2020, 1, 1), valid_to=D(2021, 3, 31)),
    dict(body="aar-hmu", name="Pia Thygesen", side="medarbejder", role="ftr",
         union="Dansk Sygeplejeråd", valid_from=D(2020, 1, 1), valid_to=D(2021, 3, 31)),
    dict(body="aar-fg", name="Lene Mørch", side="medarbejder", role="medlem", union="FOA",
         valid_from=D(2020, 8, 20), valid_to=D(2021, 3, 31)),
    dict(body="aar-fg", name="Karsten Ravn", side="ledelse", role="medlem",
         valid_from=D(2020, 8, 20), valid_to=D(2021, 3, 31)),
    dict(body="aar-hmu21", name="Henrik Bjerre", side="ledelse", role="formand",
         valid_from=D(2021, 4, 1)),
    dict(body="aar-hmu21", name="Lene Mørch", side="medarbejder", role="naestformand",
         union="FOA", valid_from=D(2021, 4, 1)),
    dict(body="ndj-hu", name="Torben Aagaard", side="ledelse", role="formand",
         valid_from=D(2022, 1, 1)),
    dict(body="ndj-hu", name="Helle Brandt", side="medarbejder", role="naestformand",
         union="FOA", valid_from=D(2022, 1, 1)),
    dict(body="ndj-ou", name="Marianne Kold", side="ledelse", role="formand",
         valid_from=D(2022, 1, 1)),
    dict(body="ndj-ou", name="Jesper Ulstrup", side="medarbejder", role="naestformand",
         union="Socialpædagogerne", valid_from=D(2022, 1, 1)),
]

# Meetings: body key, start, place, title, agenda sent (pins the structures), items of
# (title, treatment, structure name or None, minutes).
MEETINGS: list[dict[str, Any]] = [
    dict(body="kbh-hmed", starts_at=(2024, 11, 13, 13, 0), place="Bernstorffsgade 17",
         title="HovedMED 13. november 2024", sent=(2024, 11, 8, 12, 0), items=[
             ("Godkendelse af dagsorden", "orientering", None, "Dagsordenen blev godkendt."),
             ("Underorganisering af alle driftscentre pr. 1. januar 2025", "droeftelse", KBH_2025,
              "Der er fortsat opbakning til retningen, men behov for mere kommunikation og "
              "procesplaner. Medarbejdersiden kan fortsat aflevere spørgsmål og input; "
              "spørgsmålene danner baggrund for et Q&A."),
             ("Eventuelt", "orientering", None, ""),
         ]),
    dict(body="kbh-ovg", starts_at=(2025, 2, 11, 13, 0), place="Bernstorffsgade 17",
         title="HovedMED februar 2025", sent=(2025, 2, 4, 12, 0), items=[
             ("Godkendelse af dagsorden", "orientering", None, "Dagsordenen blev godkendt."),
             ("Status på omorganiseringen i SOF", "droeftelse", KBH_2025,
              "Drøftelse af hovedtidsplanen for implementeringsindsatser i 2025. MED-stof i "
              "forbindelse med omorganiseringen behandles rettidigt og på rette niveau i "
              "OvergangsMED: tværgående tiltag i HovedMED, inden de igangsættes."),
             ("Meddelelser: fællesmøde mellem medarbejdersiden og SUD om budget 2026",
              "orientering", None, "Budgetseminar 28. februar 2025."),
             ("Eventuelt", "orientering", None, ""),
         ]),
    dict(body="kbh-ovg", starts_at=(2025, 3, 31, 13, 0), place="Bernstorffsgade 17",
         title="HovedMED 31. marts 2025", sent=None, items=[
             ("Koncept for centerspecifikke målbilleder", "droeftelse", KBH_2025, ""),
         ]),
    dict(body="aar-hmu", starts_at=(2020, 8, 20, 9, 0), place="Rådhuset",
         title="Ekstraordinært HMU-møde", sent=None, items=[
             ("Orientering om organisationsændring og opmærksomhedspunkter", "orientering",
              None, "HMU laver en udtalelse, der vedlægges byrådsindstillingen."),
             ("Tids- og handleplan samt hovedprincipper og personalemæssige retningslinjer",
              "medindflydelse", None, ""),
             ("Ny MED-struktur: nedsættelse af HMU Følgegruppe", "droeftelse",
              None, "HMU nedsætter en følgegruppe; HAU står for muligheds- og risikovurdering."),
         ]),
    dict(body="aar-hmu", starts_at=(2020, 11, 16, 9, 0), place="Rådhuset",
         title="HMU 16. november 2020", sent=(2020, 11, 11, 12, 0), items=[
             ("Oplæg fra HAU: muligheds- og risikovurdering", "droeftelse", AAR_2021, ""),
             ("Udarbejdelse og godkendelse af høringssvar", "medbestemmelse", AAR_2021, ""),
             ("Stillingsbeskrivelser for forvaltningschef, driftschef, administrationsleder og "
              "stabsleder", "medindflydelse", None, ""),
             ("Indledende drøftelse af ny MED-struktur, som indstilles til FMU",
              "medbestemmelse", AAR_2021, ""),
             ("Forslag til placering af stabsfunktioner", "droeftelse", AAR_2021, ""),
         ]),
    dict(body="aar-fg", starts_at=(2020, 11, 6, 13, 0), place="Rådhuset",
         title="HMU Følgegruppe 6. november 2020", sent=(2020, 11, 3, 12, 0), items=[
             ("Forslag til høringssvar til HMU's godkendelse 16. november", "droeftelse",
              AAR_2021, ""),
             ("Rammesætning af HMU's drøftelse af ny MED-struktur", "droeftelse", None, ""),
         ]),
    dict(body="aar-MSO-3000", starts_at=(2020, 11, 3, 14, 0), place="Område Vest",
         title="Ekstraordinært LMU-møde", sent=None, items=[
             ("Afledte konsekvenser af forslaget til ny geografi", "droeftelse", None, ""),
         ]),
    dict(body="aar-MSO-2000", starts_at=(2020, 10, 26, 14, 0), place="Område Christiansbjerg",
         title="Ekstraordinært LMU-møde", sent=None, items=[
             ("Afledte konsekvenser af forslaget til ny geografi", "droeftelse", None, ""),
         ]),
    dict(body="ndj-ou", starts_at=(2022, 11, 9, 10, 0), place="Grenaa",
         title="Områdeudvalget for Socialområdet", sent=(2022, 11, 4, 12, 0), items=[
             ("Anbefalingerne fra udviklingsprocessen og tilpasning af organiseringen",
              "droeftelse", NDJ_2023, ""),
         ]),
    dict(body="ndj-hu", starts_at=(2022, 11, 9, 13, 0), place="Grenaa",
         title="Hovedudvalget", sent=(2022, 11, 4, 12, 0), items=[
             ("Socialområdet i to fagchefområder", "droeftelse", NDJ_2023, ""),
         ]),
]

# Consultations: structure, body key or council, subject, sent, deadline, response, answered.
CONSULTATIONS: list[dict[str, Any]] = [
    dict(org=KBH, structure=KBH_2025, body="kbh-hmed",
         title="Underorganisering af driftscentrene", sent_on=D(2024, 11, 8),
         deadline=D(2024, 11, 13), responded_on=D(2024, 11, 13),
         response="Opbakning til retningen; behov for mere kommunikation og procesplaner."),
    *[
        dict(org=AAR, structure=AAR_2021, council=council, body=body,
             title="Byrådsindstilling om ny organisering i Sundhed og Omsorg",
             sent_on=D(2020, 10, 30), deadline=D(2020, 11, 16), responded_on=answered,
             response=response)
        for council, body, answered, response in [
            ("Ældrerådet", None, D(2020, 11, 16),
             "Ældrerådet støtter en tydeligere ansvarsfordeling og beder om fokus på "
             "overgangen mellem hjemmepleje og plejehjem."),
            ("", "aar-hmu", D(2020, 11, 16), "HMU's høringssvar godkendt på mødet 16. november."),
            ("Handicaprådet", None, None, ""),
            ("", "aar-MSO-3000", None, ""),
            ("", "aar-MSO-2000", D(2020, 11, 12),
             "LMU Christiansbjerg peger på konsekvenserne af den nye geografi."),
        ]
    ],
    dict(org=NDJ, structure=NDJ_2023, body="ndj-ou",
         title="Tilpasning af organiseringen på Socialområdet", sent_on=D(2022, 10, 26),
         deadline=D(2022, 11, 9), responded_on=D(2022, 11, 9),
         response="Områdeudvalget bakker op om delingen i to fagchefområder."),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _moment(parts) -> datetime.datetime | None:
    return timezone.make_aware(datetime.datetime(*parts)) if parts else None


def _load_bodies(structures, *, user, created) -> dict[str, MedBody]:
    bodies: dict[str, MedBody] = {}
    for spec in BODIES:
        structure = structures.get((spec["org"], spec["structure"]))
        if structure is None:
            continue
        body = MedBody.objects.filter(organisation_id=structure.organisation_id,
                                      name=spec["name"], valid_from=spec["valid_from"]).first()
        if body is None:
            units = list(Unit.objects.filter(tree_id=structure.pk,
                                             code__in=spec.get("units", [])))
            body = services.create_body(
                structure, name=spec["name"], level=spec["level"],
                valid_from=spec["valid_from"], valid_to=spec.get("valid_to"),
                parent=bodies.get(spec.get("parent")), units=units,
                transitional=spec.get("transitional", False),
                description=spec.get("description", ""), user=user,
                reason="Demodata fra kildedokumenterne.")
            created["udvalg"] += 1
        bodies[spec["key"]] = body
    return bodies


def _load_members(bodies, *, user, created) -> None:
    med_user = get_user_model().objects.filter(username=DEMO_MED_USER).first()
    for spec in MEMBERS:
        body = bodies.get(spec["body"])
        if body is None or Membership.objects.filter(
                body=body, person_name=spec["name"], valid_from=spec["valid_from"]).exists():
            continue
        services.add_membership(
            body, person_name=spec["name"], side=spec["side"], role=spec["role"],
            union=spec.get("union", ""), valid_from=spec["valid_from"],
            valid_to=spec.get("valid_to"), person_user=med_user if spec.get("user") else None,
            user=user)
        created["medlemmer"] += 1


def _load_meetings(bodies, structures, *, user, created) -> None:
    for spec in MEETINGS:
        body = bodies.get(spec["body"])
        if body is None:
            continue
        starts_at = _moment(spec["starts_at"])
        meeting = Meeting.objects.filter(body=body, starts_at=starts_at).first()
        if meeting is None:
            meeting = services.create_meeting(body, starts_at=starts_at, place=spec["place"],
                                              title=spec["title"], user=user)
            created["møder"] += 1
        for number, (title, treatment, structure_name, minutes) in enumerate(spec["items"], 1):
            if AgendaItem.objects.filter(meeting=meeting, number=number).exists():
                continue
            structure = structures.get((body.organisation.name, structure_name)) \
                if structure_name else None
            services.add_agenda_item(meeting, number=number, title=title, treatment=treatment,
                                     structure=structure, minutes=minutes, user=user)
            created["punkter"] += 1
        if spec["sent"] and meeting.agenda_sent_at is None:
            services.send_agenda(meeting, at=_moment(spec["sent"]), user=user)


def _load_consultations(bodies, structures, *, user, created) -> None:
    for spec in CONSULTATIONS:
        structure = structures.get((spec["org"], spec["structure"]))
        body = bodies.get(spec.get("body")) if spec.get("body") else None
        council = spec.get("council", "")
        if structure is None or (spec.get("body") and body is None):
            continue
        if Consultation.objects.filter(structure=structure, body=body, council=council,
                                       sent_on=spec["sent_on"]).exists():
            continue
        c = services.create_consultation(
            structure, body=body, council=council, title=spec["title"],
            sent_on=spec["sent_on"], deadline=spec["deadline"], user=user)
        if spec.get("responded_on"):
            services.record_response(c, response=spec["response"],
                                     responded_on=spec["responded_on"], user=user)
        created["høringer"] += 1


def load(*, user, stdout=None) -> None:
    """Create what is missing of the MED demo data; skip organisations and structures that
    are not loaded."""
    structures: dict[tuple[str, str], Structure] = {
        (s.organisation.name, s.name): s
        for s in Structure.objects.select_related("organisation")
        .filter(organisation__name__in=[KBH, AAR, NDJ])
    }
    created = {"udvalg": 0, "medlemmer": 0, "møder": 0, "punkter": 0, "høringer": 0}
    bodies = _load_bodies(structures, user=user, created=created)
    _load_members(bodies, user=user, created=created)
    _load_meetings(bodies, structures, user=user, created=created)
    _load_consultations(bodies, structures, user=user, created=created)
    if any(created.values()):
        _say(stdout, "MED: " + ", ".join(f"{n} {k}" for k, n in created.items()) + " oprettet.")
    else:
        _say(stdout, "MED: demodata fandtes allerede.")
