"""The read API under /api/ (filled in by the import/export work)."""

app_name = "api"

urlpatterns: list = []
