"""The MED demo data on top of the units demo: loads, is idempotent and tells the seeds'
story (one slow test; the demo builds four organisations)."""

import datetime

from med import demo, selectors
from med.models import AgendaItem, Consultation, ConsultationStatus, MedBody, Meeting, Membership
from units import demo as units_demo
from units.models import Structure


def _counts():
    return [m.objects.count() for m in (MedBody, Membership, Meeting, AgendaItem, Consultation)]


def test_demo_loads_once_and_tells_the_story(db):
    summary = units_demo.load()
    demo.load(user=summary.editor)
    first = _counts()
    assert all(first)
    demo.load(user=summary.editor)
    assert _counts() == first

    # Ét SOF: the OvergangsMED covers the whole new structure; the four administrative
    # centres and the direktionssekretariat have no LokalMED of their own.
    sof = Structure.objects.get(name=demo.KBH_2025)
    report = selectors.coverage(sof)
    assert report.gaps == [] and report.doubles == []
    assert {r.unit.name for r in report.local_gaps} >= {
        "Socialforvaltningen", "Direktionssekretariatet", "Center for Økonomi"}
    assert selectors.transitional_bodies(sof.based_on, sof)[0].name == "HovedMED (OvergangsMED)"
    # The HovedMED of 13 November 2024 discussed the structure as it was sent on 8 November.
    item = AgendaItem.objects.get(meeting__title="HovedMED 13. november 2024",
                                  title__startswith="Underorganisering")
    assert item.treatment == "droeftelse" and item.structure == sof
    assert item.structure_at.date() == datetime.date(2024, 11, 8)
    # Carried through the successions, the old CenterMEDs need decisions.
    proposal = {p.body.name: p for p in selectors.propose_med_structure(sof)}
    assert proposal["CenterMED Borgercenter Voksne"].flagged
    assert not proposal["HovedMED"].split and not proposal["HovedMED"].merged

    # Aarhus: the consultation of Ældrerådet, HMU and Handicaprådet with deadline 16 November.
    hearing = Consultation.objects.filter(deadline=datetime.date(2020, 11, 16))
    assert {c.consulted for c in hearing} >= {"Ældrerådet", "HMU", "Handicaprådet"}
    handicap = hearing.get(council="Handicaprådet")
    assert handicap.status_on(datetime.date(2020, 11, 17)) == ConsultationStatus.OVERDUE
    assert MedBody.objects.get(name="HMU Følgegruppe").transitional
    new_med = MedBody.objects.filter(valid_from=datetime.date(2021, 4, 1))
    assert new_med.filter(level="hoved").count() == 1 and new_med.filter(level="lokal").count() == 4

    # Norddjurs: Hovedudvalget and Områdeudvalget for Socialområdet.
    assert MedBody.objects.filter(organisation__name=demo.NDJ).count() == 2
