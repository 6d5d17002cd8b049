"""The units app in the Django admin: domain models to look up (read-only: changes go through
the services, from the editing pages), unit types as editable reference data."""

from django import forms
from django.contrib import admin
from mptt.admin import MPTTModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from orgreg.admin import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .models import ManagerLink, Organisation, Structure, Succession, Unit, UnitType


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


class ManagerLinkInline(ReadOnlyInline, admin.TabularInline):
    """The managers who see the unit under Min enhed, and how each was linked (editors link
    by hand on the unit's page; signing in links by the leader identifier)."""

    model = ManagerLink
    fk_name = "unit"
    fields = ["user", "source", "linked_at", "linked_by"]
    readonly_fields = fields


@admin.register(Unit)
class UnitAdmin(MPTTModelAdmin, ReadOnlyAdmin):
    """To look units up; every change to a unit or its tree belongs in the services."""

    list_display = ["tree_name", "code", "unit_type", "category", "headcount", "structure"]
    list_filter = ["structure__organisation", "structure", "category", "unit_type"]
    search_fields = ["name", "code", "leader_name", "leader_identifier"]
    raw_id_fields = ["parent", "structure"]
    inlines = [ManagerLinkInline]
    # django-mptt indents its column with a style attribute, which the CSP refuses (a field
    # name no column has turns that off); the name carries its depth as em spaces instead.
    mptt_indent_field = "-"

    @admin.display(description="Navn", ordering="name")
    def tree_name(self, unit: Unit) -> str:
        return "\u2003" * unit.level + unit.name


@admin.register(ManagerLink)
class ManagerLinkAdmin(ReadOnlyAdmin):
    """Every manager's links, with their history (who linked or unlinked, when, why)."""

    list_display = ["user", "unit", "source", "linked_at", "linked_by"]
    list_filter = ["source"]
    search_fields = ["user__username", "unit__name", "unit__code"]
    raw_id_fields = ["unit", "user", "linked_by"]


@admin.register(Succession)
class SuccessionAdmin(ReadOnlyAdmin):
    list_display = ["from_unit", "to_unit", "share", "note"]
    raw_id_fields = ["from_unit", "to_unit"]
