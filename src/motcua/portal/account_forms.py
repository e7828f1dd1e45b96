"""Forms of the account pages. They shape input; the rules are in ``motcua.accounts.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.accounts.services import contact_parse
from motcua.dossiers.validators import citizen_id_check, tax_code_check

from .forms import DescribedForm


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not too close to your name or contact."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        if data.get("password1"):
            try:
                validate_password(data["password1"], user=self.password_user())
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data

    def password_user(self) -> User | None:
        """The account the password is for, so that it is not too close to its name or contact."""
        return None


class ContactMixin(forms.Form):
    def clean_contact(self) -> str:
        # Told together with the other fields; the service checks it again with whether it is taken.
        contact: str = self.cleaned_data["contact"]
        contact_parse(contact)
        return contact

    def password_user(self) -> User | None:
        contact = self.cleaned_data.get("contact", "")
        return User(
            full_name=self.cleaned_data.get("full_name", ""),
            email=contact if "@" in contact else "",
            phone=contact if "@" not in contact else "",
        )


CONTACT_HELP = _("A mobile number (we send the code by SMS) or an e-mail address (we send it by e-mail).")


class CitizenRegistrationForm(DescribedForm, ContactMixin, PasswordPairMixin):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    id_number = forms.CharField(
        label=_("Citizen ID number"),
        max_length=12,
        help_text=_("12 digits, as on your citizen ID card."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    contact = forms.CharField(label=_("Mobile number or e-mail"), max_length=254, help_text=CONTACT_HELP)
    field_order = ("full_name", "id_number", "date_of_birth", "contact", "password1", "password2")

    def clean_id_number(self) -> str:
        # The form of the number is told at once; its consistency with the date of birth and whether another
        # account holds it are checked by the service.
        value: str = self.cleaned_data["id_number"].strip()
        citizen_id_check(value)
        return value


class OrganisationRegistrationForm(DescribedForm, ContactMixin, PasswordPairMixin):
    full_name = forms.CharField(label=_("Organisation name"), max_length=200)
    tax_code = forms.CharField(
        label=_("Tax code"),
        max_length=14,
        help_text=_("10 digits, or 10 digits-3 digits for a branch."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    representative = forms.CharField(label=_("Legal representative"), max_length=200)
    contact = forms.CharField(label=_("Mobile number or e-mail"), max_length=254, help_text=CONTACT_HELP)
    field_order = ("full_name", "tax_code", "representative", "contact", "password1", "password2")

    def clean_tax_code(self) -> str:
        value: str = self.cleaned_data["tax_code"].strip()
        tax_code_check(value)
        return value


class CodeForm(DescribedForm):
    code = forms.CharField(
        label=_("Code"),
        min_length=6,
        max_length=6,
        help_text=_("The 6 digits we sent you."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class LoginForm(DescribedForm):
    identifier = forms.CharField(
        label=_("E-mail, phone number, ID number or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ForgotForm(DescribedForm):
    identifier = forms.CharField(
        label=_("E-mail, phone number, ID number or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class ResetForm(DescribedForm, PasswordPairMixin):
    code = forms.CharField(
        label=_("Code"),
        min_length=6,
        max_length=6,
        help_text=_("The 6 digits sent to your verified phone or e-mail."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    field_order = ("code", "password1", "password2")
