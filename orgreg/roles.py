"""Roles and visibility: one policy per user, asked by every page, PDF, export, feed, API
answer and command, in the manner of Wagtail's permission policies.

Groups: Redaktør (editor), Leder (manager), MED (MED member), Læser (reader).
Superusers see and edit everything; so does the server itself (`server_policy`, for
management commands run without ``--user``).

- A draft or discarded structure is seen by editors only.
- A structure in consultation or approved is seen by editors and MED members.
- A published structure is seen by everyone logged in, but before its
  confidential_until date only by editors and MED members.
- A unit, a MED body and a milestone tied to a structure are seen by whoever sees that
  structure; a milestone without a structure, workstreams, deliverables and organisations by
  everyone logged in.
- A body's meetings (agendas, minutes) are seen by editors and by the members of the body.
- Consultations: editors see every one; a MED member those on structures they may see; a
  member of a body (outside the MED group) those sent to their own bodies.
- Comments and høringssvar (MED members and managers, on a structure in consultation; a
  body's only by its member) are seen only by whoever sees the structure now (`comments`).
- Only editors edit, and of a structure's tree only a draft.
- An uploaded file waiting to be imported is its uploader's only (while they are an editor).
- A unit's leader identifier (an e-mail, employee number or OS2mo uuid: personal data) is
  seen by editors only — never on a PDF, in an export or API answer for anyone else, nor in
  history shown to them. Editors link managers to units by hand, in any structure they see.
- Two structures are compared only within one organisation.
- Reading OS2mo into a new structure (a pull), and the record of pulls, are for editors
  only, and only once OS2mo is set up (OS2MO_URL).
- A structure's plan for OS2mo (the changes to hand back, with every unit's uuid there), the
  log of what was pushed and the push itself are for editors only; to anyone else the plan
  page is a 404, as an editing page is.
- A user signed in through the identity provider without any of the four roles (and not a
  superuser) gets no session at all (`Policy.has_role`), and so sees nothing.

A refusal is a 404 whether the thing is hidden or missing, so that nothing's existence leaks:
non-editors get 404 from every editing page. An editor, who may see everything, gets a Danish
403 when asking to edit a structure that is past draft.

`policy(user)` is computed once per user object (and so once per request).
"""

from __future__ import annotations

import datetime
import re
from functools import cached_property, wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from orgreg import clock

EDITOR = "Redaktør"
MANAGER = "Leder"
MED = "MED"
READER = "Læser"
ALL_GROUPS = [EDITOR, MANAGER, MED, READER]

NOT_FOUND = "Siden findes ikke."
NOT_EDITABLE = ("Kun udkast kan ændres. Kopiér organiseringen til et nyt udkast for at "
                "ændre den.")
NOT_COMPARABLE = "Organiseringerne hører til forskellige organisationer."
# What is said instead of the name of a structure the reader may not see (a basis, the
# structure a history entry or a reason speaks of).
HIDDEN_STRUCTURE = "en tidligere organisering, du ikke har adgang til"


def _groups(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_orgreg_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._orgreg_groups = cached
    return cached


def _statuses():
    """units.models.Status, read when first needed so that this module loads before the apps."""
    from units.models import Status

    return Status


def _med_statuses() -> tuple[str, ...]:
    """What MED members see besides what everyone sees: structures on their way through MED."""
    Status = _statuses()
    return (Status.CONSULTATION, Status.APPROVED, Status.PUBLISHED)


def comparable(old, new) -> bool:
    """Two structures may be compared only when they belong to one organisation: successions
    never cross organisations, so a comparison across them would call every unit closed or
    new."""
    return old.organisation_id == new.organisation_id


def _get_or_404(queryset: QuerySet, pk, message: str):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None


class Policy:
    """What one user may see and edit. Querysets narrow what a caller passes (or the model's
    whole table); ``can_*`` answer for one object already read; ``get_*_or_404`` read one
    object and answer 404 when it is missing or hidden alike."""

    def __init__(self, user, *, today: datetime.date | None = None,
                 everything: bool = False) -> None:
        self.user = user
        self._today = today
        self._everything = everything

    # --- who -------------------------------------------------------------------------

    @property
    def is_authenticated(self) -> bool:
        """Logged in and active; the server itself counts as logged in."""
        if self._everything:
            return True
        user = self.user
        return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))

    @property
    def is_editor(self) -> bool:
        """Superusers and the editor group; they see everything and edit drafts."""
        if not self.is_authenticated or self._everything:
            return False
        return bool(getattr(self.user, "is_superuser", False)) or EDITOR in _groups(self.user)

    @property
    def is_med_member(self) -> bool:
        return self.is_authenticated and MED in _groups(self.user)

    @property
    def is_manager(self) -> bool:
        return self.is_authenticated and MANAGER in _groups(self.user)

    @property
    def has_role(self) -> bool:
        """Whether the user holds one of orgreg's roles or is a superuser: the identity
        provider's sign-in refuses a session to a user who does not."""
        if not self.is_authenticated or self._everything:
            return self._everything
        return bool(getattr(self.user, "is_superuser", False)) or any(
            name in _groups(self.user) for name in ALL_GROUPS)

    @property
    def sees_everything(self) -> bool:
        return self._everything or self.is_editor

    @property
    def sees_leader_identifiers(self) -> bool:
        """A unit's leader identifier is personal data, for editors (and the server's own
        commands) only."""
        return self.sees_everything

    def can_link_managers(self, unit) -> bool:
        """Linking a manager to a unit by hand, or removing the link: editors, for any unit
        they see (access is not an edit of the tree, so a published structure's too)."""
        return self.is_editor and self.can_see_unit(unit)

    @property
    def can_pull_from_os2mo(self) -> bool:
        """Reading OS2mo into a new structure (os2mo.pulling), from the organisation page:
        editors, once OS2mo is set up (OS2MO_URL)."""
        from django.conf import settings

        return self.is_editor and bool(settings.OS2MO_URL)

    def os2mo_pulls(self, queryset: QuerySet | None = None) -> QuerySet:
        """The record of pulls from OS2mo (who pulled, into which structure): editors only."""
        from os2mo.models import Pull

        qs = queryset if queryset is not None else Pull.objects.all()
        return qs if self.is_editor else qs.none()

    @property
    def can_administer(self) -> bool:
        """The Django admin (reference data; domain models are read-only there)."""
        return self.is_authenticated and bool(getattr(self.user, "is_staff", False))

    @property
    def role_names(self) -> list[str]:
        names = [g for g in ALL_GROUPS if g in _groups(self.user)] if self.is_authenticated \
            else []
        if getattr(self.user, "is_superuser", False) and EDITOR not in names:
            names.insert(0, "Administrator")
        return names

    @property
    def today(self) -> datetime.date:
        return self._today or clock.today()

    # --- structures --------------------------------------------------------------------

    def can_see_status(self, status: str, confidential_until: datetime.date | None) -> bool:
        """The rule itself, for a structure with this status and confidentiality (also the
        status a structure had at a past moment)."""
        if not self.is_authenticated:
            return False
        if self.sees_everything:
            return True
        if self.is_med_member and status in _med_statuses():
            return True
        return status == _statuses().PUBLISHED and (confidential_until is None
                                        or confidential_until <= self.today)

    def structure_q(self, prefix: str = "") -> Q:
        """The rule as a Q over Structure, or over a model reaching it through `prefix`
        (``"structure__"``, ``"body__structure__"``). Empty for those who see everything."""
        if not self.is_authenticated:
            return Q(pk__in=[])
        if self.sees_everything:
            return Q()
        p = prefix
        not_confidential = Q(**{f"{p}confidential_until__isnull": True}) | Q(
            **{f"{p}confidential_until__lte": self.today}
        )
        q = Q(**{f"{p}status": _statuses().PUBLISHED}) & not_confidential
        if self.is_med_member:
            q |= Q(**{f"{p}status__in": list(_med_statuses())})
        return q

    def structures(self, queryset: QuerySet | None = None) -> QuerySet:
        """The structures the user may see."""
        from units.models import Structure

        qs = Structure.objects.all() if queryset is None else queryset
        return qs.filter(self.structure_q())

    @cached_property
    def structure_ids(self) -> frozenset[int]:
        """The ids of every structure the user may see, read once (one query) for the
        lifetime of this policy, i.e. one request: for checking many references at once."""
        return frozenset(self.structures().values_list("pk", flat=True))

    def can_see_structure_id(self, pk: int | None) -> bool:
        """Whether the structure with this id is one the user may see (no query after the
        first: see `structure_ids`)."""
        return pk is not None and pk in self.structure_ids

    def can_see_structure(self, structure) -> bool:
        return self.can_see_status(structure.status, structure.confidential_until)

    @cached_property
    def _hidden_names(self) -> tuple[str, ...]:
        """The names of every structure the user may not see, longest first (one query, the
        first time; none for those who see everything)."""
        from units.models import Structure

        if self.sees_everything:
            return ()
        names = set(Structure.objects.exclude(pk__in=self.structure_ids)
                    .values_list("name", flat=True))
        return tuple(sorted((n for n in names if n), key=len, reverse=True))

    def redact(self, text: str) -> str:
        """Free text (a history reason, a forum) with the name of every structure the user may
        not see replaced by `HIDDEN_STRUCTURE`: "Kopieret fra »Model A«." becomes "Kopieret fra
        en tidligere organisering, du ikke har adgang til." for a reader."""
        if not text or self.sees_everything:
            return text
        for name in self._hidden_names:
            if name not in text:
                continue
            text = text.replace(f"»{name}«", HIDDEN_STRUCTURE)
            # The bare name too (an editor's own words), as a whole word; a name of one or two
            # characters only when quoted, lest every "A" of a reason be replaced.
            if len(name) > 2:
                text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", HIDDEN_STRUCTURE, text)
        return text

    def can_see_as_recorded(self, structure, status: str) -> bool:
        """The structure as history recorded it at a moment when it had `status` (empty:
        it did not exist yet): the user must be allowed to see it now and as it was then, so a
        published structure's draft days stay the editors' business."""
        return self.can_see_structure(structure) and (
            not status or self.can_see_status(status, structure.confidential_until))

    def get_structure_or_404(self, pk):
        """The structure with this pk if the user may see it; 404 otherwise, so that the
        existence of a draft is never leaked."""
        from units.models import Structure

        structure = _get_or_404(
            Structure.objects.select_related("organisation", "based_on"), pk,
            "Ingen organisering fundet.")
        if not self.can_see_structure(structure):
            raise Http404("Ingen organisering fundet.")
        return structure

    def can_edit_structure(self, structure) -> bool:
        """Editing the tree and every field: editors, drafts only."""
        return self.is_editor and structure.status == _statuses().DRAFT

    def can_manage_structure(self, structure) -> bool:
        """Status, late fields, notices, copies, handling comments: editors, any they see."""
        return self.is_editor and self.can_see_structure(structure)

    def get_editable_structure_or_404(self, pk):
        """A draft the user may edit. 404 for non-editors whatever the structure (so a draft's
        existence does not leak) and for a missing one; a Danish 403 for an editor asking to
        edit a structure past draft (they may see it, so that tells nothing)."""
        self.require_editor()
        structure = self.get_structure_or_404(pk)
        if not self.can_edit_structure(structure):
            raise PermissionDenied(NOT_EDITABLE)
        return structure

    def can_see_os2mo_plan(self, structure) -> bool:
        """The plan for OS2mo and the log of what was sent there: editors only (only an
        editor may push, and the plan names every unit with its uuid in OS2mo), for a
        structure they see."""
        return self.is_editor and self.can_see_structure(structure)

    def get_os2mo_plan_structure_or_404(self, pk):
        """A structure whose plan for OS2mo the user may see; 404 for anyone but an editor,
        whatever the structure, as for an editing page."""
        self.require_editor()
        structure = self.get_structure_or_404(pk)
        if not self.can_see_os2mo_plan(structure):
            raise Http404(NOT_FOUND)
        return structure

    def get_comparable_pair_or_404(self, old_pk, new_pk):
        """(old, new): both visible and of one organisation (see `comparable`); 404 for either
        refusal, on the page, in the PDF, in the XLSX export and from the API alike."""
        old = self.get_structure_or_404(old_pk)
        new = self.get_structure_or_404(new_pk)
        if not comparable(old, new):
            raise Http404(NOT_COMPARABLE)
        return old, new

    # --- organisations ---------------------------------------------------------------

    def organisations(self, queryset: QuerySet | None = None) -> QuerySet:
        """Organisations: everyone logged in (their structures follow the rule above)."""
        from units.models import Organisation

        qs = Organisation.objects.all() if queryset is None else queryset
        return qs if self.is_authenticated else qs.none()

    def get_organisation_or_404(self, pk):
        return _get_or_404(self.organisations(), pk, "Ingen organisation fundet.")

    def pending_imports(self, queryset: QuerySet | None = None) -> QuerySet:
        """Uploaded files waiting for an import: an editor's own only, not another's."""
        from units.models import PendingImport

        qs = PendingImport.objects.all() if queryset is None else queryset
        return qs.filter(owner_id=self.user.pk) if self.is_editor else qs.none()

    def get_pending_import_or_404(self, pk, *, organisation=None):
        qs = self.pending_imports().select_related("organisation", "based_on", "structure")
        if organisation is not None:
            qs = qs.filter(organisation=organisation)
        return _get_or_404(qs, pk, "Ingen import fundet.")

    # --- units -----------------------------------------------------------------------

    def units(self, queryset: QuerySet | None = None) -> QuerySet:
        """Units of the structures the user may see."""
        from units.models import Unit

        qs = Unit.objects.all() if queryset is None else queryset
        return qs.filter(self.structure_q("structure__"))

    def can_see_unit(self, unit) -> bool:
        return self.can_see_structure(unit.structure)

    def get_unit_or_404(self, pk, *, queryset: QuerySet | None = None):
        """The unit with this pk (its structure joined in) if the user may see its structure;
        404 otherwise, worded like a unit that does not exist."""
        from units.models import Unit

        qs = queryset if queryset is not None else Unit.objects.all()
        unit = _get_or_404(qs.select_related("structure", "structure__organisation",
                                             "structure__based_on"), pk, "Ingen enhed fundet.")
        if not self.can_see_unit(unit):
            raise Http404("Ingen enhed fundet.")
        return unit

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

    # --- editing outside a structure's tree -----------------------------------------

    def can_edit(self, obj: Model | None = None) -> bool:
        """MED bodies, members, meetings, consultations, milestones, workstreams: editors.
        (A structure's tree: `can_edit_structure`.)"""
        return self.is_editor

    def require_editor(self) -> None:
        """404 for anyone but an editor: an editing page tells a non-editor nothing, not even
        that the thing exists."""
        if not self.is_editor:
            raise Http404(NOT_FOUND)


def policy(user) -> Policy:
    """The user's policy, kept on the user object so that one request (and one command run)
    reads the user's groups and memberships once."""
    if user is None:
        return Policy(None)
    cached = getattr(user, "_orgreg_policy", None)
    if cached is None:
        cached = Policy(user)
        try:
            user._orgreg_policy = cached
        except AttributeError:  # pragma: no cover - a user object without a __dict__
            pass
    return cached


class _Anyone:
    """A user logged in with no role at all: what everyone may see (`everyone_policy`)."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    pk = None
    _orgreg_groups: frozenset[str] = frozenset()


def everyone_policy(*, today: datetime.date | None = None) -> Policy:
    """The view of anyone logged in, whatever their role (none): the rule for what may be
    told to a person orgreg knows only by an e-mail address (an udmelding to a unit's
    leader). It sees a published structure from its confidential_until date on."""
    return Policy(_Anyone(), today=today)


def public_from(structure, zone=None) -> datetime.datetime | None:
    """The moment `everyone_policy` starts to see a published structure: the start of its
    confidential_until day in the municipality's time zone (the day's date is what the rule
    compares with today, orgreg.clock's Copenhagen date); None when there is no such date,
    as a published structure without one is seen at once."""
    if structure.confidential_until is None:
        return None
    return datetime.datetime.combine(structure.confidential_until, datetime.time(0),
                                     tzinfo=zone or clock.zone())


def server_policy() -> Policy:
    """The server's own view, for management commands run without ``--user``: everything."""
    return Policy(None, everything=True)


def editor_required(view):
    """Login required (anonymous users go to the login page), and the user must be an editor:
    404 otherwise, as for anything the user may not see."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        policy(request.user).require_editor()
        return view(request, *args, **kwargs)

    return wrapper
