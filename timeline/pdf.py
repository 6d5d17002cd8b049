"""The plan as a PDF through the shared renderer (orgreg.pdf): the list by month with the
Gantt of workstreams, printable for a MED meeting. Same visibility as the plan page."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.utils import timezone

from orgreg import clock
from orgreg import pdf as shared_pdf
from orgreg.roles import policy
from units.models import Organisation

from . import selectors


def plan_context(organisation: Organisation, *, user, today: datetime.date | None = None,
                 filters: selectors.PlanFilter | None = None) -> dict:
    """Everything templates/timeline/plan_pdf.html reads; used by the view and by tests."""
    today = today or clock.today()
    entries = selectors.plan(organisation, user=user, filters=filters, today=today)
    return {
        "organisation": organisation,
        "today": today,
        "months": selectors.by_month(entries, today),
        "progress": selectors.progress(organisation, user=user, today=today),
        "chart": selectors.gantt(organisation, today=today),
        "pdf_organisation": organisation.name,
        "pdf_structure": "Tidsplan",
        "pdf_generated_by": shared_pdf.user_label(user),
        "pdf_generated_at": timezone.now(),
        "pdf_page_size": "A4",
        "pdf_orientation": "landscape",
    }


def render_plan_pdf(organisation: Organisation, *, user, request=None,
                    today: datetime.date | None = None) -> bytes:
    return shared_pdf.render_pdf("timeline/plan_pdf.html",
                                 plan_context(organisation, user=user, today=today),
                                 request=request)


@login_required
def plan_pdf(request, organisation_id):
    organisation = policy(request.user).get_organisation_or_404(organisation_id)
    data = render_plan_pdf(organisation, user=request.user, request=request)
    return shared_pdf.pdf_response(data, f"tidsplan-{organisation.pk}.pdf")
