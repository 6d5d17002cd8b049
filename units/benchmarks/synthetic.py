"""Synthetic structures for benchmarks, as rows for build_structure."""

from __future__ import annotations

import random

from units.services.bulk import UnitRow

CATEGORIES = ("drift", "administration", "stab", "myndighed")


def balanced_rows(n_units: int, fanout: int = 8) -> list[UnitRow]:
    """A balanced tree of `n_units` units, `fanout` children each, codes B1..Bn."""
    rows = [UnitRow("B1", None, {"name": "Kommunen", "code": "B1"})]
    for i in range(2, n_units + 1):
        parent = (i - 2) // fanout + 1
        rows.append(UnitRow(f"B{i}", f"B{parent}", {
            "name": f"Enhed {i}", "code": f"B{i}", "headcount": i % 37,
            "category": CATEGORIES[i % 4], "leader_title": "Leder", "leader_name": f"Leder {i}",
        }))
    return rows


def chain_rows(levels: int) -> list[UnitRow]:
    """A chain `levels` deep: the root, its one child, that one's one child, and so on."""
    rows = [UnitRow("K0", None, {"name": "Kommunen", "code": "K0", "headcount": 1})]
    rows += [UnitRow(f"K{i}", f"K{i - 1}", {"name": f"Enhed på niveau {i}", "code": f"K{i}",
                                           "headcount": 1, "leader_title": "Leder"})
             for i in range(1, levels)]
    return rows


WORDS = ["Borgercenter", "Område", "Socialpsykiatri", "Børn og Unge", "Ældre", "Sundhed",
         "Hjemmepleje", "Rehabilitering", "Myndighed", "Bofællesskab", "Aktivitetscenter",
         "Udviklingshæmmede", "Åbenrå", "Ørestad", "Østerbro", "Sekretariat"]


def forvaltning_rows(n: int, *, seed: int = 7) -> list[UnitRow]:
    """A forvaltning-like tree of `n` units: ~10 areas, departments, teams; Danish names of
    varying length, as an org chart must fit them."""
    rnd = random.Random(seed)
    rows = [UnitRow("R", None, {"name": "Socialforvaltningen", "code": "R",
                                "leader_title": "Administrerende direktør"})]
    fanout = (10, 6, 5, 6)
    level = {"R": 0}
    queue = ["R"]
    i = 0
    while len(rows) < n and queue:
        parent = queue.pop(0)
        k = fanout[min(level[parent], len(fanout) - 1)]
        for _ in range(rnd.randint(max(1, k - 3), k + 2)):
            if len(rows) >= n:
                break
            i += 1
            key = f"B{i}"
            name = " ".join(rnd.sample(WORDS, rnd.randint(1, 3))) + f" {i}"
            rows.append(UnitRow(key, parent, {
                "name": name, "code": key, "headcount": rnd.randint(0, 40),
                "category": rnd.choice([*CATEGORIES, ""]),
                "leader_title": rnd.choice(["Centerchef", "Afdelingsleder", "Teamleder", ""]),
                "leader_name": rnd.choice(["Søren Østergaard", "Birgitte Åberg", ""]),
            }))
            level[key] = level[parent] + 1
            queue.append(key)
    return rows
