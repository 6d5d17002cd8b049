"""What the Django admin may do with the apps' domain models: look them up, never change them.

Every change to a structure, unit, succession, MED body or milestone goes through the apps'
services, which check the rules, lock the tree and record who and why; the admin does none of
that, so for these models it is read-only (reference data such as unit types stays editable).
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from rest_framework.authtoken import admin as authtoken_admin
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, RoleChange

READ_ONLY = "Ændringer sker i orgreg's egne sider, så reglerne og begrundelsen kommer med."


class NoWrites:
    """Mixed into an admin or an inline: nothing may be added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoWrites, SimpleHistoryAdmin):
    """A domain model's admin: list, search, view and read its history; no add, change,
    delete or revert (simple-history's revert form would otherwise save on POST whatever
    the change permission says)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(READ_ONLY)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline(NoWrites):
    """Mixed into an inline of a read-only admin."""

    extra = 0
    can_delete = False



# --- API tokens -------------------------------------------------------------------------
# DRF's own token admin lists every key in plain text, and its pages, messages and the admin's
# log of actions name a token by its key. Here a token is named by its user, listed with its
# user and creation time only, and can be looked at or deleted (revoked), never added or
# edited: a token is made with `manage.py drf_create_token USERNAME`, which shows it once.

if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(authtoken_admin.TokenAdmin):
    """API tokens by user and date; the key is never shown."""

    list_display = ("user", "created")
    list_display_links = ("user",)
    fields = ("user", "created")
    readonly_fields = ("user", "created")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- role changes -----------------------------------------------------------------------


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
