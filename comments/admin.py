"""Comments in the Django admin, to look things up: read-only, since comments are written and
handled on their pages through the services, which check who may."""

from django.contrib import admin

from orgreg.admin import ReadOnlyAdmin

from .models import Comment


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "structure", "kind", "author_name", "created_at", "handled_at"]
    list_filter = ["kind", "structure__organisation"]
    raw_id_fields = ["structure", "unit", "author", "body", "membership", "handled_by"]
