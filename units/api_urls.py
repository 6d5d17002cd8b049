"""The read API under /api/: a router of read-only viewsets, the OpenAPI schema and its docs."""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from . import api

app_name = "api"

router = DefaultRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("structures", api.StructureViewSet, basename="structure")
router.register("units", api.UnitViewSet, basename="unit")

_docs_images = csp_update({"img-src": ["data:"]})
_docs_images_report_only = csp_update({"img-src": ["data:"]}, REPORT_ONLY=True)

urlpatterns = [
    # Like every page, the description of the API is for logged-in users only.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
         name="schema"),
    # Swagger UI with its start script as a file of its own (no inline script); its style sheet
    # draws icons from data: URLs, allowed on this page only.
    path("docs/", _docs_images(_docs_images_report_only(SpectacularSwaggerSplitView.as_view(
        url_name="api:schema", permission_classes=[IsAuthenticated]))), name="docs"),
    path("", include(router.urls)),
    re_path(r"", api.NotFoundView.as_view(), name="not-found"),
]
