"""Forms of the officers' screens. They only shape input: every rule is checked by the dossier services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import Component, Result
from motcua.documents.register import MAX_PERIOD_DAYS
from motcua.dossiers.models import ApplicantKind, Channel, Sex
from motcua.dossiers.services import ReturnMethod
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency

if TYPE_CHECKING:
    # Type-checking only: django-stubs is a development dependency.
    from django_stubs_ext import StrOrPromise

# Channels an officer records at the desk; dossiers from the national portal arrive through the API.
DESK_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.NATIONAL_PORTAL]


class CommuneChoiceField(forms.ModelChoiceField[AdministrativeUnit]):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return f"{obj.name} ({obj.code})"


class ReceptionForm(forms.Form):
    """The applicant and the channel of a dossier received at the desk (Mẫu 01)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Applicant"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    # Checked by the service with the rest of the applicant, so that every problem is listed at once.
    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"aria-required": "true", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=gettext_lazy("Citizen ID number"),
        max_length=12,
        required=False,
        help_text=gettext_lazy("12 digits (CCCD). For an organisation: its representative's, if given."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{12}"}),
    )
    date_of_birth = forms.DateField(
        label=gettext_lazy("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    phone = forms.CharField(
        label=gettext_lazy("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    address = forms.CharField(
        label=gettext_lazy("Address (house number, street)"), max_length=255, required=False
    )
    commune = CommuneChoiceField(
        label=gettext_lazy("Commune / ward"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label="—",
    )
    tax_code = forms.CharField(
        label=gettext_lazy("Tax code"),
        max_length=14,
        required=False,
        help_text=gettext_lazy("Organisations only: 10 digits, or 10 digits-3 digits for a branch."),
    )
    representative = forms.CharField(
        label=gettext_lazy("Legal representative"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Organisations only."),
    )
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=DESK_CHANNELS, initial=Channel.COUNTER)
    note = forms.CharField(
        label=gettext_lazy("Request details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Optional: what the applicant asks for, as written on the declaration."),
    )
    # A one-time token of the form shown: a second submission of the same form is not a second dossier.
    nonce = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, communes: QuerySet[AdministrativeUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["commune"]
        assert isinstance(field, CommuneChoiceField)
        field.queryset = communes

    def applicant_data(self) -> dict[str, Any]:
        """The applicant as ``dossier_receive`` takes it (the service validates it)."""
        data = self.cleaned_data
        person = data["kind"] == ApplicantKind.PERSON
        return {
            "kind": data["kind"],
            "full_name": data["full_name"].strip(),
            "id_number": data["id_number"].strip(),
            "date_of_birth": data["date_of_birth"] if person else None,
            "sex": data["sex"] if person else "",
            "phone": data["phone"].strip(),
            "email": data["email"].strip(),
            "address": data["address"].strip(),
            "commune": data["commune"],
            "tax_code": "" if person else data["tax_code"].strip(),
            "representative": "" if person else data["representative"].strip(),
        }

    def form_data(self) -> dict[str, Any]:
        note = self.cleaned_data["note"].strip()
        return {"request": note} if note else {}


class SupplementRequestForm(forms.Form):
    """Mẫu 02: every missing item at once, one per line."""

    missing_items = forms.CharField(
        label=gettext_lazy("Missing or incomplete items (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    comment = forms.CharField(
        label=gettext_lazy("Guidance for the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["missing_items"].splitlines() if line.strip()]


class SupplementReceiveForm(forms.Form):
    """The applicant's supplement arrives; files are read per component (see ``files_by_component``)."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RefuseForm(forms.Form):
    """Mẫu 03 (at the desk) or a reasoned refusal after appraisal."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for refusal"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class EngineActionForm(forms.Form):
    """One action of the dossier's electronic process (the buttons name the action)."""

    action_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    comment = forms.CharField(
        label=gettext_lazy("Comment (for a refusal: its reason)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    missing_items = forms.CharField(
        label=gettext_lazy("Missing items, one per line (supplement request)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consulted_agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency to consult"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="—",
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def items(self) -> list[str] | None:
        lines = [line.strip() for line in self.cleaned_data["missing_items"].splitlines() if line.strip()]
        return lines or None


class ResultChoiceField(forms.ModelChoiceField[Result]):
    def label_from_instance(self, obj: Result) -> str:
        return f"{obj.name} ({obj.code})"


class ResultAddForm(forms.Form):
    """A result document: the PDF uploaded in ``RESULT_FILE_FIELD``, or generated when none is given."""

    result = ResultChoiceField(
        label=gettext_lazy("Result in the catalog"),
        queryset=Result.objects.none(),
        required=False,
        empty_label="—",
    )
    number = forms.CharField(
        label=gettext_lazy("Document number"),
        required=False,
        max_length=80,
        help_text=gettext_lazy("Leave empty to number it after the dossier code (…/KQ1)."),
    )
    issued_on = forms.DateField(
        label=gettext_lazy("Issued on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Today when empty."),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, results: QuerySet[Result] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["result"]
        assert isinstance(field, ResultChoiceField)
        if results is not None:
            field.queryset = results
            if len(results) == 1:
                field.initial = results[0].pk


# The file input of ``ResultAddForm`` (outside the form: read like the components' files).
RESULT_FILE_FIELD = "tep-ket-qua"


class ResultRemoveForm(forms.Form):
    document_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class LockOnlyForm(forms.Form):
    """An action with nothing to fill in (approving the results)."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ApologyForm(forms.Form):
    """Mẫu 04: the reason for the delay and the new date (the end of that day's office hours)."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    new_date = forms.DateField(
        label=gettext_lazy("New date for the result"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "A working day after the current due date; the result is due at the close of office."
        ),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class FinishForm(forms.Form):
    """The result is ready (a dossier without an electronic process)."""

    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("The applicant's request (reference, reason)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReturnForm(forms.Form):
    """How the result reaches the applicant."""

    method = forms.ChoiceField(
        label=gettext_lazy("Returned"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.COUNTER,
        widget=forms.RadioSelect,
    )
    receiver = forms.CharField(
        label=gettext_lazy("Collected by"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("At the counter: who collected it, when not the applicant."),
    )
    postal_reference = forms.CharField(
        label=gettext_lazy("Postal item number"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("By post: the number on the postal receipt."),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class CounterDecisionForm(forms.Form):
    """Mẫu 02 or Mẫu 03 at the counter: the applicant's name is enough, no dossier is received."""

    missing_items = forms.CharField(
        label=gettext_lazy("Missing or incomplete items (one per line)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for refusal"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["missing_items"].splitlines() if line.strip()]


class AgencyChoiceField(forms.ModelChoiceField[Agency]):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.code})"


REGISTER_FORMATS = [("pdf", gettext_lazy("PDF (A4 landscape)")), ("xlsx", gettext_lazy("Excel (.xlsx)"))]
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Enter this date."),
            "invalid": gettext_lazy("Enter a valid date, for example 31/01/2026."),
        },
    )


class RegisterForm(forms.Form):
    """Mẫu 06 (Sổ theo dõi hồ sơ): a receiving unit, a period of at most ``MAX_PERIOD_DAYS`` days and a
    format. The field names are the query string's (``?don_vi=…&tu_ngay=…``): the page is a GET form."""

    don_vi = AgencyChoiceField(
        label=gettext_lazy("Receiving unit"),
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the listed units.")},
    )
    tu_ngay = _date_field(gettext_lazy("From"))
    den_ngay = _date_field(gettext_lazy("To"))
    # Only an export needs it (PDF when missing); the count does not.
    dinh_dang = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=REGISTER_FORMATS,
        initial="pdf",
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, units: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["don_vi"]
        assert isinstance(field, AgencyChoiceField)
        field.queryset = units

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("tu_ngay"), cleaned.get("den_ngay")
        if start is not None and end is not None:
            if start > end:
                self.add_error("den_ngay", _("The end date must not be before the start date."))
            elif (end - start).days + 1 > MAX_PERIOD_DAYS:
                self.add_error(
                    "den_ngay",
                    _("A register covers at most %(days)d days: choose a shorter period.")
                    % {"days": MAX_PERIOD_DAYS},
                )
        return cleaned


def file_field_name(component: Component) -> str:
    return f"tp-{component.pk}"


def files_by_component(
    uploads: Any, components: Iterable[Component]
) -> tuple[dict[str, list[tuple[str, bytes]]], list[str]]:
    """The uploaded files per component code as the services take them, and the files refused before
    reading (larger than the upload limit: they are not loaded into memory)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    files: dict[str, list[tuple[str, bytes]]] = {}
    errors: list[str] = []
    for component in components:
        chosen: list[UploadedFile] = uploads.getlist(file_field_name(component))
        for upload in chosen:
            name = upload.name or "file"
            size = upload.size or 0
            if limit is not None and size > limit:
                errors.append(
                    _("%(name)s is %(size)s; a file may be at most %(limit)s.")
                    % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
                )
                continue
            files.setdefault(component.code, []).append((name, upload.read()))
    return files, errors
