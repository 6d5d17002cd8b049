"""notify's record in the Django admin, to look things up: read-only, since messages are
written by notify.services only."""

from django.contrib import admin

from orgreg.admin import NoWrites

from .models import Message


@admin.register(Message)
class MessageAdmin(NoWrites, admin.ModelAdmin):
    list_display = ("created", "kind", "address", "subject", "state", "attempts")
    list_filter = ("kind", "state")
    search_fields = ("address", "subject", "recipient_name")
    exclude = ("body_html",)
