"""manage.py purge_jobs: remove job files and pending imports past their retention
(orgreg.jobs.purge), as the scheduler does each night."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from orgreg import jobs


class Command(BaseCommand):
    help = ("Slet baggrundsjob og deres filer ældre end ORGREG_JOB_RETENTION_DAYS, og "
            "indlæste importfiler, der er udløbet.")

    def handle(self, *args, **options) -> None:
        removed = jobs.purge()
        self.stdout.write("Slettet: " + ", ".join(f"{name} {count}"
                                                  for name, count in removed.items()))
