"""Forms of the comments pages, in Danish; the services check the rules."""

from __future__ import annotations

from django import forms

from orgreg.forms import VersionedForm

WHOLE = ""


class _UnitChoice(forms.Form):
    unit = forms.TypedChoiceField(label="Om", required=False, coerce=int, empty_value=None,
                                  help_text="En enhed, eller hele organiseringen.")

    def __init__(self, *args, units: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(WHOLE, "Hele organiseringen"), *units]


class CommentForm(_UnitChoice):
    text = forms.CharField(label="Kommentar", max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": "Skriv din kommentar."})


class AnswerForm(_UnitChoice):
    text = forms.CharField(label="Høringssvar", max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           error_messages={"required": "Skriv høringssvaret."})


class HandleForm(VersionedForm):
    reply = forms.CharField(label="Svar", max_length=20_000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Svaret vises for den, der har kommenteret.",
                            error_messages={"required": "Skriv et svar til den, der har "
                                                        "kommenteret."})
    next = forms.CharField(required=False, widget=forms.HiddenInput)
