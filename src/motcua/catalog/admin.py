"""Catalog administration. Agency administrators see and edit only their agency's procedures (the rule
lives in ``motcua.org.scoping``); published versions are read-only and are edited through a new draft."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.geo.models import AdministrativeUnit
from motcua.org.scoping import AnyUser, Capability, agencies_for, can, is_global

from . import selectors
from .eforms import eform_render, eform_schema_check
from .models import (
    Component,
    FeeItem,
    Field,
    Procedure,
    ProcedureLevel,
    ProcedureVersion,
    Result,
    VersionStatus,
)
from .services import field_save, version_create_draft, version_publish, version_save
from .transfer import (
    CatalogImportError,
    CsvImportReport,
    ImportReport,
    catalog_export,
    catalog_import,
    procedure_list_csv,
    procedure_list_csv_import,
)


def _user(request: HttpRequest) -> AnyUser:
    """The requester for permission checks (the login page asks while nobody is logged in)."""
    return request.user


def _staff(request: HttpRequest) -> User:
    """The logged-in officer, for views that admin_view already guards."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class CatalogScopeMixin:
    """Object-level permissions from the scoping rules instead of Django's model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(_user(request), Capability.CATALOG_VIEW, None)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(_user(request), Capability.CATALOG_VIEW, None)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return can(_user(request), Capability.CATALOG_MANAGE, None)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(_user(request), Capability.CATALOG_MANAGE, None)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Field)
class FieldAdmin(CatalogScopeMixin, admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name", "name_folded")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_global(_user(request), Capability.CATALOG_MANAGE)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_global(_user(request), Capability.CATALOG_MANAGE)

    def save_model(self, request: HttpRequest, obj: Field, form: ModelForm[Field], change: bool) -> None:
        field_save(obj)


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ("link", "status", "effective_from", "effective_to", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    @admin.display(description=_("version"))
    def link(self, obj: ProcedureVersion) -> str:
        url = reverse("admin:catalog_procedureversion_change", args=[obj.pk])
        return format_html('<a href="{}">{} — v{}</a>', url, obj.name, obj.number)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CatalogImportForm(forms.Form):
    file = forms.FileField(label=_("Catalog file (JSON)"))
    templates = forms.FileField(
        label=_("Template files (ZIP, optional)"),
        required=False,
        help_text=_("A ZIP archive holding the template files named in the JSON."),
    )


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("Procedure list (CSV)"),
        help_text=_("The CSV exported here, edited: name, statutory time, time unit and online level."),
    )


class ProcedureAdminForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = ("province", "national_code", "is_sample_code", "local_code", "owner_agency")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner = data.get("owner_agency")
        national = data.get("national_code") or self.instance.national_code
        if not data.get("local_code") and owner and national:
            # TT 01/2018 practice: the localised code is the national code followed by the unit's code.
            data["local_code"] = f"{national}.{owner.code}"
            self.instance.local_code = data["local_code"]
            clash = Procedure.objects.filter(local_code=data["local_code"]).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "local_code",
                    _("The localised code %(code)s is already used.") % {"code": data["local_code"]},
                )
        return data


@admin.register(Procedure)
class ProcedureAdmin(CatalogScopeMixin, admin.ModelAdmin):
    form = ProcedureAdminForm
    change_list_template = "admin/catalog/procedure/change_list.html"
    list_display = ("national_code", "current_name", "owner_agency", "is_sample_code", "local_code")
    list_filter = (
        "is_sample_code",
        "owner_agency",
        "current_version__online_level",
        "current_version__field",
    )
    search_fields = ("national_code", "local_code", "current_version__name", "current_version__search_text")
    list_select_related = ("current_version", "owner_agency")
    fields = ("province", "national_code", "is_sample_code", "local_code", "owner_agency")
    readonly_fields = ("current_version",)
    raw_id_fields = ("province",)
    inlines = (VersionInline,)

    @admin.display(description=_("name"), ordering="current_version__name")
    def current_name(self, obj: Procedure) -> str:
        return obj.current_version.name if obj.current_version else "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        return selectors.procedures_for_user(_user(request)).select_related("current_version", "owner_agency")

    def has_change_permission(self, request: HttpRequest, obj: Procedure | None = None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        return can(_user(request), Capability.CATALOG_MANAGE, obj.owner_agency)

    def get_readonly_fields(self, request: HttpRequest, obj: Procedure | None = None) -> tuple[str, ...]:
        # The national code and province are the identity dossiers refer to: fixed once created.
        return ("province", "national_code") if obj else ()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "owner_agency":
            kwargs["queryset"] = agencies_for(_user(request), Capability.CATALOG_MANAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="catalog_import"),
            path(
                "export.json", self.admin_site.admin_view(self.export_json_view), name="catalog_export_json"
            ),
            path("export.csv", self.admin_site.admin_view(self.export_csv_view), name="catalog_export_csv"),
            path("import-csv/", self.admin_site.admin_view(self.import_csv_view), name="catalog_import_csv"),
        ]
        return extra + super().get_urls()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        user = _user(request)
        extra_context = {
            **(extra_context or {}),
            "can_import": is_global(user, Capability.CATALOG_MANAGE),
            "can_export": is_global(user, Capability.CATALOG_VIEW),
            "can_import_csv": can(user, Capability.CATALOG_MANAGE, None),
            "provinces": _catalog_provinces(),
        }
        return super().changelist_view(request, extra_context)

    def _import_page(
        self, request: HttpRequest, form: forms.Form, title: object, run: Callable[[dict[str, Any]], object]
    ) -> HttpResponse:
        """Shared by both imports: validate the form, run the import, show the report or every error."""
        errors: list[str] = []
        report: object | None = None
        if request.method == "POST" and form.is_valid():
            try:
                report = run(form.cleaned_data)
            except CatalogImportError as exc:
                errors = exc.errors
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "errors": errors,
            "report" if isinstance(report, ImportReport) else "csv_report": report,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/catalog/procedure/import.html", context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not is_global(_user(request), Capability.CATALOG_MANAGE):
            raise PermissionDenied

        def run(data: dict[str, Any]) -> ImportReport:
            return catalog_import(data["file"].read(), template_files=_zip_templates(data["templates"]))

        form = CatalogImportForm(request.POST or None, request.FILES or None)
        return self._import_page(request, form, _("Import the catalog"), run)

    def import_csv_view(self, request: HttpRequest) -> HttpResponse:
        if not can(_user(request), Capability.CATALOG_MANAGE, None):
            raise PermissionDenied

        def run(data: dict[str, Any]) -> CsvImportReport:
            return procedure_list_csv_import(data["file"].read(), user=_staff(request))

        form = CsvImportForm(request.POST or None, request.FILES or None)
        return self._import_page(request, form, _("Update procedures from the CSV list"), run)

    def export_json_view(self, request: HttpRequest) -> HttpResponse:
        if not is_global(_user(request), Capability.CATALOG_VIEW):
            raise PermissionDenied
        province = get_object_or_404(AdministrativeUnit, level__rank=1, code=request.GET.get("province", ""))
        body = json.dumps(catalog_export(province), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="catalog-{province.code}.json"'
        return response

    def export_csv_view(self, request: HttpRequest) -> HttpResponse:
        versions = selectors.published_versions(
            selectors.ProcedureFilters(province=request.GET.get("province", ""))
        )
        visible = selectors.procedures_for_user(_user(request))
        body = procedure_list_csv(versions.filter(procedure__in=visible))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="danh-sach-thu-tuc.csv"'
        return response

    def response_add(
        self, request: HttpRequest, obj: Procedure, post_url_continue: str | None = None
    ) -> HttpResponse:
        # A new procedure continues straight to its first (draft) version.
        return HttpResponseRedirect(reverse("admin:catalog_procedureversion_add") + f"?procedure={obj.pk}")


def _catalog_provinces() -> QuerySet[AdministrativeUnit]:
    return (
        AdministrativeUnit.objects.filter(level__rank=1, procedures__isnull=False).distinct().order_by("code")
    )


MAX_TEMPLATE_ARCHIVE_FILES = 2000
MAX_TEMPLATE_FILE_BYTES = 20 * 1024 * 1024


def _zip_templates(upload: UploadedFile | None) -> dict[str, bytes]:
    """Template files from an uploaded ZIP, refusing archives that are not ZIPs or are suspiciously large."""
    if upload is None:
        return {}
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile as exc:
        raise CatalogImportError([gettext("templates: the file is not a ZIP archive")]) from exc
    entries = [info for info in archive.infolist() if not info.is_dir()]
    if len(entries) > MAX_TEMPLATE_ARCHIVE_FILES:
        raise CatalogImportError([gettext("templates: the archive holds too many files")])
    files: dict[str, bytes] = {}
    for info in entries:
        if info.file_size > MAX_TEMPLATE_FILE_BYTES:
            raise CatalogImportError([gettext("templates: %(name)s is too large") % {"name": info.filename}])
        # Only the base name is used, so a path such as ../../x cannot escape the storage folder.
        files[PurePosixPath(info.filename).name] = archive.read(info)
    return files


class VersionChildInline(admin.TabularInline):
    extra = 0

    def _editable(self, request: HttpRequest, obj: ProcedureVersion | None) -> bool:
        if obj is None:
            return can(_user(request), Capability.CATALOG_MANAGE, None)
        return obj.status == VersionStatus.DRAFT and can(
            _user(request), Capability.CATALOG_MANAGE, obj.procedure.owner_agency
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


class LevelInline(VersionChildInline):
    model = ProcedureLevel
    autocomplete_fields = ("implementing_agency", "competent_agency")


class JsonTextField(forms.JSONField):
    """JSON edited as indented text; an emptied text area means ``{}`` (no e-form, no rule)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return {}
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value if value is not None else {}, ensure_ascii=False, indent=2)


def _json_widget(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "spellcheck": "false", "class": "eform-json"})


class ComponentForm(forms.ModelForm):
    required_when = JsonTextField(
        label=capfirst(_("required when")),
        required=False,
        widget=_json_widget(2),
        help_text=_('e.g. {"field": "nguoi_yeu_cau.quan_he", "equals": "uy_quyen"}'),
    )

    class Meta:
        model = Component
        # The inline's ``fields`` decide what is shown; this form only changes how the rule is edited.
        fields = ("required_when",)


class ComponentInline(VersionChildInline):
    model = Component
    form = ComponentForm
    fields = (
        "position",
        "code",
        "name",
        "originals",
        "copies",
        "requirement",
        "condition",
        "required_when",
        "template",
        "accepted_formats",
        "result_code",
    )


class ResultInline(VersionChildInline):
    model = Result


class FeeInline(VersionChildInline):
    model = FeeItem
    fields = ("position", "kind", "name", "amount", "note")


class ProcedureVersionForm(forms.ModelForm):
    eform_schema = JsonTextField(
        label=capfirst(_("e-form schema")),
        required=False,
        widget=_json_widget(18),
        help_text=_("JSON Schema (Draft 2020-12) of the declaration; {} when there is no electronic form."),
    )
    eform_ui = JsonTextField(
        label=capfirst(_("e-form presentation hints")),
        required=False,
        widget=_json_widget(10),
        help_text=_("Field order, widgets, help texts, placeholders and show-when conditions."),
    )

    class Meta:
        model = ProcedureVersion
        # The admin's fieldsets decide what is shown; this form only changes how the e-form is edited.
        fields = ("eform_schema", "eform_ui")


EFORM_FIELDSET_CLASS = "eform-fieldset"


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(CatalogScopeMixin, admin.ModelAdmin):
    form = ProcedureVersionForm
    change_form_template = "admin/catalog/procedureversion/change_form.html"
    list_display = ("name", "procedure", "number", "status", "field", "online_level", "effective_from")
    list_filter = ("status", "online_level", "field", "time_unit", "procedure__owner_agency")
    search_fields = ("name", "search_text", "procedure__national_code", "procedure__local_code")
    list_select_related = ("procedure", "field")
    autocomplete_fields = ("field",)
    fieldsets = (
        (None, {"fields": ("procedure", "number", "status", "name", "field")}),
        (
            _("Time and service"),
            {
                "fields": (
                    "statutory_time",
                    "time_unit",
                    "online_level",
                    "any_center_may_receive",
                    "for_citizens",
                    "for_organisations",
                )
            },
        ),
        (_("Content"), {"fields": ("steps", "filing_methods", "conditions", "legal_basis")}),
        (_("Validity"), {"fields": ("effective_from", "effective_to", "published_at")}),
        (
            _("E-form (declaration)"),
            {
                "fields": ("eform_schema", "eform_ui"),
                "classes": (EFORM_FIELDSET_CLASS,),
                "description": _(
                    "The declaration applicants fill in online and officers type at the counter. "
                    "The preview follows your edits; a schema with problems cannot be saved. "
                    "See docs/eforms.md for the format."
                ),
            },
        ),
    )
    inlines = (LevelInline, ComponentInline, ResultInline, FeeInline)

    class Media:
        css = {"all": ("catalog/eform_admin.css",)}
        js = ("catalog/eform.js", "catalog/eform_admin.js")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcedureVersion]:
        visible = selectors.procedures_for_user(_user(request))
        return ProcedureVersion.objects.filter(procedure__in=visible).select_related(
            "procedure", "procedure__owner_agency", "field"
        )

    def _manageable(self, request: HttpRequest, obj: ProcedureVersion) -> bool:
        return can(_user(request), Capability.CATALOG_MANAGE, obj.procedure.owner_agency)

    def has_change_permission(self, request: HttpRequest, obj: ProcedureVersion | None = None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        return obj.status == VersionStatus.DRAFT and self._manageable(request, obj)

    def get_readonly_fields(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> tuple[str, ...]:
        fixed = ("number", "status", "published_at")
        return (*fixed, "procedure") if obj else fixed

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "procedure":
            kwargs["queryset"] = selectors.procedures_manageable_by(_user(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: ProcedureVersion, form: ModelForm[ProcedureVersion], change: bool
    ) -> None:
        if not change:
            if not can(_user(request), Capability.CATALOG_MANAGE, obj.procedure.owner_agency):
                raise ValidationError(_("You may not manage this procedure."))
            last = obj.procedure.versions.order_by("-number").values_list("number", flat=True).first()
            obj.number = (last or 0) + 1
            obj.status = VersionStatus.DRAFT
            obj.created_by = _staff(request)
        version_save(obj)

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<int:pk>/new-draft/",
                self.admin_site.admin_view(self.new_draft_view),
                name="catalog_version_new_draft",
            ),
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="catalog_version_publish",
            ),
            path(
                "eform-preview/",
                self.admin_site.admin_view(require_POST(self.eform_preview_view)),
                name="catalog_eform_preview",
            ),
        ]
        return extra + super().get_urls()

    def eform_preview_view(self, request: HttpRequest) -> JsonResponse:
        """The live preview of the e-form being edited: the rendered form, or every problem that would stop
        it from being saved. For catalog managers only (the texts are rendered, not stored)."""
        if not can(_user(request), Capability.CATALOG_MANAGE, None):
            raise PermissionDenied
        problems: list[str] = []
        texts: dict[str, Any] = {}
        for key, what in (("schema", gettext("The schema")), ("ui", gettext("The hints"))):
            text = request.POST.get(key, "").strip()
            try:
                texts[key] = json.loads(text) if text else {}
            except json.JSONDecodeError as exc:
                problems.append(
                    gettext("%(what)s is not valid JSON (line %(line)d, column %(column)d): %(error)s")
                    % {"what": what, "line": exc.lineno, "column": exc.colno, "error": exc.msg}
                )
        if not problems:
            problems = eform_schema_check(texts["schema"], texts["ui"])
        html = ""
        if not problems:
            html = eform_render(ProcedureVersion(eform_schema=texts["schema"], eform_ui=texts["ui"]), {}, {})
        return JsonResponse({"problems": problems, "html": html})

    def new_draft_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method != "POST" or not self._manageable(request, version):
            messages.error(request, _("You may not edit this procedure."))
            return HttpResponseRedirect(reverse("admin:catalog_procedureversion_change", args=[pk]))
        draft = version_create_draft(version.procedure, user=_staff(request))
        messages.success(
            request, _("Draft version %(n)d created: edit it, then publish it.") % {"n": draft.number}
        )
        return HttpResponseRedirect(reverse("admin:catalog_procedureversion_change", args=[draft.pk]))

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        version = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method != "POST" or not self._manageable(request, version):
            messages.error(request, _("You may not publish this procedure."))
        else:
            try:
                version_publish(version)
                messages.success(request, _("Version %(n)d is published.") % {"n": version.number})
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
        return HttpResponseRedirect(reverse("admin:catalog_procedureversion_change", args=[pk]))

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        obj = kwargs.get("obj")
        context["version_manageable"] = obj is not None and self._manageable(request, obj)
        context["eform_fieldset_class"] = EFORM_FIELDSET_CLASS
        context["eform_preview_url"] = reverse("admin:catalog_eform_preview")
        context["eform_preview"] = eform_render(obj, {}, {}) if obj is not None else ""
        return super().render_change_form(request, context, *args, **kwargs)
