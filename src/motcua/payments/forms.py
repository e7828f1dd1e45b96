from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CashPaymentForm(forms.Form):
    payer_name = forms.CharField(label=_("Payer"), max_length=200)
    payer_id = forms.CharField(label=_("ID number or tax code"), max_length=14, required=False)
    payer_address = forms.CharField(label=_("Address"), max_length=255, required=False)
