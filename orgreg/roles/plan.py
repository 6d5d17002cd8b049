"""The rules for the plan: milestones, workstreams and deliverables; a part of
`orgreg.roles.Policy`."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .base import get_or_404 as _get_or_404


class PlanRules:
    """Milestones (following their structure), workstreams and deliverables."""

    # --- timeline --------------------------------------------------------------------

    def milestones(self, queryset: QuerySet | None = None) -> QuerySet:
        """Milestones without a structure for everyone logged in; those tied to a structure
        for those who may see it."""
        from timeline.models import Milestone

        qs = Milestone.objects.all() if queryset is None else queryset
        if not self.is_authenticated:
            return qs.none()
        if self.sees_everything:
            return qs
        return qs.filter(Q(structure__isnull=True) | self.structure_q("structure__"))

    def can_see_milestone(self, milestone) -> bool:
        if not self.is_authenticated:
            return False
        return milestone.structure_id is None or self.can_see_structure(milestone.structure)

    def get_milestone_or_404(self, pk):
        from timeline.models import Milestone

        milestone = _get_or_404(
            Milestone.objects.select_related("organisation", "structure", "workstream",
                                             "med_body__structure", "meeting"),
            pk, "Ingen milepæl fundet.")
        if not self.can_see_milestone(milestone):
            raise Http404("Ingen milepæl fundet.")
        return milestone

    def workstreams(self, queryset: QuerySet | None = None) -> QuerySet:
        """Workstreams (and their deliverables): everyone logged in."""
        from timeline.models import Workstream

        qs = Workstream.objects.all() if queryset is None else queryset
        return qs if self.is_authenticated else qs.none()

    def get_workstream_or_404(self, pk):
        return _get_or_404(self.workstreams().select_related("organisation"), pk,
                           "Intet indsatsområde fundet.")

    def deliverables(self, queryset: QuerySet | None = None) -> QuerySet:
        from timeline.models import Deliverable

        qs = Deliverable.objects.all() if queryset is None else queryset
        return qs if self.is_authenticated else qs.none()

    def get_deliverable_or_404(self, pk):
        return _get_or_404(self.deliverables().select_related("workstream__organisation"), pk,
                           "Ingen leverance fundet.")
