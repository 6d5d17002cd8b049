"""Verify every structure's tree and successions; exit code 1 when anything is wrong."""

from django.core.management.base import BaseCommand, CommandError

from units.models import Structure, Succession, Unit
from units.selectors import tree_faults


class Command(BaseCommand):
    help = (
        "Kontrollerer hver organiserings træ (venstre/højre-numre, niveauer, overordnede "
        "enheder, én øverste enhed) og overgangene (andele, retning). Afslutter med kode 1, "
        "hvis der er fejl."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--structure", type=int, metavar="ID",
            help="Kontrollér kun organiseringen med dette id.",
        )

    def handle(self, *args, structure=None, **options):
        if structure is not None and not Structure.objects.filter(pk=structure).exists():
            raise CommandError(f"Der findes ingen organisering med id {structure}.")
        faults = tree_faults(structure)
        for fault in faults:
            self.stdout.write(fault)
        if faults:
            raise CommandError(
                f"{len(faults)} fejl fundet." if len(faults) != 1 else "1 fejl fundet.",
                returncode=1,
            )
        if structure is None:
            structures = Structure.objects.count()
            units = Unit.objects.count()
            successions = Succession.objects.count()
        else:
            structures = 1
            units = Unit.objects.filter(tree_id=structure).count()
            successions = Succession.objects.filter(to_unit__tree_id=structure).count()
        noun = "organisering" if structures == 1 else "organiseringer"
        self.stdout.write(self.style.SUCCESS(
            f"Ingen fejl: {structures} {noun}, {units} enheder og {successions} overgange "
            "kontrolleret."
        ))
