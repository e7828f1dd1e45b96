"""The procedure catalog: fields, procedures and their versions, components, results and fees.

A ``Procedure`` is the stable identity (national code, province, owning agency). Everything an applicant
reads lives on a ``ProcedureVersion``; a published version is never edited — editing creates a new draft
version (dossiers pin the version they were filed under).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# TT 01/2018 Art. 20: <level-1 unit code>-<field code>, e.g. G03-GD10.
FIELD_CODE_PATTERN = r"^[A-Z]\d{2}-[A-Z][A-Z0-9]{1,7}$"
# National procedure code N.NNNNNN, e.g. 1.001193.
NATIONAL_CODE_PATTERN = r"^\d\.\d{6}$"
# Result document code KQ.<issuer>.<6 digits>, e.g. KQ.G15.000031.
RESULT_CODE_PATTERN = r"^KQ\.[A-Z][A-Z0-9]{1,9}\.\d{6}$"

field_code_validator = RegexValidator(FIELD_CODE_PATTERN, _("A field code looks like G03-GD10."))
national_code_validator = RegexValidator(
    NATIONAL_CODE_PATTERN, _("A national procedure code looks like 1.001193.")
)
result_code_validator = RegexValidator(RESULT_CODE_PATTERN, _("A result code looks like KQ.G15.000031."))


class Field(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[field_code_validator])
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, default="")

    class Meta:
        ordering = ("name",)
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("province"),
    )
    national_code = models.CharField(
        _("national code"), max_length=8, validators=[national_code_validator], db_index=True
    )
    is_sample_code = models.BooleanField(
        _("sample code"),
        default=False,
        help_text=_("The national code is sample data, not an official code."),
    )
    local_code = models.CharField(
        _("localised code"),
        max_length=40,
        unique=True,
        blank=True,
        help_text=_("Leave empty for the national code followed by the owning agency's code."),
    )
    owner_agency = models.ForeignKey(
        "org.Agency",
        on_delete=models.PROTECT,
        related_name="owned_procedures",
        verbose_name=_("owning agency"),
    )
    current_version = models.ForeignKey(
        "ProcedureVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current published version"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ("national_code",)
        constraints = [
            models.UniqueConstraint(
                fields=("province", "national_code"), name="catalog_procedure_code_unique"
            )
        ]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self) -> str:
        return self.local_code


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class TimeUnit(models.TextChoices):
    WORKING_DAY = "working_day", _("working days")
    WORKING_HOUR = "working_hour", _("working hours")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Full online service")
    PARTIAL = "partial", _("Partial online service")
    NONE = "none", _("Not online")


class ProcedureVersion(models.Model):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("procedure")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    name = models.CharField(_("name"), max_length=500)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="versions", verbose_name=_("field")
    )
    statutory_time = models.DecimalField(
        _("statutory time"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("In working days (fractions such as 0.5 allowed) or working hours."),
    )
    time_unit = models.CharField(
        _("time unit"), max_length=15, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY
    )
    steps = models.TextField(_("steps"), blank=True)
    filing_methods = models.TextField(_("how to file"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    for_citizens = models.BooleanField(_("citizens may apply"), default=True)
    for_organisations = models.BooleanField(_("organisations may apply"), default=False)
    online_level = models.CharField(_("online service level"), max_length=10, choices=OnlineLevel.choices)
    any_center_may_receive = models.BooleanField(
        _("any service centre may receive"),
        default=True,
        help_text=_(
            "Dossiers may be filed at any service centre of the province, whatever the applicant's address."
        ),
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    # The e-form (biểu mẫu điện tử, NĐ 224/2026): a JSON Schema (Draft 2020-12) of the declaration and the
    # presentation hints MotCua renders it with; {} = the procedure has no electronic declaration.
    # The subset and the hints are documented in docs/eforms.md and checked by catalog.eforms.
    eform_schema = models.JSONField(
        _("e-form schema"),
        default=dict,
        blank=True,
        help_text=_("JSON Schema (Draft 2020-12) of the declaration; {} when there is no electronic form."),
    )
    eform_ui = models.JSONField(
        _("e-form presentation hints"),
        default=dict,
        blank=True,
        help_text=_("Field order, widgets, help texts, placeholders and show-when conditions."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Folded copy of the searchable text (see motcua.core.text.fold); indexed for search.
    search_text = models.TextField(editable=False, default="")
    name_folded = models.CharField(max_length=500, editable=False, default="")

    class Meta:
        ordering = ("procedure", "-number")
        constraints = [
            models.UniqueConstraint(fields=("procedure", "number"), name="catalog_version_number_unique"),
            models.UniqueConstraint(
                fields=("procedure",),
                condition=models.Q(status="published"),
                name="catalog_one_published_version",
            ),
            models.UniqueConstraint(
                fields=("procedure",), condition=models.Q(status="draft"), name="catalog_one_draft_version"
            ),
            models.CheckConstraint(condition=models.Q(statutory_time__gt=0), name="catalog_time_positive"),
        ]
        indexes = [
            models.Index(fields=("status", "name_folded", "id"), name="catalog_version_list"),
            models.Index(fields=("status", "field", "name_folded"), name="catalog_version_field"),
            models.Index(fields=("status", "online_level", "name_folded"), name="catalog_version_online"),
        ]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    def clean(self) -> None:
        # A declaration that cannot be rendered or validated must not reach an applicant: the same check
        # guards the admin, the draft services and the catalog import.
        from .eforms import eform_schema_check

        schema_problems = eform_schema_check(self.eform_schema, {})
        if schema_problems:
            raise ValidationError({"eform_schema": schema_problems})
        ui_problems = eform_schema_check(self.eform_schema, self.eform_ui)
        if ui_problems:
            raise ValidationError({"eform_ui": ui_problems})

    @property
    def is_free(self) -> bool:
        return all(item.amount == 0 for item in self.fees.all())


class ProcedureLevel(models.Model):
    """The level(s) at which a procedure is carried out, and who implements and decides at each."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="levels")
    level = models.ForeignKey("geo.Level", on_delete=models.PROTECT, verbose_name=_("level"))
    implementing_agency = models.ForeignKey(
        "org.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("implementing agency"),
        help_text=_("Leave empty when every unit of the level implements it (e.g. every commune)."),
    )
    implementing_agency_name = models.CharField(_("implementing agency (as published)"), max_length=255)
    competent_agency = models.ForeignKey(
        "org.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("competent agency"),
    )
    competent_agency_name = models.CharField(_("competent agency (as published)"), max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("version", "level"), name="catalog_level_unique")]
        indexes = [
            models.Index(fields=("level", "version")),
            models.Index(fields=("implementing_agency", "version")),
        ]
        verbose_name = _("level of implementation")
        verbose_name_plural = _("levels of implementation")

    def __str__(self) -> str:
        return str(self.level)


# Templates are forms to print or fill in; they are served as downloads, never rendered in the browser.
TEMPLATE_EXTENSIONS = ["doc", "docx", "odt", "pdf", "xls", "xlsx", "ods"]
TEMPLATE_MAX_BYTES = 10 * 1024 * 1024


def template_size_validator(file: Any) -> None:
    if file.size > TEMPLATE_MAX_BYTES:
        raise ValidationError(_("A template file may not exceed 10 MB."))


class Requirement(models.TextChoices):
    REQUIRED = "required", _("Required")
    CONDITIONAL = "conditional", _("Conditional")


class Component(models.Model):
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="components")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    requirement = models.CharField(
        _("requirement"), max_length=12, choices=Requirement.choices, default=Requirement.REQUIRED
    )
    condition = models.CharField(_("condition"), max_length=500, blank=True)
    required_when = models.JSONField(
        _("required when"),
        default=dict,
        blank=True,
        help_text=_(
            "Conditional components: the rule over the declaration's answers that makes it required, e.g. "
            '{"field": "nguoi_yeu_cau.quan_he", "equals": "uy_quyen"}. Empty: optional, the condition text is shown.'
        ),
    )
    template = models.FileField(
        _("template file"),
        upload_to="catalog/templates/%Y/",
        blank=True,
        validators=[FileExtensionValidator(TEMPLATE_EXTENSIONS), template_size_validator],
    )
    accepted_formats = models.CharField(
        _("accepted formats"),
        max_length=100,
        default="pdf,jpg,png",
        help_text=_("Comma-separated file extensions."),
    )
    result_code = models.CharField(
        _("result code satisfied from the data store"),
        max_length=30,
        blank=True,
        validators=[result_code_validator],
    )

    class Meta:
        ordering = ("version", "position", "id")
        constraints = [
            models.UniqueConstraint(fields=("version", "code"), name="catalog_component_code_unique")
        ]
        verbose_name = _("component")
        verbose_name_plural = _("components")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.required_when:
            return
        if self.requirement != Requirement.CONDITIONAL:
            raise ValidationError(
                {"required_when": _("Only a conditional component has a rule: a required one always is.")}
            )
        from .eforms.check import required_when_problems
        from .eforms.spec import form_fields, index_of

        try:
            version = self.version
        except ProcedureVersion.DoesNotExist:
            version = None
        index = index_of(form_fields(version.eform_schema, version.eform_ui)) if version else {}
        problems = required_when_problems(index, self.required_when)
        if problems:
            raise ValidationError({"required_when": problems})

    @property
    def format_list(self) -> list[str]:
        return [f.strip() for f in self.accepted_formats.split(",") if f.strip()]


class Result(models.Model):
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="results")
    code = models.CharField(_("result code"), max_length=30, validators=[result_code_validator])
    name = models.CharField(_("name"), max_length=500)
    validity_months = models.PositiveIntegerField(
        _("validity (months)"), null=True, blank=True, help_text=_("Empty: valid indefinitely.")
    )
    issued_electronically = models.BooleanField(_("issued electronically"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("version", "code"), name="catalog_result_code_unique")]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class FeeKind(models.TextChoices):
    FEE = "fee", _("Fee (phí)")
    CHARGE = "charge", _("Charge (lệ phí)")


class FeeItem(models.Model):
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=FeeKind.choices)
    name = models.CharField(_("name"), max_length=300)
    amount = models.PositiveBigIntegerField(_("amount (VND)"), help_text=_("0 for free of charge."))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ("version", "position", "id")
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")

    def __str__(self) -> str:
        return self.name
