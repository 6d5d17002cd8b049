"""Form pieces every app's forms and views share: Danish date fields and service refusals."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.DateInput):
    """The browser's date picker; the value in ISO form, which it reads."""

    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class DateField(forms.DateField):
    """A date with the picker and a Danish word on what to type when it cannot be read."""

    widget = DateInput
    default_error_messages = {"invalid": "Skriv datoen som åååå-mm-dd, fx 2025-01-01."}


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
