"""Forms of the units pages. They parse and check the shape of input; the rules live in
units.services, whose Danish refusals the views put back on these forms (apply_refusal).

Unit pickers are plain integer fields: their <option> lists are built once per page in
units.markup (10,000 options through Django's Select widget would take seconds)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from orgreg.forms import DateField, DateTimeField, PartialUpdateForm, VersionedForm
from orgreg.moments import parse_moment
from orgreg.text import quoted
from orgreg.versions import current_version

from . import lifecycle, shares
from .models import Category, Status, Structure, Unit, UnitType
from .services import REASON_REQUIRED_MESSAGE, reason_required

REASON_HELP = "Valgfri. Står i historikken; uden begrundelse skriver orgreg selv, hvad der skete."


def reason_field() -> forms.CharField:
    return forms.CharField(
        label="Begrundelse", required=False, max_length=500, help_text=REASON_HELP,
        widget=forms.TextInput(attrs={"size": 50}),
    )


class StructuralForm(VersionedForm):
    """A structural change of a unit (move, merge, split, close): versioned, and with the
    reason required when the setting says so (units.services.common.reason_required, the
    rule the services apply too)."""

    reason = reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_required():
            field = self.fields["reason"]
            field.required = True
            field.help_text = "Står i historikken sammen med dit navn og tidspunktet."
            field.error_messages["required"] = REASON_REQUIRED_MESSAGE

    @classmethod
    def initial_for(cls, unit: Unit, **initial) -> dict:
        return {**initial, "version": current_version(unit)}


class ShareField(forms.Field):
    """A share in percent, read and checked by units.shares ("33,33", "50 %"): the same
    rule as the services and the importers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": 0, "max": 100,
                                                             "step": "0.01"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return shares.parse_share(value)
        except shares.ShareError as error:
            raise ValidationError(error.message) from None


class UnitFieldsForm(forms.Form):
    """The unit's own fields, as add_unit and update_unit take them."""

    name = forms.CharField(label="Navn", max_length=200)
    short_name = forms.CharField(label="Kort navn", max_length=60, required=False)
    unit_type = forms.ModelChoiceField(label="Enhedstype", queryset=UnitType.objects.all(),
                                       required=False, empty_label="(ingen)")
    category = forms.ChoiceField(label="Kategori", required=False,
                                 choices=[("", "(ingen)"), *Category.choices])
    code = forms.CharField(label="Kode", max_length=64, required=False,
                           help_text="Omkostningssted, OS2mo user_key eller SD/OPUS-id.")
    leader_title = forms.CharField(label="Ledertitel", max_length=200, required=False)
    leader_name = forms.CharField(label="Leder", max_length=200, required=False)
    leader_identifier = forms.CharField(
        label="Lederident", max_length=254, required=False,
        help_text="Lederens e-mail, medarbejdernummer eller OS2mo-uuid: når lederen logger ind "
                  "med kommunens login, får vedkommende enheden under »Min enhed«. Ses kun af "
                  "redaktører.")
    leader_email = forms.EmailField(
        label="Lederens e-mail", max_length=254, required=False,
        help_text="Hvor lederen får udmeldingen, når organiseringen udmeldes (ellers "
                  "lederidenten, hvis den er en e-mailadresse). Ses kun af redaktører.")
    headcount = forms.IntegerField(label="Antal medarbejdere", min_value=0, required=False)
    fte = forms.DecimalField(label="Årsværk", min_value=0, max_digits=9, decimal_places=2,
                             required=False)
    location = forms.CharField(label="Adresse/placering", max_length=200, required=False)
    description = forms.CharField(label="Beskrivelse", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    reason = reason_field()

    FIELDS = ("name", "short_name", "unit_type", "category", "code", "leader_title",
              "leader_name", "leader_identifier", "leader_email", "headcount", "fte", "location",
              "description")

    @classmethod
    def initial_from(cls, unit: Unit) -> dict:
        return {f: getattr(unit, f) for f in cls.FIELDS}

    def unit_fields(self) -> dict:
        data = {f: self.cleaned_data.get(f) for f in self.FIELDS}
        if data["headcount"] is None:
            data["headcount"] = 0
        return data


class ManagerLinkForm(forms.Form):
    """An editor gives a user access to a unit under Min enhed, by username."""

    prefix = "leder"
    username = forms.CharField(
        label="Brugernavn", max_length=150,
        help_text="Brugeren ser enheden under »Min enhed« (med rollen Leder også på forsiden).")

    def clean(self):
        cleaned = super().clean()
        username = (cleaned.get("username") or "").strip()
        if username:
            manager = get_user_model().objects.filter(username__iexact=username).first()
            if manager is None:
                raise ValidationError(f"Der er ingen bruger med brugernavnet {quoted(username)}.")
            cleaned["username"], cleaned["manager"] = manager.get_username(), manager
        return cleaned


class AddUnitForm(UnitFieldsForm):
    prefix = "add"


class UpdateUnitForm(PartialUpdateForm, UnitFieldsForm):
    """Editing a unit: partial (fields not sent keep their value) and versioned."""

    prefix = "edit"

    @classmethod
    def initial_from(cls, unit: Unit) -> dict:
        return {**super().initial_from(unit), "version": current_version(unit)}

    def unit_fields(self) -> dict:
        fields = super().unit_fields()
        return {f: v for f, v in fields.items() if self.was_sent(f)}


class MoveForm(StructuralForm):
    prefix = "move"
    new_parent = forms.IntegerField(label="Ny overordnet enhed")


class MergeForm(StructuralForm):
    prefix = "merge"
    others = forms.TypedMultipleChoiceField(
        label="Læg sammen med", coerce=int, choices=(),
        help_text="Vælg en eller flere enheder (hold Ctrl nede for at vælge flere).",
    )
    into = forms.ChoiceField(
        label="Resultat", initial="this", widget=forms.RadioSelect,
        choices=[("this", "Denne enhed fortsætter (evt. med nyt navn)"),
                 ("new", "En ny enhed med navnet herunder")],
    )
    name = forms.CharField(label="Navn på den sammenlagte enhed", max_length=200, required=False)

    def __init__(self, *args, unit_ids: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["others"].choices = [(i, i) for i in unit_ids]

    def clean(self):
        data = super().clean()
        if data.get("into") == "new" and not (data.get("name") or "").strip():
            self.add_error("name", "Skriv navnet på den nye, sammenlagte enhed.")
        return data


SPLIT_PARTS = 4


class SplitForm(StructuralForm):
    """Up to four parts, each a name, a share, a code and a leader; the children of the unit
    are handed out to the parts by `child_<id>` fields added per unit."""

    prefix = "split"

    def __init__(self, *args, children: list = (), **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, SPLIT_PARTS + 1):
            self.fields[f"name_{i}"] = forms.CharField(
                label=f"Del {i}: navn", max_length=200, required=i <= 2)
            self.fields[f"share_{i}"] = ShareField(label=f"Del {i}: andel (%)",
                                                   required=i <= 2)
            self.fields[f"code_{i}"] = forms.CharField(
                label=f"Del {i}: kode", max_length=64, required=False)
            self.fields[f"leader_name_{i}"] = forms.CharField(
                label=f"Del {i}: leder", max_length=200, required=False)
        self.children = list(children)
        choices = [(str(i), f"Del {i}") for i in range(1, SPLIT_PARTS + 1)]
        for child in self.children:
            self.fields[f"child_{child.id}"] = forms.ChoiceField(
                label=child.name, choices=choices, initial="1", required=False)
        # Keep the field order: parts first, then children, then the reason.
        self.order_fields([*[f for i in range(1, SPLIT_PARTS + 1) for f in
                             (f"name_{i}", f"share_{i}", f"code_{i}", f"leader_name_{i}")],
                           *[f"child_{c.id}" for c in self.children], "reason", "version"])

    def part_rows(self):
        return [(self[f"name_{i}"], self[f"share_{i}"], self[f"code_{i}"],
                 self[f"leader_name_{i}"]) for i in range(1, SPLIT_PARTS + 1)]

    def child_rows(self):
        return [self[f"child_{c.id}"] for c in self.children]

    def clean(self):
        data = super().clean()
        for i in range(3, SPLIT_PARTS + 1):
            name, share = data.get(f"name_{i}"), data.get(f"share_{i}")
            if name and share is None:
                self.add_error(f"share_{i}", "Angiv en andel for denne del.")
            if share is not None and not name:
                self.add_error(f"name_{i}", "Angiv et navn for denne del.")
        return data

    def parts(self, children_by_id: dict[int, Unit]) -> list[dict]:
        parts = []
        for i in range(1, SPLIT_PARTS + 1):
            name = self.cleaned_data.get(f"name_{i}")
            if not name:
                continue
            part = {"name": name, "share": self.cleaned_data[f"share_{i}"],
                    "children": [], "_index": i}
            # Only what was sent: a form without the code or leader keeps the unit's own.
            for field in ("code", "leader_name"):
                if self.add_prefix(f"{field}_{i}") in self.data:
                    part[field] = self.cleaned_data[f"{field}_{i}"]
            parts.append(part)
        index_of = {p["_index"]: p for p in parts}
        for child in self.children:
            chosen = int(self.cleaned_data.get(f"child_{child.id}") or 1)
            part = index_of.get(chosen)
            if part is None:
                raise ValidationError(
                    f"»{child.name}« er sat til del {chosen}, som ikke har noget navn.")
            if chosen != parts[0]["_index"]:
                part["children"].append(children_by_id[child.id])
        for p in parts:
            p.pop("_index")
        return parts


class CloseForm(StructuralForm):
    prefix = "close"
    transfer_children_to = forms.IntegerField(
        label="Flyt underenhederne til", required=False,
        help_text="Skal udfyldes, når enheden har underenheder.")
    confirm = forms.BooleanField(label="Ja, nedlæg enheden", required=True)


class CopyForm(forms.Form):
    prefix = "copy"
    name = forms.CharField(label="Navn på det nye udkast", max_length=200)
    effective_date = DateField(label="Gældende fra")
    reason = reason_field()


class StatusForm(forms.Form):
    prefix = "status"
    status = forms.ChoiceField(label="Ny status", choices=Status.choices)
    reason = reason_field()

    def __init__(self, *args, structure: Structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = next_statuses(structure)


def next_statuses(structure: Structure) -> list[tuple[str, str]]:
    """The statuses offered for `structure`: those units.lifecycle lets follow its own."""
    return [(s.value, s.label) for s in lifecycle.next_statuses(structure.status)]


class StructureForm(PartialUpdateForm):
    """A structure's own fields: partial (fields not sent keep their value) and versioned."""

    prefix = "structure"
    name = forms.CharField(label="Navn", max_length=200)
    effective_date = DateField(label="Gældende fra")
    confidential_until = DateField(label="Fortrolig indtil", required=False)
    decision = forms.CharField(label="Beslutning", max_length=300, required=False,
                               help_text="F.eks. »Byrådet 16.12.2020«.")
    description = forms.CharField(label="Beskrivelse", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    notice_text = forms.CharField(label="Tekst til orienteringsbreve", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    reason = reason_field()

    FIELDS = ("name", "effective_date", "confidential_until", "decision", "description",
              "notice_text")

    @classmethod
    def initial_from(cls, structure: Structure) -> dict:
        return {**{f: getattr(structure, f) for f in cls.FIELDS},
                "version": current_version(structure)}


class NewStructureForm(forms.Form):
    prefix = "new"
    name = forms.CharField(label="Navn", max_length=200)
    effective_date = DateField(label="Gældende fra")
    reason = reason_field()


class DateForm(forms.Form):
    date = DateField(label="Vis hvad der gælder den", required=False)


class AtForm(forms.Form):
    """?at= on the history page: a date, or a date and time."""

    at = forms.CharField(label="Vis organiseringen som den var registreret", required=False)

    def clean_at(self) -> datetime.datetime | None:
        # A date alone means the end of that day: what had been recorded by then.
        return parse_moment(self.cleaned_data.get("at"))


class RestoreForm(forms.Form):
    """Restoring a draft, or one of its units, to a recorded moment."""

    at = DateTimeField(label="Tidspunkt")
    unit = forms.IntegerField(label="Enhed", required=False, min_value=1,
                              widget=forms.HiddenInput)
