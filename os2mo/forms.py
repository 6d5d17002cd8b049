"""The form of the pull page: the date, draft or in force, and the hierarchy and top unit."""

from __future__ import annotations

from django import forms

from orgreg import clock
from orgreg.forms import DateField

DRAFT, IN_FORCE = "draft", "in_force"


class PullForm(forms.Form):
    on_date = DateField(label="Enheder gyldige på", required=False,
                        help_text="Tom: i dag. Den nye organisering gælder fra denne dato.")
    mode = forms.ChoiceField(
        label="Opret som", initial=DRAFT, widget=forms.RadioSelect,
        choices=[(DRAFT, "Udkast, som kan rettes"),
                 (IN_FORCE, "Vedtaget: organiseringen i kraft fra datoen")])
    hierarchy = forms.CharField(
        label="Hierarki", required=False, max_length=200,
        help_text="Navn eller uuid på OS2mo-hierarkiet, fx »Linjeorganisation«. Tom: alle.")
    top = forms.CharField(
        label="Øverste enhed", required=False, max_length=200,
        help_text="Uuid, user_key eller navn på den enhed, der hentes med alt under sig. "
                  "Tom: hele træet.")

    def clean_on_date(self):
        return self.cleaned_data.get("on_date") or clock.today()

    def params(self, organisation) -> dict:
        data = self.cleaned_data
        return {"organisation": organisation.pk, "on_date": data["on_date"].isoformat(),
                "in_force": data["mode"] == IN_FORCE,
                "hierarchy": data["hierarchy"].strip(), "top": data["top"].strip()}
