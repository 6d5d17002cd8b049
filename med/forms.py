"""Forms of the MED pages. They only parse input; the rules live in med.services.

Edit forms are partial and versioned (orgreg.forms.PartialUpdateForm): a field a post leaves
out keeps its stored value, and the version the form was made from goes to the service, which
refuses a stale one."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from orgreg.forms import DateField, DateTimeField, PartialUpdateForm, VersionedForm
from units.models import Structure, Unit

from .models import Level, MedBody, Role, Side, Treatment


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label="Begrundelse", required=False, max_length=500,
        help_text="Valgfri. Står i historikken; tom giver en automatisk tekst.",
    )


class BodyForm(ReasonMixin):
    name = forms.CharField(label="Navn", max_length=200)
    level = forms.ChoiceField(label="Niveau", choices=Level.choices)
    parent = forms.ModelChoiceField(label="Overordnet udvalg", queryset=MedBody.objects.none(),
                                    required=False)
    valid_from = DateField(label="Gyldig fra")
    valid_to = DateField(label="Gyldig til", required=False,
                               help_text="Tom: indtil videre.")
    transitional = forms.BooleanField(label="Overgangsudvalg (fx OvergangsMED)", required=False)
    description = forms.CharField(label="Beskrivelse", widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)

    def __init__(self, *args, organisation=None, exclude_pk=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Without a known organisation (a new body, structure not chosen yet) every body is
        # offered; the service refuses a parent of another organisation.
        qs = MedBody.objects.select_related("organisation").order_by("organisation__name", "name")
        if organisation is not None:
            qs = qs.filter(organisation=organisation)
        if exclude_pk:
            qs = qs.exclude(pk=exclude_pk)
        self.fields["parent"].queryset = qs


class BodyEditForm(PartialUpdateForm, BodyForm):
    """Editing a body: partial and versioned."""

    FIELDS = ("name", "level", "parent", "valid_from", "valid_to", "transitional",
              "description")


class BodyCreateForm(BodyForm):
    structure = forms.ModelChoiceField(
        label="Organisering", queryset=Structure.objects.select_related("organisation"),
        help_text="Den organisering udvalget defineres ud fra; enhederne vælges bagefter.",
    )
    field_order = ["structure"]


class UnitNodeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{'— ' * obj.level}{obj.name}"


class BodyUnitsForm(VersionedForm, ReasonMixin):
    units = UnitNodeChoiceField(label="Dækker enheder (med alt under dem)",
                                queryset=Unit.objects.none(), required=False,
                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, structure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(tree_id=structure.pk).order_by("lft")


class MembershipForm(ReasonMixin):
    person_name = forms.CharField(label="Navn", max_length=200)
    side = forms.ChoiceField(label="Side", choices=Side.choices)
    role = forms.ChoiceField(label="Rolle", choices=Role.choices, initial=Role.MEDLEM)
    union = forms.CharField(label="Organisation/fagforening", max_length=200, required=False)
    email = forms.EmailField(label="E-mail", required=False,
                             help_text="Hvor høringer og påmindelser til medlemmet sendes.",
                             error_messages={"invalid": "Skriv en gyldig e-mailadresse."})
    valid_from = DateField(label="Fra")
    valid_to = DateField(label="Til", required=False)
    person_user = forms.ModelChoiceField(
        label="Bruger", required=False, queryset=get_user_model().objects.none(),
        help_text="Den bruger, der skal se udvalgets møder og materiale.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_user"].queryset = get_user_model().objects.filter(
            is_active=True).order_by("username")


class MembershipEditForm(PartialUpdateForm, MembershipForm):
    """Editing a membership: partial and versioned. `person_user` is the service's `user`."""

    FIELDS = ("person_name", "side", "role", "union", "email", "valid_from", "valid_to",
              "person_user")


class MeetingForm(ReasonMixin):
    title = forms.CharField(label="Betegnelse", max_length=200, required=False)
    starts_at = DateTimeField(label="Tidspunkt")
    place = forms.CharField(label="Sted", max_length=200, required=False)


class MeetingEditForm(PartialUpdateForm, MeetingForm):
    FIELDS = ("title", "starts_at", "place")


class AgendaItemForm(ReasonMixin):
    number = forms.IntegerField(label="Nummer", min_value=1, required=False,
                                help_text="Tom: sidst på dagsordenen.")
    title = forms.CharField(label="Punkt", max_length=300)
    treatment = forms.ChoiceField(label="Behandling", choices=Treatment.choices)
    structure = forms.ModelChoiceField(label="Organisering", queryset=Structure.objects.none(),
                                       required=False)
    description = forms.CharField(label="Sagsfremstilling", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label="Referat", required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = Structure.objects.filter(
            organisation=organisation).order_by("-effective_date", "name")


class AgendaItemEditForm(PartialUpdateForm, AgendaItemForm):
    FIELDS = ("number", "title", "treatment", "structure", "description", "minutes")


class SendAgendaForm(ReasonMixin):
    at = DateTimeField(label="Udsendt", required=False, help_text="Tom: nu.")


class ConsultationForm(ReasonMixin):
    structure = forms.ModelChoiceField(
        label="Organisering", queryset=Structure.objects.select_related("organisation"))
    body = forms.ModelChoiceField(label="MED-udvalg", queryset=MedBody.objects.order_by("name"),
                                  required=False)
    council = forms.CharField(label="Eller råd", max_length=200, required=False,
                              help_text="Fx Ældrerådet eller Handicaprådet.")
    title = forms.CharField(label="Emne", max_length=300, required=False)
    sent_on = DateField(label="Sendt")
    deadline = DateField(label="Frist")


class ConsultationEditForm(PartialUpdateForm, ConsultationForm):
    """Editing a consultation; its structure is fixed (shown, not sent)."""

    FIELDS = ("body", "council", "title", "sent_on", "deadline")


class ResponseForm(VersionedForm, ReasonMixin):
    response = forms.CharField(label="Høringssvar", widget=forms.Textarea(attrs={"rows": 6}))
    responded_on = DateField(label="Svar modtaget")
