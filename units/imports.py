"""Imports from the browser, the writes: an uploaded file is kept in storage as a PendingImport
(never in the session) until its editor confirms, so the preview and the import read the same
bytes, possibly in a worker. The import is written once: the pending import records the
structure it created, under a row lock, so a job run twice or retried returns that structure.

Beside units.services rather than in it: it drives units.interchange, which writes through
the services."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from orgreg import clock, jobs
from units import interchange
from units.models import Organisation, PendingImport, Status, Structure

EXPIRED = ("Importen er udløbet: en indlæst fil gemmes i {hours} timer. Indlæs filen "
           "igen.")
DISCARDED_BASIS = "Organiseringen, importen bygger på, er forkastet."
FILE_GONE = "Den indlæste fil findes ikke længere. Indlæs filen igen."

# (rows checked, rows in all), as a job reports its progress.
Progress = Callable[[int, int], None]


def expired_message() -> str:
    return EXPIRED.format(hours=settings.ORGREG_IMPORT_RETENTION_HOURS)


def is_expired(pending: PendingImport, *, now: datetime.datetime | None = None) -> bool:
    """A pending import not yet imported whose time is up."""
    return (pending.state != PendingImport.State.IMPORTED
            and pending.expires_at <= (now or clock.now()))


@transaction.atomic
def create_pending_import(organisation: Organisation, *, user, upload: UploadedFile,
                          name: str, effective_date: datetime.date, fmt: str = "",
                          based_on: Structure | None = None, create_unit_types: bool = False,
                          on_date: datetime.date,
                          os2mo: interchange.Os2moOptions | None = None) -> PendingImport:
    """Keep `upload` in storage (MEDIA_ROOT/imports/, under a name of our own) for `user` to
    preview and confirm within ORGREG_IMPORT_RETENTION_HOURS. The form has refused a file
    over interchange.MAX_IMPORT_BYTES; a basis of another organisation is refused here."""
    if based_on is not None and based_on.organisation_id != organisation.pk:
        raise ValidationError("Organiseringen, importen bygger på, hører til en anden "
                              "organisation.")
    pending = PendingImport(
        owner=user, organisation=organisation, based_on=based_on,
        filename=(upload.name or "")[:255], format=fmt or "", size=upload.size or 0,
        name=name, effective_date=effective_date, create_unit_types=create_unit_types,
        on_date=on_date, os2mo_options=(os2mo or interchange.Os2moOptions()).as_json(),
        expires_at=clock.now() + datetime.timedelta(hours=settings.ORGREG_IMPORT_RETENTION_HOURS),
    )
    pending.file.save("upload", upload, save=False)
    pending.save()
    return pending


def _prepare(pending: PendingImport, progress: Progress | None) -> interchange.ImportPlan:
    try:
        with pending.file.open("rb") as handle:
            data = handle.read(interchange.MAX_IMPORT_BYTES + 1)
    except (FileNotFoundError, ValueError):  # removed, or no file named at all
        raise ValidationError(FILE_GONE) from None
    return interchange.prepare(
        data, organisation=pending.organisation, filename=pending.filename,
        fmt=pending.format or None, based_on=pending.based_on,
        create_unit_types=pending.create_unit_types, on_date=pending.on_date,
        os2mo=interchange.Os2moOptions.from_json(pending.os2mo_options),
        progress=(lambda _stage, done, total: progress(done, total)) if progress else None,
    )


def _refuse_expired(pending: PendingImport) -> None:
    if is_expired(pending):
        raise ValidationError(expired_message())


def check_pending_import(pending: PendingImport, *,
                         progress: Progress | None = None) -> interchange.ImportPreview:
    """Check the stored file (the dry run) and keep what the page shows of the result with
    the pending import; nothing else is written. Refuses an expired one."""
    _refuse_expired(pending)
    result = interchange.preview(_prepare(pending, progress))
    pending.preview = result.as_json()
    pending.state = PendingImport.State.CHECKED
    pending.save(update_fields=["preview", "state"])
    return result


def recheck_pending_import(pending: PendingImport, *,
                           create_unit_types: bool) -> PendingImport:
    """Ask for the check again (now creating the unit types the file names and orgreg does
    not know, if the editor chose so): the kept result is dropped. An import done is left."""
    if pending.state == PendingImport.State.IMPORTED:
        return pending
    pending.create_unit_types = pending.create_unit_types or create_unit_types
    pending.preview = None
    pending.state = PendingImport.State.UPLOADED
    pending.save(update_fields=["create_unit_types", "preview", "state"])
    return pending


def import_pending(pending: PendingImport, *, user,
                   progress: Progress | None = None) -> Structure:
    """Check the stored file again and, when nothing is wrong, write the new draft
    (interchange.import_structure), once: the pending import row is locked and records the
    structure, so a second run returns the structure of the first. Refuses an expired
    import, a file with problems (the fresh check is kept for the page) and a basis since
    discarded; a refusal writes no structure. The stored file is removed once imported."""
    _refuse_expired(pending)
    refusal: ValidationError
    with transaction.atomic():
        locked = (PendingImport.objects.select_for_update(of=("self",))
                  .select_related("organisation", "based_on").get(pk=pending.pk))
        if locked.structure_id is not None:
            return Structure.objects.get(pk=locked.structure_id)
        plan = _prepare(locked, progress)
        locked.preview = interchange.preview(plan).as_json()
        locked.state = PendingImport.State.CHECKED
        try:
            if locked.based_on is not None and locked.based_on.status == Status.DISCARDED:
                raise ValidationError(DISCARDED_BASIS)
            if progress:
                progress(len(plan.units), len(plan.units) + 1)
            structure = interchange.import_structure(
                plan, organisation=locked.organisation, name=locked.name,
                effective_date=locked.effective_date, user=user, based_on=locked.based_on,
            )
        except ValidationError as error:
            refusal = error
            locked.save(update_fields=["preview", "state"])
        else:
            stored, storage = locked.file.name, locked.file.storage
            locked.structure = structure
            locked.state = PendingImport.State.IMPORTED
            locked.file = ""
            locked.save(update_fields=["preview", "state", "structure", "file"])
            transaction.on_commit(lambda: storage.delete(stored))
            return structure
    raise refusal


def discard_pending_import(pending: PendingImport) -> None:
    """Remove a pending import and its stored file."""
    if pending.file:
        pending.file.delete(save=False)
    pending.delete()


def purge_pending_imports(now: datetime.datetime) -> int:
    """Remove the pending imports past their expiry, imported or not, with their files, and
    the stored files no pending import names; how many pending imports were removed."""
    removed = 0
    for pending in PendingImport.objects.filter(expires_at__lte=now).iterator():
        discard_pending_import(pending)
        removed += 1
    referenced = set(PendingImport.objects.exclude(file="").values_list("file", flat=True))
    jobs.sweep_files("imports", referenced, older_than=now - datetime.timedelta(
        hours=settings.ORGREG_IMPORT_RETENTION_HOURS))
    return removed
