"""Admin views of the plan, for looking things up. Edits go through the plan pages, whose
services validate and record a reason; the admin only reads (and may revoke calendar
tokens)."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList

from orgreg.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Deliverable, FeedToken, Milestone, Workstream


class DateHierarchyChangeList(ChangeList):
    """Django's date drill-down computes the end of year 9999 (date__year=9999, typed or from a
    milestone stored before orgreg.dates' rule) and fails with a 500; an impossible period
    is a bad lookup instead, which the admin answers by dropping the filter."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("date", "title", "organisation", "forum", "kind", "status", "structure")
    list_filter = ("organisation", "kind", "status")
    search_fields = ("title", "forum", "description")
    date_hierarchy = "date"

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList
    list_select_related = ("organisation", "structure")


class DeliverableInline(ReadOnlyInline, admin.TabularInline):
    model = Deliverable
    fields = ("title", "start", "end", "status", "progress")
    readonly_fields = fields


@admin.register(Workstream)
class WorkstreamAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "order")
    list_filter = ("organisation",)
    inlines = [DeliverableInline]


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")
    search_fields = ("user__username",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
