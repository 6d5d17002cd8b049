"""The read API under /api/: a router of read-only viewsets, the OpenAPI schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from . import api

app_name = "api"

router = DefaultRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("structures", api.StructureViewSet, basename="structure")
router.register("units", api.UnitViewSet, basename="unit")

urlpatterns = [
    # Like every page, the description of the API is for logged-in users only.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
         name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema",
                                                 permission_classes=[IsAuthenticated]),
         name="docs"),
    path("", include(router.urls)),
    re_path(r"", api.NotFoundView.as_view(), name="not-found"),
]
