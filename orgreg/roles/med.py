"""The rules for MED: bodies, memberships, meetings, consultations, and the comments and
høringssvar on a structure in consultation; a part of `orgreg.roles.Policy`."""

from __future__ import annotations

from functools import cached_property

from django.db.models import Q, QuerySet

from .base import get_or_404 as _get_or_404
from .base import statuses as _statuses


class MedRules:
    """MED bodies, their meetings and members, consultations, comments and høringssvar."""

    # --- MED -------------------------------------------------------------------------

    def med_bodies(self, queryset: QuerySet | None = None) -> QuerySet:
        """MED bodies whose structure the user may see (a body defined against a draft is an
        editor's business, like the draft)."""
        from med.models import MedBody

        qs = MedBody.objects.all() if queryset is None else queryset
        return qs.filter(self.structure_q("structure__"))

    def can_see_med_body(self, body) -> bool:
        return self.can_see_structure(body.structure)

    def get_med_body_or_404(self, pk, *, queryset: QuerySet | None = None):
        from med.models import MedBody

        qs = MedBody.objects.all() if queryset is None else queryset
        return _get_or_404(self.med_bodies(qs.select_related("structure", "organisation",
                                                             "parent")),
                           pk, "Intet MED-udvalg fundet.")

    @cached_property
    def member_body_ids(self) -> frozenset[int]:
        """The bodies the user is (or was) a member of, through a membership linked to the
        user. One query, the first time it is asked."""
        from med.models import Membership

        if self._everything or not self.is_authenticated:
            return frozenset()
        return frozenset(Membership.objects.filter(user=self.user)
                         .values_list("body_id", flat=True))

    def can_see_meetings_of(self, body) -> bool:
        """Meetings, agendas and minutes of a body: editors, and the members of the body
        (while they may see the body)."""
        if self.sees_everything:
            return True
        return body.pk in self.member_body_ids and self.can_see_med_body(body)

    def meetings(self, queryset: QuerySet | None = None) -> QuerySet:
        """The meetings the user may see (`can_see_meetings_of` their body): on the MED pages,
        in the plan and in its calendar feed alike."""
        from med.models import Meeting

        qs = Meeting.objects.all() if queryset is None else queryset
        if self.sees_everything:
            return qs
        if not self.member_body_ids:
            return qs.none()
        return qs.filter(self.structure_q("body__structure__"),
                         body_id__in=self.member_body_ids)

    def get_meeting_or_404(self, pk, *, queryset: QuerySet | None = None):
        from med.models import Meeting

        qs = Meeting.objects.all() if queryset is None else queryset
        return _get_or_404(
            self.meetings(qs.select_related("body__structure", "body__organisation")), pk,
            "Intet møde fundet.")

    def agenda_items(self, queryset: QuerySet | None = None) -> QuerySet:
        """Agenda items follow their meeting."""
        from med.models import AgendaItem

        qs = AgendaItem.objects.all() if queryset is None else queryset
        return qs.filter(meeting__in=self.meetings())

    def get_agenda_item_or_404(self, pk):
        from med.models import AgendaItem

        qs = AgendaItem.objects.select_related("meeting__body")
        if not self.sees_everything:
            qs = self.agenda_items(qs)
        return _get_or_404(qs, pk, "Intet dagsordenspunkt fundet.")

    def get_membership_or_404(self, pk):
        """Memberships are shown with their body, to whoever sees the body."""
        from med.models import Membership

        return _get_or_404(
            Membership.objects.select_related("body").filter(self.structure_q("body__structure__")),
            pk, "Intet medlemskab fundet.")

    def consultations(self, queryset: QuerySet | None = None) -> QuerySet:
        """Editors see every consultation; a MED member those on structures they may see (a
        structure in consultation is visible to them); a member of a body those on visible
        structures sent to their own bodies; others none."""
        from med.models import Consultation

        qs = Consultation.objects.all() if queryset is None else queryset
        if self.sees_everything:
            return qs
        if not self.is_med_member and not self.member_body_ids:
            return qs.none()
        q = self.structure_q("structure__")
        if self.is_med_member:
            return qs.filter(q)
        return qs.filter(q & Q(body_id__in=self.member_body_ids))

    def get_consultation_or_404(self, pk):
        from med.models import Consultation

        return _get_or_404(
            self.consultations(Consultation.objects.select_related("structure__organisation",
                                                                   "body", "answer")),
            pk, "Ingen høring fundet.")

    # --- comments and høringssvar ----------------------------------------------------

    def can_comment_on(self, structure) -> bool:
        """A comment or høringssvar on a structure or its units: MED members and managers who
        see it, while it is in consultation."""
        return (structure.status == _statuses().CONSULTATION and self.can_see_structure(
            structure) and (self.is_med_member or self.is_manager))

    @cached_property
    def current_memberships(self) -> tuple:
        """The user's memberships valid today, bodies joined (one query, when first asked)."""
        from med.models import Membership

        return () if self._everything or not self.is_authenticated else tuple(
            Membership.objects.filter(user=self.user, valid_from__lte=self.today)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.today))
            .select_related("body").order_by("body__name", "pk"))

    def membership_to_answer(self, consultation):
        """The membership through which the user may sign `consultation`'s høringssvar: of its
        body, valid today, while the user may comment on its structure; None otherwise."""
        if consultation.body_id is None or not self.can_comment_on(consultation.structure):
            return None
        return next((m for m in self.current_memberships if m.body_id == consultation.body_id),
                    None)

    def comments(self, queryset: QuerySet | None = None) -> QuerySet:
        """Comments on structures the user may see now, whatever they were when written.
        Editors see all; others their own and their bodies' høringssvar (a MED member every
        body's, as on the consultation pages)."""
        from comments.models import Comment, Kind

        qs = Comment.objects.all() if queryset is None else queryset
        if not self.is_authenticated or self.sees_everything:
            return qs if self.is_authenticated else qs.none()
        mine = Q(author_id=self.user.pk) | (Q(kind=Kind.ANSWER) & (
            Q() if self.is_med_member else Q(body_id__in=self.member_body_ids)))
        return qs.filter(self.structure_q("structure__") & mine)

    def get_comment_or_404(self, pk):
        from comments.models import Comment

        return _get_or_404(self.comments(Comment.objects.select_related("structure", "unit")),
                           pk, "Ingen kommentar fundet.")
