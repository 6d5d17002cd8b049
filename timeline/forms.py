"""Browser forms of the plan. They parse and check input shapes; the rules live in
timeline.services, which the views call with the cleaned data. Edit forms are partial and
versioned (orgreg.forms.PartialUpdateForm): a field a post leaves out keeps its stored value,
and a stale form is refused by the service."""

from __future__ import annotations

from django import forms

from med.models import MedBody, Meeting
from orgreg.forms import DateField, PartialUpdateForm, VersionedForm
from units.models import Organisation, Status, Structure

from .models import DeliverableStatus, Kind, MilestoneStatus, Workstream


class MilestoneForm(forms.Form):
    title = forms.CharField(label="Titel", max_length=300)
    date = DateField(label="Dato")
    end_date = DateField(label="Slutdato", required=False,
                               help_text="Kun når milepælen strækker sig over flere dage.")
    kind = forms.ChoiceField(label="Type", choices=Kind.choices, initial=Kind.OTHER)
    status = forms.ChoiceField(label="Status", choices=MilestoneStatus.choices,
                               initial=MilestoneStatus.PLANNED)
    forum = forms.CharField(label="Forum", max_length=200, required=False,
                            help_text="Fx Byrådet, HMU, Chefteamet.")
    structure = forms.ModelChoiceField(label="Organisering", queryset=Structure.objects.none(),
                                       required=False, empty_label="(hele organisationen)",
                                       help_text="Milepælen ses kun af dem, der må se "
                                                 "den valgte organisering.")
    workstream = forms.ModelChoiceField(label="Indsatsområde", queryset=Workstream.objects.none(),
                                        required=False, empty_label="(intet)")
    med_body = forms.ModelChoiceField(label="MED-udvalg", queryset=MedBody.objects.none(),
                                      required=False, empty_label="(intet)")
    meeting = forms.ModelChoiceField(label="MED-møde", queryset=Meeting.objects.none(),
                                     required=False, empty_label="(intet)",
                                     help_text="Milepælen træder i stedet for mødets egen linje "
                                               "i tidsplanen.")
    description = forms.CharField(label="Beskrivelse", required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(label="Begrundelse", required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Skal udfyldes, når datoen flyttes, eller milepælen "
                                       "udskydes eller aflyses.")

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = (
            Structure.objects.filter(organisation=organisation)
            .exclude(status=Status.DISCARDED).order_by("-effective_date", "name")
        )
        self.fields["workstream"].queryset = Workstream.objects.filter(
            organisation=organisation).order_by("order", "name")
        self.fields["med_body"].queryset = MedBody.objects.filter(
            organisation=organisation).order_by("name")
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(body__organisation=organisation)
            .select_related("body").order_by("-starts_at")
        )


class MilestoneEditForm(PartialUpdateForm, MilestoneForm):
    FIELDS = ("title", "date", "end_date", "kind", "status", "forum", "structure",
              "workstream", "med_body", "meeting", "description")


class StatusForm(VersionedForm):
    status = forms.ChoiceField(choices=MilestoneStatus.choices)
    reason = forms.CharField(label="Begrundelse", required=False, max_length=1000)


class WorkstreamForm(forms.Form):
    name = forms.CharField(label="Navn", max_length=200)
    description = forms.CharField(label="Beskrivelse", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    order = forms.IntegerField(label="Rækkefølge", min_value=0, required=False)
    reason = forms.CharField(label="Begrundelse", required=False, max_length=1000)


class WorkstreamEditForm(PartialUpdateForm, WorkstreamForm):
    FIELDS = ("name", "description", "order")


class DeliverableForm(forms.Form):
    title = forms.CharField(label="Titel", max_length=300)
    start = DateField(label="Start")
    end = DateField(label="Slut")
    status = forms.ChoiceField(label="Status", choices=DeliverableStatus.choices,
                               initial=DeliverableStatus.PLANNED)
    progress = forms.IntegerField(label="Fremdrift (%)", initial=0,
                                  error_messages={"invalid": "Fremdriften skal være et helt tal."})
    description = forms.CharField(label="Beskrivelse", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="Begrundelse", required=False, max_length=1000)

    FIELDS = ("title", "start", "end", "status", "progress", "description")


class DeliverableEditForm(PartialUpdateForm, DeliverableForm):
    pass


class PlanFilterForm(forms.Form):
    """The plan page's filters, read from the query string. Bad values are dropped, not
    errors: a filter link should never break the page."""

    kind = forms.MultipleChoiceField(label="Type", choices=Kind.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)
    forum = forms.ChoiceField(label="Forum", required=False)
    workstream = forms.TypedChoiceField(label="Indsatsområde", required=False, coerce=int,
                                        empty_value=None)
    start = DateField(label="Fra", required=False)
    end = DateField(label="Til", required=False)

    def __init__(self, *args, forums: list[str], workstreams: list[Workstream], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].choices = [("", "(alle)")] + [(f, f) for f in forums]
        self.fields["workstream"].choices = [("", "(alle)")] + [
            (w.pk, w.name) for w in workstreams]
