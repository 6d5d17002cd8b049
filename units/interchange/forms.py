"""The form of the import page: the file, its format and the new draft's name and date."""

from __future__ import annotations

from django import forms

from orgreg import clock
from orgreg.forms import DateField
from orgreg.text import danish_date, danish_number

from ..models import Status, Structure
from .read_os2mo import Os2moOptions
from .reading import FORMATS, MAX_IMPORT_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fil",
        help_text=(f"CSV eller Excel (xlsx) med en række pr. enhed, orgregs JSON eller et svar fra "
                   f"OS2mo. Højst {MAX_IMPORT_BYTES // 1024 // 1024} MB."),
    )
    format = forms.ChoiceField(
        label="Format", required=False,
        choices=[("", "Automatisk (ud fra filnavn og indhold)"), *FORMATS.items()],
    )
    name = forms.CharField(label="Navn på den nye organisering", max_length=200)
    effective_date = DateField(label="Gældende fra")
    based_on = forms.ModelChoiceField(
        label="Bygger på", required=False, queryset=Structure.objects.none(),
        empty_label="Ingen (første organisering)",
        help_text="Den organisering, kolonnen »Forgængere« henviser til med sine koder.",
    )
    create_unit_types = forms.BooleanField(
        label="Opret manglende enhedstyper", required=False,
        help_text="Enhedstyper i filen, som orgreg ikke kender, oprettes ved indlæsningen.",
    )
    on_date = DateField(
        label="OS2mo: enheder gyldige på", required=False,
        help_text="Kun for OS2mo-filer. Tom: i dag.",
    )
    os2mo_version = forms.ChoiceField(
        label="OS2mo: GraphQL-version", required=False,
        choices=[("", "Som filen angiver (ellers v29 eller nyere)"),
                 ("29", "v29 eller nyere: »to« er dagen efter sidste gyldige dag"),
                 ("28", "v28 eller ældre: »to« er sidste gyldige dag")],
        help_text="Kun for OS2mo-filer. Bestemmer, om en enhed er gyldig på sin slutdato.",
    )
    os2mo_hierarchy = forms.CharField(
        label="OS2mo: hierarki", required=False, max_length=200,
        help_text="Kun for OS2mo-filer: navn eller uuid på det hierarki (fx "
                  "»Linjeorganisation«), der skal indlæses. Tom: alle.",
    )
    os2mo_top = forms.CharField(
        label="OS2mo: øverste enhed", required=False, max_length=200,
        help_text="Kun for OS2mo-filer: uuid, user_key eller navn på den enhed, der skal "
                  "indlæses med alt under sig. Tom: hele træet.",
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["based_on"].queryset = (
            Structure.objects.filter(organisation=organisation)
            .exclude(status=Status.DISCARDED).order_by("-effective_date", "name")
        )
        self.fields["based_on"].label_from_instance = (
            lambda s: (f"{s.name} ({s.get_status_display().lower()}, "
                       f"{danish_date(s.effective_date)})")
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"Filen fylder {danish_number(upload.size / 1024 / 1024, 1)} MB; højst "
                f"{MAX_IMPORT_BYTES // 1024 // 1024} MB kan indlæses ad gangen."
            )
        return upload

    def clean_on_date(self):
        return self.cleaned_data.get("on_date") or clock.today()

    def os2mo_options(self) -> Os2moOptions:
        data = self.cleaned_data
        version = data.get("os2mo_version")
        return Os2moOptions(int(version) if version else None,
                            (data.get("os2mo_hierarchy") or "").strip(),
                            (data.get("os2mo_top") or "").strip())
