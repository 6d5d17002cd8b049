"""Serializers of the read API: models and the selectors' dataclasses as JSON. Read-only."""

from __future__ import annotations

from rest_framework import serializers

from orgreg.roles import policy

from .models import Organisation, Structure


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "description"]


class StructureSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Structure
        fields = ["id", "organisation", "organisation_name", "name", "status", "status_label",
                  "effective_date", "based_on", "confidential_until", "decision",
                  "description"]

    def to_representation(self, instance):
        """`based_on` only when the requesting user may see the basis (null otherwise: a
        published copy of a hidden draft does not give the draft's id away)."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and data.get("based_on") is not None and not policy(
                request.user).can_see_structure_id(data["based_on"]):
            data["based_on"] = None
        return data


class UnitNodeSerializer(serializers.Serializer):
    """One unit of a tree (units.selectors.UnitNode)."""

    id = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)
    structure_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    unit_type = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    leader_title = serializers.CharField()
    leader_name = serializers.CharField()
    headcount = serializers.IntegerField()
    fte = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    location = serializers.CharField()
    level = serializers.IntegerField()
    subtree_headcount = serializers.IntegerField(
        help_text="The unit's headcount plus that of every unit below it.")
    child_count = serializers.IntegerField()


class UnitRefSerializer(serializers.Serializer):
    """A unit named by id, code and name."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class UnitSerializer(UnitNodeSerializer):
    """A unit with its description and the path from the root down to its parent."""

    subtree_headcount = None
    child_count = None
    description = serializers.CharField()
    path = UnitRefSerializer(many=True)


class PlacementSerializer(serializers.Serializer):
    unit = UnitNodeSerializer()
    share = serializers.DecimalField(max_digits=6, decimal_places=2,
                                     help_text="Percent of the unit's staff that end up here.")
    path = UnitRefSerializer(many=True)
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    staff = serializers.IntegerField(
        help_text="How many of the unit's staff end up here: whole people that add up to its "
                  "headcount over all its placements.")


class ComparisonRowSerializer(serializers.Serializer):
    """One line old unit → new unit. `old` is null for a new unit, `new` for a closed one."""

    old = UnitRefSerializer(allow_null=True)
    new = UnitRefSerializer(allow_null=True)
    kind = serializers.CharField(help_text="The first of `kinds`, the one the line is shown by.")
    kind_label = serializers.CharField()
    kinds = serializers.ListField(
        child=serializers.CharField(),
        help_text="Every kind of the line (a line can be merged and moved, or renamed and "
                  "moved), in the order they are shown.")
    kind_labels = serializers.ListField(child=serializers.CharField())
    share = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    staff_moving = serializers.IntegerField(
        allow_null=True,
        help_text="Staff of the old unit that move along this line, whole people that add up "
                  "to its headcount over its lines; null for a new unit and a closed one.")
    old_headcount = serializers.IntegerField(allow_null=True,
                                             help_text="The old unit's own headcount.")
    new_headcount = serializers.IntegerField(
        allow_null=True, help_text="The new unit's own headcount, all of its staff.")
    headcount = serializers.IntegerField(
        help_text="`staff_moving`; for a new unit its own headcount, for a closed one the old "
                  "unit's (kept for earlier readers).")


class ComparisonSerializer(serializers.Serializer):
    old = StructureSerializer()
    new = StructureSerializer()
    by_successions = serializers.BooleanField(
        help_text="True when matched by successions, false when matched by unit code.")
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Kind → how many units carry it: units of the old structure for every "
                  "kind but `new`, which counts units of the new one; a unit moved and renamed "
                  "counts under both. Filtering `rows` by the kind finds the same units.")
    staff_affected = serializers.IntegerField()
    rows = ComparisonRowSerializer(many=True)


class FigureCountSerializer(serializers.Serializer):
    """One line of a distribution of the key figures."""

    key = serializers.CharField(help_text="What is counted: a depth (0 is the top), a unit "
                                          "type's or a leader title's name (empty: none).")
    label = serializers.CharField(help_text="How the page says it, in Danish.")
    count = serializers.IntegerField()


class FigureUnitSerializer(serializers.Serializer):
    """A unit a key figure names, with its depth under the top counted (0 is the top) and
    the figure's value for it (null where the list has none)."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    depth = serializers.IntegerField()
    value = serializers.IntegerField(allow_null=True)


class SpanSerializer(serializers.Serializer):
    """Span of control measured one way, over the leaders it counts."""

    label = serializers.CharField()
    threshold = serializers.IntegerField(help_text="Leaders above it are listed in `above`.")
    leaders = serializers.IntegerField(help_text="How many leaders are counted.")
    minimum = serializers.IntegerField(allow_null=True)
    median = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    maximum = serializers.IntegerField(allow_null=True)
    distribution = FigureCountSerializer(many=True,
                                         help_text="Value → how many leaders have it.")
    above = FigureUnitSerializer(many=True)


class CategoryStaffSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="drift, administration, stab, myndighed, or "
                                               "empty for units without a category.")
    label = serializers.CharField()
    units = serializers.IntegerField()
    headcount = serializers.IntegerField(help_text="The units' own headcount.")
    fte = serializers.DecimalField(max_digits=12, decimal_places=2)
    fte_missing = serializers.IntegerField(help_text="Units that give no FTE.")


class KeyFiguresSerializer(serializers.Serializer):
    """The key figures of a structure or of one unit's subtree (units.selectors.figures)."""

    structure_id = serializers.IntegerField()
    scope_id = serializers.IntegerField(allow_null=True,
                                        help_text="The unit whose subtree is counted.")
    scope_name = serializers.CharField()
    units = serializers.IntegerField()
    layers = serializers.IntegerField(help_text="The number of levels.")
    by_level = FigureCountSerializer(many=True)
    by_type = FigureCountSerializer(many=True)
    operating_depths = FigureCountSerializer(
        many=True, help_text="Depth → how many operating (drift) units lie there.")
    leaders = serializers.IntegerField(help_text="Units that name their leader.")
    by_leader_title = FigureCountSerializer(many=True)
    people_per_leader = SpanSerializer(
        help_text="The headcount a leader leads: their unit's own and that of every "
                  "sub-unit below it without a leader of its own.")
    units_per_leader = SpanSerializer(
        help_text="Direct sub-units of a leader's unit, over leaders with at least one.")
    staff = CategoryStaffSerializer(many=True)
    headcount = serializers.IntegerField()
    fte = serializers.DecimalField(max_digits=12, decimal_places=2)
    overhead_headcount = serializers.IntegerField(help_text="Administration and stab.")
    overhead_share = serializers.DecimalField(
        max_digits=5, decimal_places=4, allow_null=True,
        help_text="Administration and stab headcount over all headcount (0 to 1).")
    without_leader = FigureUnitSerializer(many=True)
    without_headcount = FigureUnitSerializer(many=True, help_text="Own headcount 0.")
    without_med_body = FigureUnitSerializer(
        many=True, help_text="Units no MED body valid on the structure's effective date "
                             "covers (bodies the user may not see cover nothing).")
    leaders_by_level = FigureCountSerializer(
        many=True, help_text="Depth → how many units there have a leader.")
    operating_leaders = serializers.IntegerField(
        help_text="Leaders of operating (drift) units: leadership close to operations.")


class NotFoundSerializer(serializers.Serializer):
    """The answer to a refused request: 404 (unknown or hidden), 401/403 (no valid login)."""

    detail = serializers.CharField()


# The answer to a malformed request (400), as DRF gives it: parameter name → Danish messages.
INVALID_REQUEST_SCHEMA = {"type": "object",
                          "additionalProperties": {"type": "array", "items": {"type": "string"}}}
