"""What the Django admin may do with the apps' domain models: look them up, never change them.

Every change to a structure, unit, succession, MED body or milestone goes through the apps'
services, which check the rules, lock the tree and record who and why; the admin does none of
that, so for these models it is read-only (reference data such as unit types stays editable).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

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

