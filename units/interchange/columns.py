"""The columns of an import file: header aliases (Danish and English) and their Danish names."""

from __future__ import annotations

import re
from typing import Any

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("kode", "code", "enhedskode", "unit code", "user key", "omkostningssted"),
    "name": ("navn", "name", "enhedsnavn", "unit name"),
    "short_name": ("kort navn", "short name", "forkortelse", "kortnavn"),
    "parent_code": ("overordnet kode", "parent code", "overordnet", "parent",
                    "overordnet enhed", "overordnet enhedskode"),
    "unit_type": ("enhedstype", "unit type", "type"),
    "category": ("kategori", "category"),
    "leader_title": ("ledertitel", "leader title"),
    "leader_name": ("leder", "leader name", "leader", "ledernavn", "navn på leder"),
    "leader_identifier": ("lederident", "leader identifier", "leader id", "lederid",
                          "leder id", "leders e mail", "leder e mail", "ledermail",
                          "manager uuid", "leder uuid"),
    "headcount": ("antal medarbejdere", "headcount", "medarbejdere", "antal ansatte",
                  "ansatte"),
    "fte": ("årsværk", "fte", "aarsvaerk", "arsvaerk"),
    "location": ("placering", "location", "adresse", "adresse/placering"),
    "description": ("beskrivelse", "description"),
    "predecessors": ("forgænger", "forgængere", "forgængerkode", "forgængerkoder",
                     "predecessor", "predecessors", "predecessor code", "predecessor codes"),
    "external_id": ("eksternt id", "external id", "os2mo uuid"),
    "org_level": ("organisatorisk niveau", "niveau", "org level", "org unit level"),
    "key": ("nøgle", "key"),
    "parent_key": ("overordnet nøgle", "parent key"),
}
ALIAS_TO_FIELD = {alias: f for f, aliases in COLUMN_ALIASES.items() for alias in aliases}

# How a column is named in a Danish sentence.
COLUMN_LABELS = {
    "code": "kode", "name": "navn", "short_name": "kort navn", "parent_code": "overordnet kode",
    "unit_type": "enhedstype", "category": "kategori", "leader_title": "ledertitel",
    "leader_name": "leder", "leader_identifier": "lederident",
    "headcount": "antal medarbejdere", "fte": "årsværk",
    "location": "placering", "description": "beskrivelse", "predecessors": "forgængere",
    "external_id": "eksternt id", "org_level": "organisatorisk niveau",
    "key": "nøgle", "parent_key": "overordnet nøgle",
}

TEXT_FIELDS = ("name", "short_name", "code", "leader_title", "leader_name", "leader_identifier",
               "location", "description", "external_id", "org_level")


def normalise_header(text: Any) -> str:
    """'Forgænger(e) ' → 'forgængere', 'Parent_Code' → 'parent code'."""
    value = str(text or "").replace("\ufeff", "").casefold()
    value = re.sub(r"[()]", "", value)
    value = re.sub(r"[\s_\-]+", " ", value)
    return value.strip(" :.*")
