"""Figures for the plan for OS2mo; nothing here asserts a time.

    manage.py benchos2mo [--sizes 1000,10000] [--repeat 3]

For each size: a structure of that many units carrying OS2mo uuids (built in bulk and
approved), a copy effective a year later with every tenth unit renamed, 50 leaves closed
and 50 new units, approved; then os2mo.plan.plan on it (median wall time, queries of
one run, peak Python memory) and the plan's text and JSON. Everything is written inside a
transaction that is rolled back, so the database is left as it was.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.db.models import F, Value
from django.db.models.functions import Concat

from units import services
from units.benchmarks.measure import peak_kib, rolled_back, timed
from units.benchmarks.synthetic import balanced_rows
from units.models import Status, Unit, UnitType
from units.services.bulk import build_structure

from ... import plan as plans


class Command(BaseCommand):
    help = "Mål planen til OS2mo på store organiseringer (tid, forespørgsler, hukommelse)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="1000,10000",
                            help="Antal enheder, kommasepareret (standard 1000,10000).")
        parser.add_argument("--repeat", type=int, default=3, help="Gentagelser pr. måling.")

    def handle(self, *args, sizes: str, repeat: int, **options):
        self.stdout.write(f"Database: {connection.vendor}; median af {repeat} kørsler.")
        for size in [int(s) for s in sizes.split(",") if s.strip()]:
            self.stdout.write(f"\n{size} enheder")
            rolled_back(lambda size=size: self._measure(size, repeat))

    def _measure(self, size: int, repeat: int) -> None:
        organisation = services.create_organisation(name=f"OS2mo-bench {uuid.uuid4()}",
                                                    user=None)
        rows = balanced_rows(size)
        for row in rows:
            row.fields["external_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, row.key))
        basis = build_structure(organisation, name="Fra OS2mo",
                                effective_date=datetime.date(2026, 1, 1), rows=rows, user=None)
        basis = services.set_status(basis, Status.APPROVED, user=None)
        new = services.copy_structure(basis, name="Ny", effective_date=datetime.date(2027, 1, 1),
                                      user=None)
        units = Unit.objects.filter(tree_id=new.pk)
        ids = list(units.order_by("lft").values_list("pk", flat=True))
        units.filter(pk__in=ids[1::10]).update(name=Concat(F("name"), Value(" (ny)")))
        leaves = list(units.filter(rght=F("lft") + 1).order_by("lft").values_list("pk", flat=True))
        # 50 closures spread over the tree (each close renumbers the tree: keep the build short).
        for leaf in Unit.objects.filter(pk__in=leaves[::max(1, len(leaves) // 50)][:50]):
            services.close_unit(leaf, user=None)
        root = units.get(parent=None)
        afdeling = UnitType.objects.get_or_create(name="Afdeling")[0]
        for i in range(50):
            services.add_unit(root, name=f"Ny enhed {i}", unit_type=afdeling, user=None)
        new = services.set_status(new, Status.APPROVED, user=None)
        reset_queries()  # the build's queries would fill the log the count is read from
        ms, queries, plan = timed(lambda: plans.plan(new, version=29), repeat)
        kinds: dict[str, int] = {}
        for item in plan.items:
            kinds[item.mutation] = kinds.get(item.mutation, 0) + 1
        self.stdout.write(f"  plan                         {ms:9.1f} ms  {queries:3d} queries  "
                          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
        mib = peak_kib(lambda: plans.plan(new, version=29)) / 1024
        self.stdout.write(f"  plan, peak memory            {mib:9.1f} MiB")
        text_ms, _, text = timed(plan.text, repeat)
        json_ms, _, doc = timed(plan.json_text, repeat)
        self.stdout.write(f"  text                         {text_ms:9.1f} ms  {len(text):,} tegn")
        self.stdout.write(f"  JSON                         {json_ms:9.1f} ms  {len(doc):,} tegn")
