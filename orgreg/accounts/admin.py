"""Who signed in from where, and the roles the identity provider's groups gave or took: for
administrators to look up. Both are written by sign-ins only, so read-only here; an identity
may be deleted, which makes the next sign-in of that person a new user."""

from __future__ import annotations

from django.contrib import admin

from orgreg.accounts.models import Identity, RoleChange
from orgreg.admin import NoWrites


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "sub", "issuer", "last_login")
    search_fields = ("user__username", "user__email", "sub")
    list_select_related = ("user",)
    readonly_fields = ("user", "issuer", "sub", "created", "last_login")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RoleChange)
class RoleChangeAdmin(NoWrites, admin.ModelAdmin):
    """Who got or lost which role, when, how and by whom (orgreg.accounts.audit); a record,
    so nothing here can be added, changed or deleted."""

    list_display = ("at", "username", "added_roles", "removed_roles", "source",
                    "changed_by_name", "request_id")
    list_filter = ("source",)
    search_fields = ("username", "changed_by_name", "request_id")
    date_hierarchy = "at"
    fields = list_display
    readonly_fields = list_display

    @admin.display(description="tilføjet")
    def added_roles(self, obj) -> str:
        return ", ".join(obj.added)

    @admin.display(description="fjernet")
    def removed_roles(self, obj) -> str:
        return ", ".join(obj.removed)
