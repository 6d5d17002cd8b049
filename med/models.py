"""The MED system next to the structures: bodies, their members, meetings and consultations.

A MedBody is defined against one structure and covers units of that structure; a body covers
the subtrees of its units, so a HovedMED covering the root covers everything. Whether a body
is in force on a date is decided by its validity period (valid_to open means "until further
notice"). Everything here has history; writes go through med.services.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from orgreg import clock
from orgreg.dates import local_date
from units.models import Organisation, Structure, Unit


class Level(models.TextChoices):
    HOVED = "hoved", "Hovedudvalg"
    OMRAADE = "omraade", "Områdeudvalg"
    SEKTOR = "sektor", "Sektorudvalg"
    LOKAL = "lokal", "Lokaludvalg"
    PERSONALEMOEDE = "personalemoede", "Personalemøde med MED-status"
    FOELGEGRUPPE = "foelgegruppe", "Følgegruppe"
    ANDET = "andet", "Andet"


# The order levels are shown in, top first.
LEVEL_ORDER = [c.value for c in Level]
# Levels that represent a workplace's own MED forum; a unit without one of these has no local
# MED even when the HovedMED covers the whole organisation.
LOCAL_LEVELS = (Level.OMRAADE, Level.SEKTOR, Level.LOKAL, Level.PERSONALEMOEDE)


class Side(models.TextChoices):
    LEDELSE = "ledelse", "Ledelsessiden"
    MEDARBEJDER = "medarbejder", "Medarbejdersiden"


class Role(models.TextChoices):
    FORMAND = "formand", "Formand"
    NAESTFORMAND = "naestformand", "Næstformand"
    MEDLEM = "medlem", "Medlem"
    TR = "tr", "Tillidsrepræsentant (TR)"
    FTR = "ftr", "Fællestillidsrepræsentant (FTR)"
    AMR = "amr", "Arbejdsmiljørepræsentant (AMR)"
    SEKRETAER = "sekretaer", "Sekretær"


class Treatment(models.TextChoices):
    ORIENTERING = "orientering", "Orientering"
    DROEFTELSE = "droeftelse", "Drøftelse"
    MEDINDFLYDELSE = "medindflydelse", "Medindflydelse"
    MEDBESTEMMELSE = "medbestemmelse", "Medbestemmelse"


class ConsultationStatus(models.TextChoices):
    SENT = "sendt", "Sendt i høring"
    ANSWERED = "besvaret", "Besvaret"
    OVERDUE = "overskredet", "Frist overskredet"


def _period_q(on_date: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on_date}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on_date})
    )


class MedBody(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="med_bodies",
        verbose_name="organisation",
    )
    name = models.CharField("navn", max_length=200)
    level = models.CharField("niveau", max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name="overordnet udvalg",
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="med_bodies",
        verbose_name="organisering", help_text="Den organisering udvalget er defineret ud fra.",
    )
    units = models.ManyToManyField(
        Unit, blank=True, related_name="med_bodies", verbose_name="dækker enheder",
        help_text="Udvalget dækker enhederne og alt under dem.",
    )
    valid_from = models.DateField("gyldig fra")
    valid_to = models.DateField("gyldig til", null=True, blank=True)
    transitional = models.BooleanField(
        "overgangsudvalg", default=False,
        help_text="Et udvalg, der bærer MED-arbejdet mellem to organiseringer (OvergangsMED).",
    )
    description = models.TextField("beskrivelse", blank=True)

    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        verbose_name = "MED-udvalg"
        verbose_name_plural = "MED-udvalg"
        ordering = ["organisation__name", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="medbody_level_valid"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="medbody_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="medbody_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("med:body-detail", args=[self.pk])

    def is_valid_on(self, on_date: datetime.date) -> bool:
        return self.valid_from <= on_date and (self.valid_to is None or self.valid_to >= on_date)

    @property
    def level_rank(self) -> int:
        return LEVEL_ORDER.index(self.level)


class Membership(models.Model):
    body = models.ForeignKey(
        MedBody, on_delete=models.CASCADE, related_name="memberships", verbose_name="udvalg"
    )
    person_name = models.CharField("navn", max_length=200)
    email = models.EmailField("e-mail", blank=True,
                              help_text="Hvor høringer og påmindelser til medlemmet sendes.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="med_memberships", verbose_name="bruger",
        help_text="Brugeren ser udvalgets møder og materiale.",
    )
    side = models.CharField("side", max_length=20, choices=Side.choices)
    role = models.CharField("rolle", max_length=20, choices=Role.choices, default=Role.MEDLEM)
    union = models.CharField("organisation/fagforening", max_length=200, blank=True)
    valid_from = models.DateField("fra")
    valid_to = models.DateField("til", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "medlemskab"
        verbose_name_plural = "medlemskaber"
        ordering = ["body", "side", "person_name"]
        constraints = [
            models.CheckConstraint(condition=Q(side__in=Side.values), name="membership_side_valid"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.FORMAND) | Q(side=Side.LEDELSE),
                name="membership_chair_from_management",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.NAESTFORMAND) | Q(side=Side.MEDARBEJDER),
                name="membership_vice_chair_from_employees",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.get_role_display()}, {self.body})"

    def is_valid_on(self, on_date: datetime.date) -> bool:
        return self.valid_from <= on_date and (self.valid_to is None or self.valid_to >= on_date)


class Meeting(models.Model):
    body = models.ForeignKey(
        MedBody, on_delete=models.CASCADE, related_name="meetings", verbose_name="udvalg"
    )
    title = models.CharField("betegnelse", max_length=200, blank=True,
                             help_text="Fx »Ekstraordinært HMU-møde«.")
    starts_at = models.DateTimeField("tidspunkt")
    place = models.CharField("sted", max_length=200, blank=True)
    agenda_sent_at = models.DateTimeField("dagsorden udsendt", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "møde"
        verbose_name_plural = "møder"
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["body", "starts_at"])]

    def __str__(self) -> str:
        from orgreg.text import danish_date

        return self.title or f"{self.body} {danish_date(local_date(self.starts_at))}"

    def get_absolute_url(self) -> str:
        return reverse("med:meeting-detail", args=[self.pk])


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name="møde"
    )
    number = models.PositiveIntegerField("nummer")
    title = models.CharField("punkt", max_length=300)
    treatment = models.CharField("behandling", max_length=20, choices=Treatment.choices)
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items",
        verbose_name="organisering",
    )
    structure_at = models.DateTimeField(
        "organisering som udsendt", null=True, blank=True,
        help_text="Det øjeblik dagsordenen blev sendt; punktet viser organiseringen som den "
                  "stod da.",
    )
    description = models.TextField("sagsfremstilling", blank=True)
    minutes = models.TextField("referat", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "dagsordenspunkt"
        verbose_name_plural = "dagsordenspunkter"
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agendaitem_number_unique"),
            models.CheckConstraint(
                condition=Q(treatment__in=Treatment.values), name="agendaitem_treatment_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Consultation(models.Model):
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="consultations",
        verbose_name="organisering",
    )
    body = models.ForeignKey(
        MedBody, on_delete=models.PROTECT, null=True, blank=True, related_name="consultations",
        verbose_name="MED-udvalg",
    )
    council = models.CharField(
        "råd", max_length=200, blank=True,
        help_text="Et råd, der ikke er et MED-udvalg, fx Ældrerådet eller Handicaprådet.",
    )
    title = models.CharField("emne", max_length=300, blank=True)
    sent_on = models.DateField("sendt")
    deadline = models.DateField("frist")
    response = models.TextField("høringssvar", blank=True)
    responded_on = models.DateField("svar modtaget", null=True, blank=True)
    # The body's høringssvar given in orgreg (comments.Comment), signed by a member: then the
    # answer's text and moment are the comment's, `response` stays empty and `responded_on`
    # is the comment's day (med.services.record_answer). `response` holds an answer that came
    # another way (a council's letter, minutes) and was recorded by an editor.
    answer = models.OneToOneField(
        "comments.Comment", on_delete=models.PROTECT, null=True, blank=True,
        related_name="answered_consultation", verbose_name="afgivet høringssvar",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "høring"
        verbose_name_plural = "høringer"
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(body__isnull=False) & Q(council=""))
                | (Q(body__isnull=True) & ~Q(council="")),
                name="consultation_body_or_council",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("sent_on")),
                name="consultation_deadline_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=models.F("sent_on")),
                name="consultation_response_after_sent",
            ),
            models.CheckConstraint(
                condition=Q(answer__isnull=True) | (Q(response="") & Q(responded_on__isnull=False)),
                name="consultation_answer_is_the_response",
            ),
        ]

    def __str__(self) -> str:
        return f"Høring af {self.consulted} om {self.structure}"

    def get_absolute_url(self) -> str:
        return reverse("med:consultation-detail", args=[self.pk])

    @property
    def consulted(self) -> str:
        return self.body.name if self.body_id else self.council

    def status_on(self, today: datetime.date | None = None) -> str:
        """Answered once a response date is recorded; overdue when the deadline has passed
        without one; sent otherwise. Derived, never stored."""
        if self.responded_on is not None:
            return ConsultationStatus.ANSWERED
        today = today or clock.today()
        return ConsultationStatus.OVERDUE if today > self.deadline else ConsultationStatus.SENT

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return ConsultationStatus(self.status).label

    # The answer, read from one place whichever way it came: the signed høringssvar when
    # there is one, else the response an editor recorded.

    @property
    def answer_text(self) -> str:
        return self.answer.text if self.answer_id else self.response

    @property
    def answered_at(self) -> datetime.datetime | None:
        """The moment of a høringssvar given in orgreg; None for a recorded response (whose
        day is `responded_on`)."""
        return self.answer.created_at if self.answer_id else None

    @property
    def answered_by(self) -> str:
        """Who signed the høringssvar on the body's behalf; empty for a recorded response."""
        return self.answer.author_name if self.answer_id else ""

    @property
    def answered_late(self) -> bool:
        return self.responded_on is not None and self.responded_on > self.deadline
