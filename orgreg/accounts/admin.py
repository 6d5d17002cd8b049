"""Who signed in from where, and the roles the identity provider's groups gave or took: for
administrators to look up. Both are written by sign-ins only, so read-only here; an identity
may be deleted, which makes the next sign-in of that person a new user."""

from __future__ import annotations

from django.contrib import admin

from orgreg.accounts.models import Identity, RoleChange


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
class RoleChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "summary", "source")
    list_filter = ("at",)
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    date_hierarchy = "at"

    @admin.display(description="ændring")
    def summary(self, obj: RoleChange) -> str:
        return obj.summary

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
