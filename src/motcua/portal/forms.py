from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import OnlineLevel


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(label=_("Search procedures"), required=False, max_length=200)
    field = forms.CharField(label=_("Field"), required=False, max_length=20)
    level = forms.CharField(label=_("Level"), required=False, max_length=20)
    agency = forms.CharField(label=_("Agency"), required=False, max_length=20)
    online_level = forms.ChoiceField(
        label=_("Online service level"), required=False, choices=[("", _("All")), *OnlineLevel.choices]
    )


class DossierTrackingForm(forms.Form):
    ma = forms.CharField(
        label=_("Dossier code"),
        max_length=40,
        help_text=_("As printed on your receipt, e.g. 000.00.01.H24-261123-0001."),
    )
    xac_thuc = forms.CharField(
        label=_("Last 4 digits of your ID number or phone number"),
        min_length=4,
        max_length=20,
        help_text=_("The ID number or phone number given when the dossier was filed."),
    )
