"""Writes on the catalog. Published versions are immutable: an edit goes to a new draft version."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.text import fold

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


def field_save(field: Field) -> Field:
    field.name_folded = fold(field.name)
    field.full_clean()
    field.save()
    return field


def version_refresh_search(version: ProcedureVersion) -> None:
    """Recompute the folded search copy: name, codes and field name."""
    procedure = version.procedure
    version.name_folded = fold(version.name)[:500]
    version.search_text = fold(
        " ".join(
            [
                version.name,
                procedure.national_code,
                procedure.local_code,
                version.field.code,
                version.field.name,
            ]
        )
    )


def version_save(version: ProcedureVersion) -> ProcedureVersion:
    """Save the editable content of a draft version (a published one is refused)."""
    if version.pk:
        stored_status = (
            ProcedureVersion.objects.filter(pk=version.pk).values_list("status", flat=True).first()
        )
        if stored_status and stored_status != VersionStatus.DRAFT:
            raise ValidationError(
                _("A published or archived version cannot be edited; create a new version.")
            )
    version_refresh_search(version)
    version.full_clean(exclude=["procedure"])
    version.save()
    return version


@transaction.atomic
def version_create_draft(procedure: Procedure, *, user: User | None = None) -> ProcedureVersion:
    """Return the procedure's draft version, cloning the newest version (with everything in it) if none exists."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    existing = procedure.versions.filter(status=VersionStatus.DRAFT).first()
    if existing:
        return existing
    source = procedure.versions.order_by("-number").first()
    if source is None:
        raise ValidationError(_("This procedure has no version to copy."))
    levels = list(source.levels.all())
    components = list(source.components.all())
    results = list(source.results.all())
    fees = list(source.fees.all())
    draft = source
    draft.pk = None
    draft.id = None
    draft._state.adding = True
    draft.number = source.number + 1
    draft.status = VersionStatus.DRAFT
    draft.published_at = None
    draft.created_by = user
    draft.created_at = timezone.now()
    draft.save()
    for level in levels:
        level.pk, level.version = None, draft
    for component in components:
        component.pk, component.version = None, draft
    for result in results:
        result.pk, result.version = None, draft
    for fee in fees:
        fee.pk, fee.version = None, draft
    ProcedureLevel.objects.bulk_create(levels)
    Component.objects.bulk_create(components)
    Result.objects.bulk_create(results)
    FeeItem.objects.bulk_create(fees)
    return draft


def _version_check_publishable(version: ProcedureVersion) -> None:
    errors: dict[str, list[str]] = {}
    if not version.levels.exists():
        errors.setdefault("levels", []).append(_("At least one level of implementation is required."))
    if version.effective_to and version.effective_to < version.effective_from:
        errors.setdefault("effective_to", []).append(_("The end date is before the start date."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def version_publish(version: ProcedureVersion, *, effective_from: date | None = None) -> ProcedureVersion:
    """Publish a draft: the previous published version is archived and ends the day before."""
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    version.refresh_from_db()
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft version can be published."))
    if effective_from:
        version.effective_from = effective_from
    _version_check_publishable(version)
    previous = procedure.versions.filter(status=VersionStatus.PUBLISHED).first()
    if previous:
        previous.status = VersionStatus.ARCHIVED
        if previous.effective_to is None or previous.effective_to >= version.effective_from:
            previous.effective_to = version.effective_from - timedelta(days=1)
        previous.save(update_fields=["status", "effective_to"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version_refresh_search(version)
    version.save()
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    return version
