"""The rules for structures, their units, organisations, imports and OS2mo: a part of
`orgreg.roles.Policy` (see the package's docstring for the rules in words)."""

from __future__ import annotations

import datetime
import re
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .base import HIDDEN_STRUCTURE, NOT_COMPARABLE, NOT_EDITABLE, NOT_FOUND, comparable
from .base import get_or_404 as _get_or_404
from .base import med_statuses as _med_statuses
from .base import statuses as _statuses


class StructureRules:
    """Structures, units, organisations, pending imports and OS2mo's pulls and plans."""

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
