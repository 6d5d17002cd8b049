"""Admin for MED reference data. Day-to-day editing happens on the MED pages through the
services; the admin is for administrators fixing data, with history kept."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AgendaItem, Consultation, MedBody, Meeting, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(MedBody)
class MedBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "level", "valid_from", "valid_to", "transitional"]
    list_filter = ["organisation", "level", "transitional"]
    search_fields = ["name"]
    raw_id_fields = ["structure", "parent", "units"]
    inlines = [MembershipInline]


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ["structure"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "body", "starts_at", "agenda_sent_at"]
    list_filter = ["body__organisation"]
    inlines = [AgendaItemInline]


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["structure", "body", "council", "sent_on", "deadline", "responded_on"]
    list_filter = ["structure__organisation"]
    raw_id_fields = ["structure", "body"]
