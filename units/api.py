"""The read API under /api/: organisations, structures, a structure's tree, units, placements
and comparisons, as JSON, with the same visibility as the pages (orgreg.roles.policy): a
structure a user may not see answers 404, as does every unit in it and a comparison of two
organisations' structures. Read-only; session login or a token
("Authorization: Token …") for other systems. Described by OpenAPI at /api/schema/."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from orgreg.roles import policy

from . import selectors
from .interchange import exporters
from .models import Organisation, Status
from .serializers import (
    ComparisonSerializer,
    OrganisationSerializer,
    PlacementSerializer,
    StructureSerializer,
    UnitNodeSerializer,
    UnitSerializer,
)


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations. Their structures are at /api/structures/?organisation=<id>."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.all()

    def get_queryset(self):
        return policy(self.request.user).organisations()


@extend_schema(parameters=[
    OpenApiParameter("organisation", OpenApiTypes.INT, description="Only this organisation's."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values,
                     description="Only structures with this status."),
])
class StructureViewSet(viewsets.ReadOnlyModelViewSet):
    """Structures (versions of an organisation's tree) the user may see, with status and
    effective date; newest first within each organisation."""

    serializer_class = StructureSerializer

    def get_queryset(self):
        qs = policy(self.request.user).structures().select_related("organisation")
        if self.action == "list":
            params = self.request.query_params
            if params.get("organisation"):
                try:
                    qs = qs.filter(organisation_id=int(params["organisation"]))
                except ValueError:
                    raise ValidationError({"organisation": "Skal være et tal."}) from None
            if params.get("status"):
                if params["status"] not in Status.values:
                    raise ValidationError({"status": "Ukendt status."})
                qs = qs.filter(status=params["status"])
        return qs

    @extend_schema(responses=UnitNodeSerializer(many=True))
    @action(detail=True)
    def tree(self, request, pk=None, format=None):
        """Every unit of the structure in tree order (parents before children, siblings in
        their order), with depth and subtree headcount. One query for the units."""
        structure = self.get_object()
        return Response(UnitNodeSerializer(selectors.tree(structure), many=True).data)

    @extend_schema(responses=ComparisonSerializer)
    @action(detail=True, url_path=r"compare/(?P<other>\d+)")
    def compare(self, request, pk=None, other=None, format=None):
        """What happens to every unit from this structure (old) to the other (new): kind of
        change, shares and headcount per line."""
        old, new = policy(request.user).get_comparable_pair_or_404(pk, other)
        comparison = selectors.compare(old, new)
        data = {
            "old": old, "new": new, "by_successions": comparison.by_successions,
            "counts": comparison.counts, "staff_affected": comparison.staff_affected,
            "rows": exporters.comparison_lines(comparison),
        }
        return Response(ComparisonSerializer(data, context={"request": request}).data)


class PlacementQuerySerializer(serializers.Serializer):
    target = serializers.IntegerField(help_text="The later structure to follow the unit into.")


class UnitViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A unit of a structure the user may see."""

    serializer_class = UnitSerializer

    def get_queryset(self):
        return policy(self.request.user).units()

    def retrieve(self, request, pk=None, format=None):
        unit = self.get_object()
        node = selectors.node(unit)
        data = {
            **{f: getattr(node, f) for f in ("id", "parent_id", "structure_id", "code", "name",
                                             "short_name", "unit_type", "category",
                                             "category_label", "leader_title", "leader_name",
                                             "headcount", "fte", "location", "level")},
            "description": unit.description,
            "path": selectors.ancestors(unit),
        }
        return Response(UnitSerializer(data).data)

    @extend_schema(parameters=[PlacementQuerySerializer],
                   responses=PlacementSerializer(many=True))
    @action(detail=True)
    def placement(self, request, pk=None, format=None):
        """Where the unit's staff end up in the `target` structure, followed through every
        structure between, with the share that goes to each unit. Empty when `target` does not
        descend from the unit's structure."""
        unit = self.get_object()
        query = PlacementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        target = policy(request.user).get_structure_or_404(query.validated_data["target"])
        return Response(PlacementSerializer(selectors.placement(unit, target), many=True).data)
