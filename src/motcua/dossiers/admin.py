"""Read-only dossier administration: officers look; every change goes through the services (and their
checks, locks and history). Non-superusers see only the dossiers of their scope (``dossiers_visible_to``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.accounts.models import User
from motcua.org.scoping import Capability, agencies_for, can, is_global

from .models import Attachment, CounterDecision, Dossier, DossierEvent, PausePeriod, ResultDocument
from .selectors import VIEW_CAPABILITIES, visible_condition


def _may_view(request: HttpRequest) -> bool:
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or any(can(user, capability, None) for capability in VIEW_CAPABILITIES)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_view(request)


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ("at", "actor", "action", "from_status", "to_status", "comment", "public")
    readonly_fields = fields
    ordering = ("at", "id")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = (
        "component",
        "original_name",
        "content_type",
        "size",
        "page_count",
        "sha256",
        "source",
        "created_at",
    )
    readonly_fields = fields


class PauseInline(ReadOnlyInline):
    model = PausePeriod
    fields = ("started_at", "ended_at", "reason", "missing_items", "requested_by")
    readonly_fields = fields


class ResultInline(ReadOnlyInline):
    model = ResultDocument
    fields = (
        "number",
        "result_code",
        "title",
        "origin",
        "issued_on",
        "valid_until",
        "sha256",
        "approved_by",
        "approved_at",
    )
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ("code", "applicant", "procedure_version", "status", "channel", "received_at", "due_at")
    list_filter = ("status", "channel")
    search_fields = ("=code", "applicant__full_name", "=applicant__id_number")
    list_select_related = ("applicant", "procedure_version", "competent_agency", "receiving_unit")
    # Counting millions of rows for "x of y" on every page is the slowest part of a list: skip it.
    show_full_result_count = False
    ordering = ("-received_at", "-id")
    inlines = (EventInline, AttachmentInline, PauseInline, ResultInline)
    readonly_fields = (
        "code",
        "procedure_version",
        "receiving_unit",
        "competent_agency",
        "applicant",
        "filer",
        "channel",
        "status",
        "form_data",
        "received_at",
        "due_at",
        "finished_at",
        "returned_at",
        "supplement_count",
        "apologised_at",
        "due_before_apology",
        "lock_version",
        "created_by",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dossier]:
        qs = super().get_queryset(request)
        user = request.user
        if isinstance(user, User) and user.is_superuser:
            return qs
        condition = visible_condition(user)
        return qs if condition is None else qs.filter(condition)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_view(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CounterDecision)
class CounterDecisionAdmin(admin.ModelAdmin):
    """Mẫu 02/03 given at the counter without receiving a dossier: read-only, scoped to the desks the
    officer receives at (everything for superusers and global roles)."""

    list_display = ("issued_at", "kind", "unit", "applicant_name", "procedure_version", "officer")
    list_filter = ("kind",)
    search_fields = ("applicant_name", "=applicant_id_number")
    list_select_related = ("unit", "procedure_version", "officer")
    show_full_result_count = False
    ordering = ("-issued_at", "-id")
    readonly_fields = (
        "kind",
        "unit",
        "procedure_version",
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "applicant_email",
        "missing_items",
        "reason",
        "issued_at",
        "officer",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[CounterDecision]:
        qs = super().get_queryset(request)
        user = request.user
        if isinstance(user, User) and is_global(user, Capability.DOSSIER_RECEIVE):
            return qs
        return qs.filter(unit__in=agencies_for(user, Capability.DOSSIER_RECEIVE))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_view(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
