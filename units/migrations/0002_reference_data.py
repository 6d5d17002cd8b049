"""Reference data: the role groups and the unit types the seed documents use."""

from django.db import migrations

GROUPS = ["Redaktør", "Leder", "MED", "Læser"]
UNIT_TYPES = [
    "Forvaltning", "Center", "Distrikt", "Område", "Afdeling", "Team", "Tilbud/Institution",
    "Stab", "Sekretariat", "Plejehjem", "Hjemmepleje", "Chefområde", "Direktørområde",
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    UnitType = apps.get_model("units", "UnitType")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for name in UNIT_TYPES:
        UnitType.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
