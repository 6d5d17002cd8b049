"""Fixtures of the timeline tests: a plan around the shared `small` structure."""

import datetime

import pytest

from tests import factories
from timeline import services
from timeline.models import Kind, MilestoneStatus
from units import services as unit_services

TODAY = datetime.date(2024, 11, 15)


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def draft(editor, organisation, small):
    """A draft of the 2025 structure, based on the published one: editors only."""
    structure, _ = small
    return unit_services.copy_structure(structure, name="Ny organisering 2025",
                                        effective_date=datetime.date(2025, 1, 1), user=editor)


@pytest.fixture
def plan(editor, organisation, small, draft):
    """Milestones around TODAY: two done, one overdue, two ahead, one tied to the draft,
    one cancelled; a workstream with two deliverables."""
    published, _ = small
    ws = services.create_workstream(organisation, name="Ny organisering", user=editor)
    mk = services.create_milestone
    milestones = {
        "press": mk(organisation, title="Pressemeddelelse", date=datetime.date(2024, 10, 9),
                    kind=Kind.COMMUNICATION, forum="Direktionen",
                    status=MilestoneStatus.DONE, user=editor),
        "hmu": mk(organisation, title="HovedMED drøfter udkast", date=datetime.date(2024, 11, 13),
                  kind=Kind.MED, forum="HovedMED", status=MilestoneStatus.DONE, user=editor,
                  workstream=ws),
        "late": mk(organisation, title="Svar til faglige organisationer",
                   date=datetime.date(2024, 11, 14), kind=Kind.OTHER, forum="Chefteamet",
                   user=editor),
        "notice": mk(organisation, title="Udmelding på Intra", date=datetime.date(2024, 11, 19),
                     kind=Kind.COMMUNICATION, forum="Direktionen", user=editor, workstream=ws),
        "council": mk(organisation, title="Byrådet beslutter", date=datetime.date(2024, 12, 16),
                      kind=Kind.DECISION, forum="Byrådet", user=editor),
        "secret": mk(organisation, title="Fortroligt: ledere orienteres",
                     date=datetime.date(2024, 11, 20), kind=Kind.COMMUNICATION,
                     forum="Chefteamet", structure=draft, user=editor),
        "cancelled": mk(organisation, title="Aflyst temamøde", date=datetime.date(2024, 11, 25),
                        kind=Kind.OTHER, status=MilestoneStatus.CANCELLED, user=editor),
    }
    services.create_deliverable(ws, title="Underorganisering af centre",
                                start=datetime.date(2024, 10, 1), end=datetime.date(2024, 12, 31),
                                progress=60, user=editor)
    services.create_deliverable(ws, title="Fysisk flytning", start=datetime.date(2025, 1, 1),
                                end=datetime.date(2025, 3, 31), user=editor)
    return {"milestones": milestones, "workstream": ws, "published": published, "draft": draft}


def add_milestones(organisation, user, n: int, *, start=datetime.date(2024, 1, 1)):
    """n plain milestones a week apart."""
    return [
        services.create_milestone(organisation, title=f"Milepæl {i}",
                                  date=start + datetime.timedelta(days=7 * i), user=user,
                                  forum=f"Forum {i % 3}")
        for i in range(n)
    ]


@pytest.fixture
def other_organisation(editor):
    return factories.make_organisation(editor, "Anden kommune")
