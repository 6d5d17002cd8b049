"""The versioned organisation tree: organisations, their structures, units and successions.

A Structure is one version of an organisation's tree. Its units form one django-mptt tree
whose tree_id is the structure's primary key, so a structure's units are always
``Unit.objects.filter(tree_id=structure.pk)`` and the index on (tree_id, lft) serves every read.

A PendingImport is an uploaded file waiting for its editor to confirm the import.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from mptt.models import MPTTModel, TreeForeignKey
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from .shares import share_text

MPTT_FIELDS = ["lft", "rght", "tree_id", "level"]


class RecordedPlace(models.Model):
    """What a unit's history record adds to its fields: where among its siblings a step put
    the unit (0 is first), when the step placed it there explicitly (a reorder, a merged unit
    or a split part put where the original stood). Without it the unit went last under its
    parent, as every insert and move does, or stayed where it was. The tree numbers are not
    history (the parent is); this is how history rebuilds the order editors set."""

    sibling_index = models.PositiveIntegerField("placering blandt søskende", null=True,
                                                blank=True)

    class Meta:
        abstract = True


class Organisation(models.Model):
    name = models.CharField("navn", max_length=200, unique=True)
    short_name = models.CharField("kort navn", max_length=60, blank=True)
    description = models.TextField("beskrivelse", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisationer"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:organisation-detail", args=[self.pk])


class Status(models.TextChoices):
    DRAFT = "draft", "Udkast"
    CONSULTATION = "consultation", "I høring"
    APPROVED = "approved", "Vedtaget"
    PUBLISHED = "published", "Udmeldt"
    DISCARDED = "discarded", "Forkastet"

# Which status may follow which, and what each allows, is units.lifecycle.


class Structure(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="structures",
        verbose_name="organisation",
    )
    name = models.CharField("navn", max_length=200)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    effective_date = models.DateField("gældende fra")
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived",
        verbose_name="baseret på",
    )
    confidential_until = models.DateField("fortrolig indtil", null=True, blank=True)
    decision = models.CharField("beslutning", max_length=300, blank=True)
    description = models.TextField("beskrivelse", blank=True)
    notice_text = models.TextField(
        "tekst til orienteringsbreve", blank=True,
        help_text="Kontakt, link til spørgsmål og svar o.l. Står på hver placeringsorientering.",
    )
    notice_sender = models.CharField(
        "afsender af orienteringsbreve", max_length=300, blank=True,
        help_text="F.eks. »Socialforvaltningen, Københavns Kommune, HR og Organisation«. "
                  "Tom: organisationens navn.",
    )
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisering"
        verbose_name_plural = "organiseringer"
        ordering = ["organisation__name", "-effective_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="structure_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(based_on=models.F("pk")), name="structure_not_based_on_itself"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "effective_date"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:structure-detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def units(self):
        return Unit.objects.filter(tree_id=self.pk)


class UnitType(models.Model):
    name = models.CharField("navn", max_length=100, unique=True)
    description = models.TextField("beskrivelse", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "enhedstype"
        verbose_name_plural = "enhedstyper"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    DRIFT = "drift", "Drift"
    ADMINISTRATION = "administration", "Administration"
    STAB = "stab", "Stab"
    MYNDIGHED = "myndighed", "Myndighed"


class Unit(MPTTModel):
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="+", verbose_name="organisering"
    )
    parent = TreeForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name="overordnet enhed",
    )
    name = models.CharField("navn", max_length=200)
    short_name = models.CharField("kort navn", max_length=60, blank=True)
    unit_type = models.ForeignKey(
        UnitType, on_delete=models.PROTECT, null=True, blank=True, verbose_name="enhedstype"
    )
    category = models.CharField(
        "kategori", max_length=20, choices=Category.choices, blank=True
    )
    code = models.CharField(
        "kode", max_length=64, blank=True,
        help_text="Ekstern nøgle: omkostningssted, OS2mo user_key, SD/OPUS-id.",
    )
    leader_title = models.CharField("ledertitel", max_length=200, blank=True)
    leader_name = models.CharField("leder", max_length=200, blank=True)
    leader_identifier = models.CharField(
        "lederident", max_length=254, blank=True,
        help_text="Lederens e-mail, medarbejdernummer eller OS2mo-uuid, som kommunens login "
                  "oplyser: lederen får adgang til enheden under »Min enhed«. Ses kun af "
                  "redaktører.",
    )
    leader_email = models.EmailField(
        "lederens e-mail", blank=True,
        help_text="Hvor udmeldingen om enheden sendes. Tom: lederidenten bruges, hvis den er "
                  "en e-mailadresse. Ses kun af redaktører.",
    )
    external_id = models.CharField(
        "eksternt id", max_length=64, blank=True,
        help_text="Enhedens uuid i OS2mo (eller et andet kildesystem). Følger enheden fra "
                  "organisering til organisering, så ændringer kan meldes tilbage.",
    )
    org_level = models.CharField(
        "organisatorisk niveau", max_length=60, blank=True,
        help_text="Kildesystemets niveau, fx OS2mo's org_unit_level (N1…N7).",
    )
    headcount = models.PositiveIntegerField("antal medarbejdere", default=0)
    fte = models.DecimalField("årsværk", max_digits=9, decimal_places=2, null=True, blank=True)
    location = models.CharField("adresse/placering", max_length=200, blank=True)
    description = models.TextField("beskrivelse", blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_units",
        through="ManagerLink", through_fields=("unit", "user"),
        verbose_name="ledere med adgang",
        help_text="Brugere (rolle Leder), der ser denne enhed under »Min enhed«.",
    )

    history = HistoricalRecords(excluded_fields=MPTT_FIELDS, bases=[RecordedPlace])

    class MPTTMeta:
        order_insertion_by = None

    class Meta:
        verbose_name = "enhed"
        verbose_name_plural = "enheder"
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "code"], condition=~Q(code=""),
                name="unit_code_unique_in_structure",
            ),
            models.CheckConstraint(
                condition=Q(category__in=[*Category.values, ""]), name="unit_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(fte__isnull=True) | Q(fte__gte=0), name="unit_fte_not_negative"
            ),
            models.UniqueConstraint(
                fields=["structure"], condition=Q(parent__isnull=True),
                name="unit_one_root_per_structure",
            ),
            # One tree per structure, numbered by the structure: reads filter on tree_id alone.
            models.CheckConstraint(
                condition=Q(tree_id=models.F("structure")), name="unit_tree_is_structure"
            ),
        ]
        indexes = [
            models.Index(fields=["structure", "code"]),
            # Signing in looks units up by the leader's identifier (units.services.managers).
            models.Index(fields=["leader_identifier"], condition=~Q(leader_identifier=""),
                         name="unit_leader_identifier"),
            # OS2mo pulls and plans look units up by their uuid there.
            models.Index(fields=["structure", "external_id"], condition=~Q(external_id=""),
                         name="unit_external_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:unit-detail", args=[self.pk])


@receiver(pre_create_historical_record, sender=Unit.history.model,
          dispatch_uid="units.recorded-place")
def _record_place(sender, instance, history_instance, **kwargs) -> None:
    """A service that places a unit at a chosen spot among its siblings sets
    ``_sibling_index`` on it before saving; the history record keeps it (see RecordedPlace)."""
    history_instance.sibling_index = getattr(instance, "_sibling_index", None)
    instance._sibling_index = None


class LinkSource(models.TextChoices):
    """How a manager came to see a unit under Min enhed."""

    HAND = "hand", "Tilføjet af en redaktør"
    DATA = "data", "Lederident ved login"


class ManagerLink(models.Model):
    """A user who sees a unit under Min enhed, and how: an editor linked them by hand, or
    signing in linked them because the unit's leader identifier is theirs. Links made by data
    are kept in step with the data at every sign-in; links made by hand stay until an editor
    removes them (units.services.managers)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="manager_links",
                             verbose_name="enhed")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="manager_links", verbose_name="leder")
    source = models.CharField("knyttet ved", max_length=10, choices=LinkSource.choices,
                              default=LinkSource.HAND)
    linked_at = models.DateTimeField("knyttet", auto_now_add=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name="knyttet af")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "leder med adgang"
        verbose_name_plural = "ledere med adgang"
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="manager_link_unique"),
            models.CheckConstraint(condition=Q(source__in=LinkSource.values),
                                   name="manager_link_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"


class Succession(models.Model):
    """A unit of an older structure continues, wholly or partly, in a unit of a newer one."""

    from_unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="successions_out", verbose_name="fra enhed"
    )
    to_unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="successions_in", verbose_name="til enhed"
    )
    share = models.DecimalField(
        "andel (%)", max_digits=5, decimal_places=2, default=100,
        help_text="Andel af den gamle enheds medarbejdere, der går til den nye enhed.",
    )
    note = models.CharField("note", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "overgang"
        verbose_name_plural = "overgange"
        constraints = [
            models.UniqueConstraint(fields=["from_unit", "to_unit"], name="succession_unique"),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=100), name="succession_share_0_100"
            ),
            models.CheckConstraint(
                condition=~Q(from_unit=models.F("to_unit")), name="succession_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit} ({share_text(self.share)})"


def _import_path(pending: "PendingImport", filename: str) -> str:
    # A name of our own on disk: the user's file name is kept in `filename`, never in a path.
    return f"imports/{uuid.uuid4().hex}.upload"


class PendingImport(models.Model):
    """An uploaded file waiting for its editor to confirm the import, kept in storage (not in
    the session) until it is imported or expires. Only its owner previews or confirms it; the
    check's result is kept as `preview` (units.interchange.preview), and the structure the
    import created as `structure`, so an import run twice creates it once."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", "Indlæst"
        CHECKED = "checked", "Kontrolleret"
        IMPORTED = "imported", "Gennemført"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="pending_imports", verbose_name="ejer")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="+", verbose_name="organisation")
    based_on = models.ForeignKey(Structure, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name="bygger på")
    filename = models.CharField("filnavn", max_length=255)
    format = models.CharField("format", max_length=20, blank=True)
    size = models.PositiveIntegerField("størrelse (bytes)", default=0)
    file = models.FileField("fil", upload_to=_import_path, blank=True)
    name = models.CharField("navn på den nye organisering", max_length=200)
    effective_date = models.DateField("gældende fra")
    create_unit_types = models.BooleanField("opret manglende enhedstyper", default=False)
    on_date = models.DateField("OS2mo: enheder gyldige på")
    # How an OS2mo answer is read (units.interchange.Os2moOptions: version, hierarchy, top).
    os2mo_options = models.JSONField("OS2mo: indlæsning", default=dict, blank=True)
    state = models.CharField("tilstand", max_length=10, choices=State.choices,
                             default=State.UPLOADED)
    preview = models.JSONField("kontrol", null=True, blank=True)
    structure = models.ForeignKey(Structure, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="oprettet organisering")
    created = models.DateTimeField("oprettet", auto_now_add=True)
    expires_at = models.DateTimeField("udløber")

    class Meta:
        verbose_name = "ventende import"
        verbose_name_plural = "ventende importer"
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"Import af {self.filename} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("units:structure-import-preview", args=[self.organisation_id, self.pk])


class Operation(models.Model):
    """One operation on a draft's units (adding, changing, moving, merging, splitting, closing a
    unit, an undo, a restore), written by the service in the same transaction as its changes:
    what it touched and each touched unit's state before and after (units.operations), so that
    it can be undone by applying the before-state through the services. `history_first` and
    `history_last` are the range of unit history ids it wrote, which ties it to its entries in
    the change log."""

    class Kind(models.TextChoices):
        ADD = "add", "Oprettet"
        UPDATE = "update", "Ændret"
        MOVE = "move", "Flyttet"
        REORDER = "reorder", "Ny rækkefølge"
        MERGE = "merge", "Lagt sammen"
        SPLIT = "split", "Delt"
        CLOSE = "close", "Nedlagt"
        UNDO = "undo", "Fortrudt"
        RESTORE = "restore", "Gendannet"

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="operations",
                                  verbose_name="organisering")
    kind = models.CharField("handling", max_length=10, choices=Kind.choices)
    reason = models.TextField("begrundelse")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name="udført af")
    created_at = models.DateTimeField("tidspunkt")
    # Unit id (as text) → state before and after; see units.operations.UnitState.
    before = models.JSONField("før", default=dict)
    after = models.JSONField("efter", default=dict)
    # Unit ids it touched, created, and moved or removed (units.operations.touched_sets).
    touched = models.JSONField("berørte enheder", default=dict)
    # Units the operation relied on without changing them (a parent, a target).
    refs = models.JSONField("forudsætter", default=list)
    successions_before = models.JSONField("overgange før", default=list)
    successions_after = models.JSONField("overgange efter", default=list)
    history_first = models.BigIntegerField("første historik-id", default=0)
    history_last = models.BigIntegerField("sidste historik-id", default=0)
    undone_by = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="undid", verbose_name="fortrudt af")

    class Meta:
        verbose_name = "handling"
        verbose_name_plural = "handlinger"
        ordering = ["pk"]
        indexes = [models.Index(fields=["structure", "history_last"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reason}"
