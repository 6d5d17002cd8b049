import datetime
from dataclasses import dataclass

import pytest

from med import services as med_services
from tests import factories
from units import services

D = datetime.date
TODAY = D(2026, 11, 10)


@dataclass
class Hearing:
    structure: object
    units: dict
    body: object
    other_body: object
    consultation: object
    other_consultation: object
    membership: object


@pytest.fixture
def today(on_date):
    on_date(TODAY)
    return TODAY


@pytest.fixture
def hearing(today, editor, med_member, small):
    """`small` copied to a proposal for 2027 and sent in consultation to its HovedMED (the
    MED member is a member) and to LokalMED A (no member is a user)."""
    base, _ = small
    structure = services.copy_structure(base, name="Forslag 2027", effective_date=D(2027, 1, 1),
                                        user=editor)
    structure = services.set_status(structure, "consultation", user=editor)
    units = {u.code: u for u in structure.units.all()}
    body = med_services.create_body(structure, name="HovedMED", level="hoved",
                                    valid_from=D(2024, 1, 1), units=[units["ROOT"]], user=editor)
    other = med_services.create_body(structure, name="LokalMED A", level="lokal", parent=body,
                                     valid_from=D(2024, 1, 1), units=[units["A"]], user=editor)
    membership = med_services.add_membership(body, person_name="Birgitte Holm", side="medarbejder",
                                             role="ftr", valid_from=D(2024, 1, 1),
                                             person_user=med_member, user=editor)
    med_services.add_membership(other, person_name="Ole Olsen", side="ledelse",
                                valid_from=D(2024, 1, 1), user=editor)
    consultation = med_services.create_consultation(structure, body=body, sent_on=D(2026, 11, 2),
                                                    deadline=D(2026, 11, 20), user=editor)
    other_c = med_services.create_consultation(structure, body=other, sent_on=D(2026, 11, 2),
                                               deadline=D(2026, 11, 20), user=editor)
    return Hearing(structure, units, body, other, consultation, other_c, membership)


@pytest.fixture
def second_med(db):
    return factories.make_user("med2", "MED")
