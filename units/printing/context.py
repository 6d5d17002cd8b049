"""The footer and stamp of every units PDF: the moment its data is from and the context
orgreg.pdf's renderer puts in the page margins."""

from __future__ import annotations

import datetime

from django.db.models import Max

from orgreg import pdf as pdf_renderer

from .. import lifecycle
from ..models import Status, Structure, Unit


def data_moment(structure: Structure) -> datetime.datetime:
    """The moment of the latest recorded change to the structure or its units: two printouts
    with the same moment show the same data. Two queries."""
    moments = [
        structure.history.aggregate(m=Max("history_date"))["m"],
        Unit.history.model.objects.filter(structure_id=structure.pk)
        .aggregate(m=Max("history_date"))["m"],
    ]
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else structure.created_at


def structure_context(structure: Structure, user, moment: datetime.datetime | None = None, *,
                      status: str | None = None, stamp: str | None = None,
                      page_size_value: str = "A4", orientation_value: str = "portrait",
                      today: datetime.date | None = None) -> dict:
    """The footer and stamp of a PDF about `structure` (see orgreg.pdf.document_context).

    `moment` defaults to the structure's latest recorded change (pass the moment when
    printing the structure as it was recorded in the past); `status` overrides the
    structure's current status (the status it had at that moment); the stamp is the one
    units.lifecycle gives that status unless `stamp` is given."""
    status = status or structure.status
    return pdf_renderer.document_context(
        organisation=structure.organisation.name, title=structure.name,
        status_label=Status(status).label if status in Status.values else "",
        data_moment=moment or data_moment(structure),
        stamp=lifecycle.stamp(status) if stamp is None else stamp,
        confidential_until=structure.confidential_until, user=user,
        page_size_value=page_size_value, orientation_value=orientation_value, today=today,
    )
