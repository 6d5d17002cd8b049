"""Writes the sample OS2mo answers in tests/os2mo/samples/ (run it after changing them:
``python -m tests.os2mo.make_samples``). They are shaped as OS2mo's GraphQL answer to
os2mo.client.ORG_UNITS_QUERY, saved to a file (``data → org_units → page_info, objects →
validities``), with ``graphql_version`` beside ``data`` saying which version answered.

kommune.json (v29, `to` exclusive) — a municipal line organisation with repeated user_keys
(every school has an "Administration" and a "Kantine"; so has Social og Sundhed), a second
hierarchy (the payroll tree, its own root), a unit terminated at the turn of 2025 (`to`
2025-01-01), one renamed on 2025-04-01 (two validities), one that starts 2025-08-01, roots
with a null parent, managers (one post vacant) and engagements.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

SAMPLES = Path(__file__).parent / "samples"
LINE = {"uuid": "f805eb80-fdfe-8f24-9367-68ea955b9b9b", "name": "Linjeorganisation"}
PAY = {"uuid": "8c30ab5a-8c20-4d2b-a9a6-2b8e9d4e1f30", "name": "Lønorganisation"}


def uid(key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"orgreg-test/os2mo/{key}"))


def moment(day: str | None) -> str | None:
    return f"{day}T00:00:00+01:00" if day else None


def version(key, name, parent, *, user_key=None, level="N1", unit_type="Afdeling",
            hierarchy=LINE, start="2010-01-01", end=None, manager=None, engagements=0):
    parent_uuid = uid(parent) if parent else None
    managers = []
    if manager == "":
        managers = [{"person": [], "manager_type": {"name": "Leder"}}]
    elif manager:
        managers = [{"person": [{"uuid": uid("person/" + manager), "name": manager}],
                     "manager_type": {"name": "Leder"}}]
    return {
        "uuid": uid(key), "user_key": user_key or name, "name": name,
        "parent_uuid": parent_uuid, "parent": {"uuid": parent_uuid} if parent_uuid else None,
        "unit_type": {"name": unit_type}, "org_unit_level": {"name": level},
        "org_unit_hierarchy_model": hierarchy,
        "validity": {"from": moment(start), "to": moment(end)},
        "managers": managers,
        "engagements": [{"uuid": uid(f"eng/{key}/{i}")} for i in range(engagements)],
    }


def kommune() -> list[dict]:
    objects = [
        [version("root", "Testkommune", None, unit_type="Kommune", level="N1",
                 manager="Karen Kommunaldirektør", engagements=2)],
        [version("bu", "Børn og Unge", "root", user_key="BU", unit_type="Forvaltning",
                 level="N2", manager="Bo Børnechef", engagements=3)],
        [version("skoler", "Skoleområdet", "bu", user_key="SKO", unit_type="Område",
                 level="N3", engagements=1)],
    ]
    schools = {"nord": ("Nordskolen", "Nina Nord", 10), "vest": ("Vestskolen", "", 8)}
    for key, (name, leader, staff) in schools.items():
        objects.append([version(key, name, "skoler", unit_type="Skole", level="N4",
                                manager=leader, engagements=staff)])
    objects.append([
        version("syd", "Sydskolen", "skoler", unit_type="Skole", level="N4",
                manager="Sune Syd", engagements=12, end="2025-04-01"),
        version("syd", "Syd- og Ungdomsskolen", "skoler", user_key="Sydskolen",
                unit_type="Skole", level="N4", manager="Sune Syd", engagements=14,
                start="2025-04-01"),
    ])
    for school in ("nord", "syd", "vest"):
        objects.append([version(f"{school}/adm", "Administration", school, level="N5",
                                engagements=2)])
        objects.append([version(f"{school}/kantine", "Kantine", school, level="N5",
                                engagements=1)])
    objects += [
        [version("sos", "Social og Sundhed", "root", user_key="SOS", unit_type="Forvaltning",
                 level="N2", manager="Signe Sundhed", engagements=4)],
        [version("sos/adm", "Administration", "sos", level="N3", engagements=3)],
        [version("sos/hjp", "Hjemmeplejen", "sos", user_key="HJP", level="N3",
                 engagements=40)],
        [version("sos/gammel", "Gamle Aktivitetscenter", "sos", user_key="GAC", level="N3",
                 start="2015-01-01", end="2025-01-01", engagements=0)],
        [version("sos/ny", "Sundhedshuset", "sos", user_key="SUH", level="N3",
                 start="2025-08-01", engagements=0)],
        # The payroll tree: a second hierarchy with a root of its own.
        [version("pay", "Lønorganisation", None, user_key="LØN", unit_type="Lønsted",
                 hierarchy=PAY)],
        [version("pay/100", "Lønsted 100", "pay", user_key="100", unit_type="Lønsted",
                 level="N2", hierarchy=PAY)],
        [version("pay/adm", "Administration", "pay", level="N2", unit_type="Lønsted",
                 hierarchy=PAY)],
    ]
    return [{"validities": validities} for validities in objects]


def write(name: str, objects: list[dict], graphql_version: int | None) -> None:
    doc: dict = {"data": {"org_units": {"page_info": {"next_cursor": None},
                                        "objects": objects}}}
    if graphql_version:
        doc = {"graphql_version": graphql_version, **doc}
    (SAMPLES / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    SAMPLES.mkdir(exist_ok=True)
    write("kommune", kommune(), 29)
    # The same answer without a version: the form or the command says which.
    write("kommune_uden_version", kommune(), None)
