"""A unit's leader identifier, and manager links that record how they were made.

Unit.managers was Django's own many-to-many table; it becomes ManagerLink, which also says
whether an editor linked the manager by hand or signing in linked them by the leader
identifier (units.services.managers). Every existing link was made by hand (the admin, the
demo loader), and is carried over as such."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

HELP_IDENTIFIER = (
    "Lederens e-mail, medarbejdernummer eller OS2mo-uuid, som kommunens login oplyser: lederen "
    "får adgang til enheden under »Min enhed«. Ses kun af redaktører.")
SOURCES = [("hand", "Tilføjet af en redaktør"), ("data", "Lederident ved login")]


def carry_links_over(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    ManagerLink = apps.get_model("units", "ManagerLink")
    old = Unit.managers.through.objects.values_list("unit_id", "user_id")
    ManagerLink.objects.bulk_create(
        [ManagerLink(unit_id=unit_id, user_id=user_id, source="hand") for unit_id, user_id in old],
        batch_size=1000)


def carry_links_back(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    ManagerLink = apps.get_model("units", "ManagerLink")
    Through = Unit.managers.through
    Through.objects.bulk_create(
        [Through(unit_id=unit_id, user_id=user_id)
         for unit_id, user_id in ManagerLink.objects.values_list("unit_id", "user_id")],
        batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0005_pending_import'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='unit',
            name='leader_identifier',
            field=models.CharField(blank=True, help_text=HELP_IDENTIFIER, max_length=254,
                                   verbose_name='lederident'),
        ),
        migrations.AddField(
            model_name='historicalunit',
            name='leader_identifier',
            field=models.CharField(blank=True, help_text=HELP_IDENTIFIER, max_length=254,
                                   verbose_name='lederident'),
        ),
        migrations.AddIndex(
            model_name='unit',
            index=models.Index(condition=models.Q(('leader_identifier', ''), _negated=True),
                               fields=['leader_identifier'], name='unit_leader_identifier'),
        ),
        migrations.CreateModel(
            name='ManagerLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name='ID')),
                ('source', models.CharField(choices=SOURCES, default='hand', max_length=10,
                                            verbose_name='knyttet ved')),
                ('linked_at', models.DateTimeField(auto_now_add=True, verbose_name='knyttet')),
                ('linked_by', models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                    related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='knyttet af')),
                ('unit', models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name='manager_links',
                    to='units.unit', verbose_name='enhed')),
                ('user', models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name='manager_links',
                    to=settings.AUTH_USER_MODEL, verbose_name='leder')),
            ],
            options={
                'verbose_name': 'leder med adgang',
                'verbose_name_plural': 'ledere med adgang',
                'constraints': [
                    models.UniqueConstraint(fields=('unit', 'user'), name='manager_link_unique'),
                    models.CheckConstraint(condition=models.Q(('source__in', ['hand', 'data'])),
                                           name='manager_link_source_valid'),
                ],
            },
        ),
        migrations.CreateModel(
            name='HistoricalManagerLink',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True,
                                              verbose_name='ID')),
                ('source', models.CharField(choices=SOURCES, default='hand', max_length=10,
                                            verbose_name='knyttet ved')),
                ('linked_at', models.DateTimeField(blank=True, editable=False,
                                                   verbose_name='knyttet')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(
                    choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')],
                    max_length=1)),
                ('history_user', models.ForeignKey(
                    null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+',
                    to=settings.AUTH_USER_MODEL)),
                ('linked_by', models.ForeignKey(
                    blank=True, db_constraint=False, null=True,
                    on_delete=django.db.models.deletion.DO_NOTHING, related_name='+',
                    to=settings.AUTH_USER_MODEL, verbose_name='knyttet af')),
                ('unit', models.ForeignKey(
                    blank=True, db_constraint=False, null=True,
                    on_delete=django.db.models.deletion.DO_NOTHING, related_name='+',
                    to='units.unit', verbose_name='enhed')),
                ('user', models.ForeignKey(
                    blank=True, db_constraint=False, null=True,
                    on_delete=django.db.models.deletion.DO_NOTHING, related_name='+',
                    to=settings.AUTH_USER_MODEL, verbose_name='leder')),
            ],
            options={
                'verbose_name': 'historical leder med adgang',
                'verbose_name_plural': 'historical ledere med adgang',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(carry_links_over, carry_links_back),
        migrations.RemoveField(
            model_name='unit',
            name='managers',
        ),
        migrations.AddField(
            model_name='unit',
            name='managers',
            field=models.ManyToManyField(
                blank=True, help_text='Brugere (rolle Leder), der ser denne enhed under »Min enhed«.',
                related_name='managed_units', through='units.ManagerLink',
                through_fields=('unit', 'user'), to=settings.AUTH_USER_MODEL,
                verbose_name='ledere med adgang'),
        ),
    ]
