"""The units app in the Django admin: domain models to look up (read-only: changes go through
the services, from the editing pages), unit types as editable reference data."""

from django import forms
from django.contrib import admin
from mptt.admin import MPTTModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from orgreg.admin import ReadOnlyAdmin

from . import services
from .models import Organisation, Structure, Succession, Unit, UnitType


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name"]


@admin.register(Structure)
class StructureAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "status", "effective_date", "based_on"]
    list_filter = ["organisation", "status"]
    search_fields = ["name"]
    raw_id_fields = ["based_on"]


class UnitTypeForm(forms.ModelForm):
    class Meta:
        model = UnitType
        fields = ["name", "description"]

    def clean_name(self):
        # As the service refuses it, so the admin shows it on the form rather than failing.
        name = self.cleaned_data["name"].strip()
        if UnitType.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"Der findes allerede en enhedstype ved navn {name}.")
        return name


@admin.register(UnitType)
class UnitTypeAdmin(SimpleHistoryAdmin):
    form = UnitTypeForm
    list_display = ["name"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        """A change goes through the service: a new name makes cached markup of every
        frozen structure stale (units.markup.cache). A new type is shown nowhere yet."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        services.update_unit_type(obj, user=request.user, name=obj.name,
                                  description=obj.description)


@admin.register(Unit)
class UnitAdmin(MPTTModelAdmin, ReadOnlyAdmin):
    """To look units up; every change to a unit or its tree belongs in the services."""

    list_display = ["name", "code", "unit_type", "category", "headcount", "structure"]
    list_filter = ["structure__organisation", "structure", "category", "unit_type"]
    search_fields = ["name", "code", "leader_name"]
    raw_id_fields = ["parent", "structure"]
    filter_horizontal = ["managers"]
    mptt_level_indent = 16


@admin.register(Succession)
class SuccessionAdmin(ReadOnlyAdmin):
    list_display = ["from_unit", "to_unit", "share", "note"]
    raw_id_fields = ["from_unit", "to_unit"]
