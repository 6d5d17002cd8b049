"""Form pieces every app's forms and views share: Danish date fields (bounded to the dates
orgreg accepts, orgreg.dates), edit forms that carry a version and update only what was sent,
and service refusals."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .dates import check_date


class DateInput(forms.DateInput):
    """The browser's date picker; the value in ISO form, which it reads."""

    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class DateField(forms.DateField):
    """A date with the picker and a Danish word on what to type when it cannot be read;
    refuses a date outside 1900–2200 (orgreg.dates)."""

    widget = DateInput
    default_error_messages = {"invalid": "Skriv datoen som åååå-mm-dd, fx 2025-01-01."}

    def validate(self, value):
        super().validate(value)
        check_date(value)


class DateTimeField(forms.DateTimeField):
    """A date and time with the browser's picker; refuses a moment outside 1900–2200."""

    FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
    default_error_messages = {
        "invalid": "Skriv tidspunktet som åååå-mm-dd tt:mm, fx 2025-01-01 14:00."}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                        format="%Y-%m-%dT%H:%M"))
        kwargs.setdefault("input_formats", self.FORMATS)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        check_date(value)


class VersionedForm(forms.Form):
    """An edit form that carries `version`, the object's orgreg.versions.current_version when
    the form was made; the update service checks it, so that a stale form is refused instead
    of reverting someone's change."""

    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


class PartialUpdateForm(VersionedForm):
    """A versioned form for a partial update, partial on purpose: a field the submitted data
    does not carry at all keeps its stored value (it is not required and is left out of the
    update), while a field sent empty is cleared where it may be blank. (A checkbox is always
    sent: HTML leaves an unticked one out.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            for name, field in self.fields.items():
                if not self.was_sent(name):
                    field.required = False

    def was_sent(self, name: str) -> bool:
        """Whether the submitted data carries field `name` at all (sent empty counts)."""
        field = self.fields[name]
        return not field.widget.value_omitted_from_data(self.data, self.files,
                                                        self.add_prefix(name))

    def sent_fields(self, names) -> dict:
        """The cleaned values of those of `names` the submitted data carries."""
        return {f: self.cleaned_data.get(f) for f in names if self.was_sent(f)}


def apply_refusal(form: forms.Form, error: ValidationError, field: str | None = None) -> None:
    """Put a service's refusal on the form: on the field it names when the form has it,
    else on `field`, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else field
            for e in errors:
                for message in e.messages:
                    form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(field, message)
