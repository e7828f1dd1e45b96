"""Process-definition administration. Agency administrators see and manage only the processes of their
agency's procedures (the rule lives in ``motcua.org.scoping``). Drafts are edited; an active or retired
definition is read-only and is changed through a new version, activated once it validates."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.catalog.selectors import procedures_manageable_by
from motcua.org.scoping import AnyUser, Capability, agencies_for, can

from . import selectors
from .diagram import definition_svg
from .models import Action, DefinitionStatus, ProcessDefinition, Step
from .services import (
    definition_activate,
    definition_ensure_editable,
    definition_new_version,
    definition_save,
)
from .transfer import ProcessImportError, definition_export, definition_import
from .validation import definition_problems


def _user(request: HttpRequest) -> AnyUser:
    """The requester for permission checks (the login page asks while nobody is logged in)."""
    return request.user


def _staff(request: HttpRequest) -> User:
    """The logged-in officer, for views that admin_view already guards."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _manageable(request: HttpRequest, definition: ProcessDefinition) -> bool:
    return can(_user(request), Capability.CATALOG_MANAGE, definition.procedure.owner_agency)


def _editable(request: HttpRequest, definition: ProcessDefinition | None) -> bool:
    if definition is None:
        return can(_user(request), Capability.CATALOG_MANAGE, None)
    return definition.status == DefinitionStatus.DRAFT and _manageable(request, definition)


class DefinitionChildInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


class StepInline(DefinitionChildInline):
    model = Step
    fields = ("position", "code", "name", "role", "unit", "share_percent", "is_start")


class ActionInline(DefinitionChildInline):
    model = Action
    fields = ("position", "from_step", "kind", "to_step", "label")
    verbose_name_plural = _("actions (save new steps first: only saved steps can be chosen)")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        # The step choices depend on the definition being edited; the request carries it to the fields.
        request._workflow_definition = obj  # type: ignore[attr-defined]
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in ("from_step", "to_step"):
            definition = getattr(request, "_workflow_definition", None)
            kwargs["queryset"] = (
                Step.objects.filter(definition=definition).order_by("position", "id")
                if definition is not None and definition.pk
                else Step.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProcessImportForm(forms.Form):
    file = forms.FileField(label=_("Process file (JSON)"))


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(admin.ModelAdmin):
    change_form_template = "admin/workflow/processdefinition/change_form.html"
    change_list_template = "admin/workflow/processdefinition/change_list.html"
    list_display = ("name", "procedure", "agency", "level", "number", "status", "created_at")
    list_filter = ("status", "level", "procedure__owner_agency")
    search_fields = (
        "name",
        "procedure__national_code",
        "procedure__local_code",
        "procedure__current_version__name",
    )
    list_select_related = ("procedure", "agency", "level")
    autocomplete_fields = ("procedure",)
    fieldsets = (
        (None, {"fields": ("procedure", "agency", "level", "name")}),
        (
            _("Version"),
            {"fields": ("number", "status", "created_at", "created_by", "activated_at", "retired_at")},
        ),
        (_("Check and diagram"), {"fields": ("problems", "diagram")}),
    )
    inlines = (StepInline, ActionInline)
    actions = ("activate_selected", "new_version_selected")

    # --- permissions: scoping rules instead of Django's model permissions -----------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(_user(request), Capability.CATALOG_VIEW, None)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(_user(request), Capability.CATALOG_VIEW, None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can(_user(request), Capability.CATALOG_MANAGE, None)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only a draft, one at a time (no bulk delete): an active or retired definition is history dossiers refer to.
        return obj is not None and _editable(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcessDefinition]:
        return selectors.definitions_for_user(_user(request)).select_related(
            "procedure", "procedure__owner_agency", "procedure__current_version", "agency", "level"
        )

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        # Actions link saved steps, so they are added once the definition and its steps exist.
        return self.inlines if obj is not None else (StepInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fixed: tuple[str, ...] = (
            *("number", "status", "created_at", "created_by", "activated_at", "retired_at"),
            *("problems", "diagram"),
        )
        # The scope is the identity versions are numbered in: fixed once created.
        return (*fixed, "procedure", "agency", "level") if obj else fixed

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "procedure":
            kwargs["queryset"] = procedures_manageable_by(_user(request))
        elif db_field.name == "agency":
            kwargs["queryset"] = agencies_for(_user(request), Capability.CATALOG_MANAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- read-only displays -----------------------------------------------------------------

    @admin.display(description=_("problems"))
    def problems(self, obj: ProcessDefinition) -> SafeString | str:
        if obj.pk is None:
            return "—"
        found = definition_problems(obj)
        if not found:
            return gettext("None: the process is sound.")
        return format_html(
            '<ul class="errorlist">{}</ul>', format_html_join("", "<li>{}</li>", ((p,) for p in found))
        )

    @admin.display(description=_("diagram"))
    def diagram(self, obj: ProcessDefinition) -> SafeString | str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<div class="wf-diagram-box" style="overflow-x:auto">{}</div>', definition_svg(obj)
        )

    # --- writes go through the services ------------------------------------------------------

    def save_model(
        self, request: HttpRequest, obj: ProcessDefinition, form: ModelForm[ProcessDefinition], change: bool
    ) -> None:
        if not _manageable(request, obj):
            raise PermissionDenied
        definition_save(obj, user=_staff(request))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        definition_ensure_editable(form.instance)
        super().save_formset(request, form, formset, change)

    @admin.action(description=_("Activate the selected drafts"), permissions=["change"])
    def activate_selected(self, request: HttpRequest, queryset: QuerySet[ProcessDefinition]) -> None:
        for definition in queryset:
            self._activate(request, definition)

    @admin.action(description=_("Create a new version of the selected processes"), permissions=["change"])
    def new_version_selected(self, request: HttpRequest, queryset: QuerySet[ProcessDefinition]) -> None:
        for definition in queryset:
            if not _manageable(request, definition):
                messages.error(
                    request, gettext("%(process)s: you may not manage it.") % {"process": definition}
                )
                continue
            draft = definition_new_version(definition, user=_staff(request))
            messages.success(request, gettext("Draft %(process)s created.") % {"process": draft})

    def _activate(self, request: HttpRequest, definition: ProcessDefinition) -> bool:
        if not _manageable(request, definition):
            messages.error(request, gettext("%(process)s: you may not manage it.") % {"process": definition})
            return False
        try:
            definition_activate(definition)
        except ValidationError as exc:
            count = len(exc.messages)
            messages.error(
                request,
                ngettext(
                    "%(process)s was not activated: %(n)d problem.",
                    "%(process)s was not activated: %(n)d problems.",
                    count,
                )
                % {"process": definition, "n": count},
            )
            for message in exc.messages:
                messages.error(request, message)
            return False
        messages.success(request, gettext("%(process)s is now active.") % {"process": definition})
        return True

    # --- extra pages -------------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="workflow_definition_import"),
            path(
                "<int:pk>/activate/",
                self.admin_site.admin_view(self.activate_view),
                name="workflow_definition_activate",
            ),
            path(
                "<int:pk>/new-version/",
                self.admin_site.admin_view(self.new_version_view),
                name="workflow_definition_new_version",
            ),
            path(
                "<int:pk>/export.json",
                self.admin_site.admin_view(self.export_view),
                name="workflow_definition_export",
            ),
        ]
        return extra + super().get_urls()

    def _change_url(self, pk: int) -> str:
        return reverse("admin:workflow_processdefinition_change", args=[pk])

    def activate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        definition = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(pk))
        self._activate(request, definition)
        return HttpResponseRedirect(self._change_url(pk))

    def new_version_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        definition = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method != "POST" or not _manageable(request, definition):
            messages.error(request, gettext("You may not edit this process."))
            return HttpResponseRedirect(self._change_url(pk))
        draft = definition_new_version(definition, user=_staff(request))
        messages.success(
            request,
            gettext("Draft version %(n)d created: edit it, then activate it.") % {"n": draft.number},
        )
        return HttpResponseRedirect(self._change_url(draft.pk))

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        definition = get_object_or_404(self.get_queryset(request), pk=pk)
        body = json.dumps(definition_export(definition), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        filename = f"process-{definition.procedure.national_code}-v{definition.number}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not can(_user(request), Capability.CATALOG_MANAGE, None):
            raise PermissionDenied
        form = ProcessImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                draft = definition_import(form.cleaned_data["file"].read(), user=_staff(request))
            except ProcessImportError as exc:
                errors = exc.errors
            else:
                messages.success(request, gettext("Imported as draft %(process)s.") % {"process": draft})
                for problem in definition_problems(draft):
                    messages.warning(request, problem)
                return HttpResponseRedirect(self._change_url(draft.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import a process"),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workflow/processdefinition/import.html", context)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        obj = kwargs.get("obj")
        context["definition_manageable"] = obj is not None and _manageable(request, obj)
        context["can_import"] = can(_user(request), Capability.CATALOG_MANAGE, None)
        return super().render_change_form(request, context, *args, **kwargs)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_import": can(_user(request), Capability.CATALOG_MANAGE, None),
        }
        return super().changelist_view(request, extra_context)
