"""``manage.py loaddemo``: the demo data of every app — units first, then MED and the plans on
the structures it made, then the invented mail addresses (notify). The one place that knows
all the apps."""

import time

from django.core.management.base import BaseCommand

from med import demo as med_demo
from notify import demo as notify_demo
from notify import udmelding
from timeline import demo as timeline_demo
from units import demo


class Command(BaseCommand):
    help = (
        "Indlæser demodata: fire organisationer (Aarhus, København, Norddjurs, Randers) med "
        "deres organiseringer, demo-brugere for hver rolle, MED og tidsplaner. Kan køres "
        "flere gange; det, der allerede findes, springes over."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        # The demo's structures were published long ago: no udmelding for them (publishing
        # a demo draft in the trial shows one, to the addresses notify's demo pass invents).
        with udmelding.suspended():
            summary = demo.load(out=self.stdout.write)
            editor = summary.editor
            med_demo.load(user=editor, stdout=self.stdout)
            timeline_demo.load(user=editor, stdout=self.stdout)
        notify_demo.load(stdout=self.stdout)
        seconds = time.monotonic() - started

        if summary.created:
            self.stdout.write(self.style.SUCCESS(
                f"Demodata indlæst på {seconds:.1f} s: {len(summary.created)} organisationer, "
                f"{summary.structures} organiseringer, {summary.units} enheder."
            ))
        else:
            self.stdout.write("Ingen nye organisationer: demodata var allerede indlæst.")
        self.stdout.write("")
        self.stdout.write(f"Demo-brugere (adgangskode for nye brugere: {demo.DEMO_PASSWORD}):")
        width = max(len(u.username) for u in demo.DEMO_USERS)
        for spec in demo.DEMO_USERS:
            note = " (fandtes allerede; adgangskoden er ikke ændret)" \
                if spec.username in summary.users_existing else ""
            self.stdout.write(f"  {spec.username.ljust(width)}  {spec.description}{note}")
        self.stdout.write("")
        self.stdout.write(
            "Start serveren med 'make run' (eller 'DEBUG=1 manage.py runserver') og log ind på "
            "http://127.0.0.1:8000/ med en af brugerne ovenfor."
        )
