import datetime
import io

from tests import factories
from timeline import demo, selectors
from timeline.models import Deliverable, Kind, Milestone, Workstream
from units.models import Organisation


def test_demo_is_idempotent_and_from_the_seeds(editor):
    out = io.StringIO()
    demo.load(user=editor, stdout=out)
    counts = (Milestone.objects.count(), Workstream.objects.count(), Deliverable.objects.count(),
              Organisation.objects.count())
    assert "milepæle" in out.getvalue()
    demo.load(user=editor, stdout=out)
    assert (Milestone.objects.count(), Workstream.objects.count(), Deliverable.objects.count(),
            Organisation.objects.count()) == counts
    assert out.getvalue().endswith("Tidsplaner: fandtes allerede.")

    aarhus = Organisation.objects.get(name=demo.AARHUS)
    plan = Milestone.objects.filter(organisation=aarhus)
    assert plan.count() >= 30
    assert plan.order_by("date").first().date == datetime.date(2020, 7, 17)
    assert plan.filter(forum="Byrådet", date=datetime.date(2020, 12, 16)).exists()
    assert plan.order_by("-date").first().date == datetime.date(2022, 1, 1)

    kbh = Organisation.objects.get(name=demo.KOBENHAVN)
    dates = set(Milestone.objects.filter(organisation=kbh).values_list("date", flat=True))
    for d in ("2024-10-09", "2024-11-08", "2024-11-13", "2024-11-14", "2024-11-19",
              "2025-01-01", "2025-02-28", "2025-03-31"):
        assert datetime.date.fromisoformat(d) in dates
    assert list(Workstream.objects.filter(organisation=kbh).values_list("name", flat=True)) == [
        "Ét SOF: Formål, mål og resultater", "Ny organisering og opgavevaretagelse i Ét SOF",
        "SOF flytter fysisk og digitalt til et nyt SOF", "Styring og arbejdsgange",
        "Kompetenceudvikling", "Effektivisering/måltal"]
    norddjurs = Organisation.objects.get(name=demo.NORDDJURS)
    assert Milestone.objects.filter(organisation=norddjurs, date=datetime.date(2022, 12, 13)
                                    ).exists()


def test_demo_ties_effective_dates_to_structures_in_force(editor, reader):
    org = factories.make_organisation(editor, demo.KOBENHAVN)
    structure, _ = factories.make_structure(editor, {"A": "Din sociale indgang"},
                                            organisation=org, name="Ét SOF",
                                            effective_date=datetime.date(2025, 1, 1),
                                            status="published")
    demo.load(user=editor)
    m = Milestone.objects.get(organisation=org, kind=Kind.EFFECTIVE)
    assert m.structure == structure
    on_new_year = [e for e in selectors.plan(org, user=reader)
                   if e.date == datetime.date(2025, 1, 1) and e.kind == Kind.EFFECTIVE]
    assert [e.title for e in on_new_year] == ["Ét SOF: 10 centre træder i kraft"]
