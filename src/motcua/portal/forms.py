from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import OnlineLevel
from motcua.dossiers.models import Sex
from motcua.geo.models import AdministrativeUnit


class DescribedForm(forms.Form):
    """Points each field with an error at its help and its error text (``aria-describedby``), so a screen
    reader announces why the field was refused (the ids are those of ``portal/_field.html``)."""

    def add_error(self, field: Any, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            ids = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                ids.insert(0, f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


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


class OnlineApplicantForm(DescribedForm):
    """The applicant part of an online declaration: the account holder's details, with the commune of the
    address (it routes commune-level procedures). A verified ID number is shown but cannot be changed."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    id_number = forms.CharField(label=_("ID number"), max_length=12, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—"), *Sex.choices])
    tax_code = forms.CharField(label=_("Tax code"), max_length=14, required=False)
    representative = forms.CharField(label=_("Legal representative"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address (house number, street, hamlet)"), max_length=255)
    commune = forms.ChoiceField(label=_("Commune / ward"))

    def __init__(
        self,
        *args: Any,
        communes: list[AdministrativeUnit],
        organisation: bool,
        user: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        commune = self.fields["commune"]
        assert isinstance(commune, forms.ChoiceField)
        commune.choices = [("", _("— choose —")), *((c.code, c.name) for c in communes)]
        if organisation:
            for name in ("id_number", "date_of_birth", "sex"):
                del self.fields[name]
            self.fields["full_name"].label = _("Organisation name")
            self.fields["tax_code"].required = True
            self.fields["representative"].required = True
        else:
            for name in ("tax_code", "representative"):
                del self.fields[name]
            self.fields["id_number"].required = True
            self.fields["date_of_birth"].required = True
            if getattr(user, "id_verified_at", None):
                self.fields["id_number"].disabled = True
                self.fields["id_number"].initial = user.id_number
                self.fields["id_number"].help_text = _("Verified with your digital ID.")

    def applicant_data(self) -> dict[str, str]:
        """What was typed, as strings (a draft may be incomplete or wrong; the review lists the problems)."""
        data: dict[str, str] = {}
        for name, field in self.fields.items():
            if field.disabled:
                data[name] = str(field.initial or "")
            else:
                data[name] = str(self.data.get(name, "")).strip()
        return data


class StoredDocumentForm(DescribedForm):
    """A document the holder adds to their personal data store."""

    title = forms.CharField(label=_("Title of the document"), max_length=500)
    result_code = forms.ChoiceField(
        label=_("Kind of document"),
        required=False,
        help_text=_("Choosing the kind lets later dossiers that ask for it reuse this document."),
    )
    number = forms.CharField(label=_("Document number"), max_length=80, required=False)
    issuer_name = forms.CharField(label=_("Issued by"), max_length=255, required=False)
    issued_on = forms.DateField(
        label=_("Issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty when the document does not expire."),
    )
    file = forms.FileField(label=_("File (PDF, JPG or PNG)"))

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["result_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— another document —")), *kinds]
