"""The read API under /api/: organisations, structures, a structure's tree, units, placements
and comparisons, as JSON, with the same visibility as the pages (orgreg.roles.policy): a
structure a user may not see answers 404, as does every unit in it and a comparison of two
organisations' structures. Read-only; session login or a token
("Authorization: Token …") for other systems. Described by OpenAPI at /api/schema/."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from orgreg.roles import policy

from . import markup, selectors
from .interchange import exporters
from .models import Organisation, Status, Unit
from .serializers import (
    INVALID_REQUEST_SCHEMA,
    ComparisonSerializer,
    KeyFiguresSerializer,
    NotFoundSerializer,
    OrganisationSerializer,
    PlacementSerializer,
    StructureSerializer,
    UnitNodeSerializer,
    UnitSerializer,
)

# Ids are database keys (BigAutoField): a number outside them is refused like any non-number.
MAX_ID = 2**63 - 1
NOT_AN_ID = "Skal være et helt tal fra 1 til 9223372036854775807."


def path_id(value, name: str) -> int:
    """An id from the URL as a number; a non-number or one outside the keys' range is a 400 with
    a Danish message naming the parameter, never a 500 from the database."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= MAX_ID or not str(value).isdigit():
        raise ValidationError({name: [NOT_AN_ID]})
    return number


def id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, error_messages={
        "invalid": NOT_AN_ID, "min_value": NOT_AN_ID, "max_value": NOT_AN_ID,
        "max_string_length": NOT_AN_ID, "required": "Skal angives.",
        "null": "Skal angives."}, **kwargs)


def query(serializer_class, request) -> dict:
    """The request's query parameters, checked by `serializer_class`: 400 with a Danish message
    per parameter when one is malformed or missing."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ReadApiSchema(AutoSchema):
    """The OpenAPI description tells every answer an operation can give: 401/403 without a
    valid login, 404 when an id in the path is unknown or hidden, 400 when a parameter is
    malformed."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        places = {p["in"] for p in operation.get("parameters", [])}
        errors = {"401": ("Ikke logget ind.", NotFoundSerializer),
                  "403": ("Ingen adgang.", NotFoundSerializer)}
        if places:
            errors["400"] = ("En parameter er forkert; beskeden siger hvilken.",
                             INVALID_REQUEST_SCHEMA)
        if "path" in places:
            errors["404"] = ("Findes ikke, eller du har ikke adgang til den.",
                             NotFoundSerializer)
        for code, (description, serializer) in errors.items():
            response = self._get_response_for_code(serializer, code)
            response["description"] = description
            operation["responses"].setdefault(code, response)
        return operation


class ReadOnlyApi:
    """What every viewset of the read API shares: its schema, and ids parsed before lookup."""

    schema = ReadApiSchema()
    lookup_value_regex = r"[^/.]+"

    def lookup_id(self) -> int:
        return path_id(self.kwargs[self.lookup_field], "id")


class NotFoundView(APIView):
    """Every path under /api/ that no route takes: a JSON 404 like an unknown id, not the
    site's HTML page, so a client of the API always reads JSON."""

    schema = None

    def get(self, request, *args, **kwargs):
        raise NotFound("Ingen sådan adresse i API'et.")

    post = put = patch = delete = head = options = get


class OrganisationViewSet(ReadOnlyApi, viewsets.ReadOnlyModelViewSet):
    """Organisations. Their structures are at /api/structures/?organisation=<id>."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.all()

    def get_queryset(self):
        return policy(self.request.user).organisations()

    def get_object(self):
        return policy(self.request.user).get_organisation_or_404(self.lookup_id())


class StructureQuerySerializer(serializers.Serializer):
    organisation = id_field(required=False, help_text="Only this organisation's.")
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text="Only structures with this status.",
        error_messages={"invalid_choice": "Ukendt status: »{input}«. Brug en af: "
                        + ", ".join(Status.values) + "."})


class FiguresQuerySerializer(serializers.Serializer):
    unit = id_field(required=False, help_text="Only this unit of the structure and its "
                                              "subtree.")


@extend_schema_view(list=extend_schema(parameters=[StructureQuerySerializer]))
class StructureViewSet(ReadOnlyApi, viewsets.ReadOnlyModelViewSet):
    """Structures (versions of an organisation's tree) the user may see, with status and
    effective date; newest first within each organisation."""

    serializer_class = StructureSerializer

    def get_queryset(self):
        qs = policy(self.request.user).structures().select_related("organisation")
        if self.action == "list":
            params = query(StructureQuerySerializer, self.request)
            if "organisation" in params:
                qs = qs.filter(organisation_id=params["organisation"])
            if params.get("status"):
                qs = qs.filter(status=params["status"])
        return qs

    def get_object(self):
        return policy(self.request.user).get_structure_or_404(self.lookup_id())

    @extend_schema(responses=UnitNodeSerializer(many=True))
    @action(detail=True)
    def tree(self, request, pk=None, format=None):
        """Every unit of the structure in tree order (parents before children, siblings in
        their order), with depth and subtree headcount. One query for the units."""
        structure = self.get_object()

        def data():
            return UnitNodeSerializer(selectors.tree(structure), many=True).data

        if type(request.accepted_renderer) is not JSONRenderer:
            return Response(data())
        # As JSON (what other systems ask for), a frozen structure's tree is rendered once and
        # kept in the cache as the bytes sent (units.markup.cache).
        body = markup.cached(markup.frozen_line_key("api-tree", [structure]),
                             lambda: JSONRenderer().render(data()))
        return HttpResponse(body, content_type=JSONRenderer.media_type)

    @extend_schema(parameters=[FiguresQuerySerializer], responses=KeyFiguresSerializer)
    @action(detail=True)
    def figures(self, request, pk=None, format=None):
        """The structure's key figures: units per level and type, layers, leaders, span of
        control (people and direct sub-units per leader), headcount and FTE per category,
        and the units without a leader, headcount or MED body; with `unit`, of that unit and
        its subtree. Two queries for any size."""
        structure = self.get_object()
        params = query(FiguresQuerySerializer, request)
        under = None
        if "unit" in params:
            under = Unit.objects.filter(pk=params["unit"], tree_id=structure.pk).first()
            if under is None:
                raise NotFound("Enheden findes ikke i denne organisering.")
        figures = markup.cached_figures(structure, under=under, viewer=policy(request.user))
        return Response(KeyFiguresSerializer(figures).data)

    @extend_schema(responses=ComparisonSerializer, parameters=[
        OpenApiParameter("other", OpenApiTypes.INT, OpenApiParameter.PATH,
                         description="The newer structure to compare with.")])
    @action(detail=True, url_path=r"compare/(?P<other>[^/.]+)")
    def compare(self, request, pk=None, other=None, format=None):
        """What happens to every unit from this structure (old) to the other (new): kind of
        change, shares and headcount per line."""
        old, new = policy(request.user).get_comparable_pair_or_404(
            self.lookup_id(), path_id(other, "other"))
        comparison = selectors.compare(old, new)
        data = {
            "old": old, "new": new, "by_successions": comparison.by_successions,
            "counts": comparison.counts, "staff_affected": comparison.staff_affected,
            "rows": exporters.comparison_lines(comparison),
        }
        return Response(ComparisonSerializer(data, context={"request": request}).data)


class PlacementQuerySerializer(serializers.Serializer):
    target = id_field(help_text="The later structure to follow the unit into.")


class UnitViewSet(ReadOnlyApi, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A unit of a structure the user may see."""

    serializer_class = UnitSerializer

    def get_queryset(self):
        return policy(self.request.user).units()

    def get_object(self):
        return policy(self.request.user).get_unit_or_404(self.lookup_id())

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
        target = policy(request.user).get_structure_or_404(
            query(PlacementQuerySerializer, request)["target"])
        return Response(PlacementSerializer(selectors.placement(unit, target), many=True).data)
