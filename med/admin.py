"""The MED app in the Django admin, to look things up: read-only, since day-to-day editing
happens on the MED pages through the services, which check the rules and record a reason."""

from django.contrib import admin

from orgreg.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import AgendaItem, Consultation, MedBody, Meeting, Membership


class MembershipInline(ReadOnlyInline, admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]


@admin.register(MedBody)
class MedBodyAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "level", "valid_from", "valid_to", "transitional"]
    list_filter = ["organisation", "level", "transitional"]
    search_fields = ["name"]
    raw_id_fields = ["structure", "parent", "units"]
    inlines = [MembershipInline]


class AgendaItemInline(ReadOnlyInline, admin.StackedInline):
    model = AgendaItem
    raw_id_fields = ["structure"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "body", "starts_at", "agenda_sent_at"]
    list_filter = ["body__organisation"]
    inlines = [AgendaItemInline]


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["structure", "body", "council", "sent_on", "deadline", "responded_on"]
    list_filter = ["structure__organisation"]
    raw_id_fields = ["structure", "body", "answer"]
