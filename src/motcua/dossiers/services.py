"""Writes on dossiers: code issue, routing, receipt and the supplement/refusal transitions.

Every write runs in one transaction, so a refusal or a crash leaves either the whole dossier or nothing.
Every transition locks the dossier row (``select_for_update``) and checks the caller's ``lock_version``:
two officers acting on the same screen state cannot both succeed; the second is told to reload.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Field, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.catalog.eforms import components_required, eform_validate
from motcua.catalog.eforms.spec import form_fields, index_of
from motcua.catalog.models import (
    Component,
    ProcedureLevel,
    ProcedureVersion,
    Requirement,
    Result,
    VersionStatus,
)
from motcua.core.compiled import CompiledQuery
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency, AgencyKind
from motcua.org.scoping import AnyUser, Capability, can
from motcua.workdays.calendar import VIETNAM_TZ, DeadlineUnit, WorkingCalendar
from motcua.workdays.selectors import working_calendar

from .files import Sniffed, attachment_check, page_count
from .models import (
    CLOSED_STATUSES,
    Applicant,
    ApplicantKind,
    Attachment,
    AttachmentSource,
    Channel,
    Dossier,
    DossierAction,
    DossierCodeCounter,
    DossierEvent,
    DossierStatus,
    PausePeriod,
    ResultDocument,
)
from .notices import dossier_notify

# TT 01/2018 Art. 19: the sequence part of the code has four digits.
MAX_DAILY_SEQUENCE = 9999
# NĐ 61/2018 (as amended by NĐ 107/2021): a supplement request after receipt must come within 3 working days;
# a later one is still made (the applicant must not be harmed) but flagged for supervision.
SUPPLEMENT_REQUEST_WORKING_DAYS = 3

Files = Mapping[str, Sequence[tuple[str, bytes]]]


# --- codes --------------------------------------------------------------------------------------


def dossier_code_issue(unit: Agency, when: datetime) -> str:
    """Issue the next TT 01/2018 Art. 19 code ``<unit identifier>-<YYMMDD>-<NNNN>`` of ``unit`` on the
    Vietnamese calendar day of ``when``.

    One atomic upsert per code: the counter row is created at 1 or incremented under its row lock, so
    concurrent officers never get the same number. The increment belongs to the caller's transaction: a
    receipt that rolls back gives its number back, so issued codes have no gaps and none is ever used twice.
    """
    if timezone.is_naive(when):
        raise ValueError(_("The receipt time must be timezone-aware."))
    day = when.astimezone(VIETNAM_TZ).date()
    qn = connection.ops.quote_name
    meta = DossierCodeCounter._meta
    table = qn(meta.db_table)
    unit_col, day_col, last_col = (
        qn(field.column)
        for field in (meta.get_field("unit"), meta.get_field("day"), meta.get_field("last"))
        if isinstance(field, Field) and field.column
    )
    # The increment stops at the last number: an exhausted day returns no row and changes nothing, so the
    # statement needs no savepoint of its own (two round trips fewer per receipt).
    sql = (
        f"INSERT INTO {table} ({unit_col}, {day_col}, {last_col}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({unit_col}, {day_col}) DO UPDATE SET {last_col} = {table}.{last_col} + 1 "
        f"WHERE {table}.{last_col} < %s RETURNING {last_col}"
    )
    with connection.cursor() as cursor:
        # The backend's own date adaptation, so the unique key matches what the ORM stores.
        cursor.execute(sql, [unit.pk, connection.ops.adapt_datefield_value(day), MAX_DAILY_SEQUENCE])
        row = cursor.fetchone()
    if row is None:
        raise ValidationError(
            _(
                "%(unit)s has issued %(max)d dossier codes on %(day)s, the most a 4-digit sequence allows; "
                "further dossiers can be received from the next day."
            )
            % {"unit": unit.code, "max": MAX_DAILY_SEQUENCE, "day": day.strftime("%d/%m/%Y")},
            code="code_sequence_exhausted",
        )
    number = int(row[0])
    return f"{unit.code}-{day:%y%m%d}-{number:04d}"


# --- routing ------------------------------------------------------------------------------------


def _unit_within(unit: AdministrativeUnit, area: AdministrativeUnit) -> bool:
    """Whether ``unit`` is ``area`` or lies below it (walks the few levels up the geo tree)."""
    current: AdministrativeUnit | None = unit
    seen = 0
    while current is not None and seen < 10:
        if current.pk == area.pk:
            return True
        current = current.parent
        seen += 1
    return False


# The receipt's reads of the catalog and the organisation, compiled once per process (``core.compiled``): built
# by the ORM they were a fifth of a receipt's time.
_ID_MARK = -7_300_000_001
_LEVELS_OF = CompiledQuery(
    # The agencies' levels too: the process that applies depends on the competent agency's level.
    lambda version_id: ProcedureLevel.objects.filter(version_id=version_id).select_related(
        "level", "implementing_agency__level", "competent_agency__level"
    ),
    version_id=_ID_MARK,
)
_COMMITTEE_OF = CompiledQuery(
    lambda admin_unit_id: (
        Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE, admin_unit_id=admin_unit_id, is_active=True)
        .select_related("level")
        .order_by("pk")[:1]
    ),
    admin_unit_id=_ID_MARK,
)
_COMPONENTS_OF = CompiledQuery(
    lambda version_id: Component.objects.filter(version_id=version_id), version_id=_ID_MARK
)


def competent_agency_for(
    version: ProcedureVersion,
    applicant_commune: AdministrativeUnit | None,
    receiving_unit: Agency,
) -> Agency:
    """The agency that settles a dossier of ``version`` (the dossier's ``competent_agency``).

    The procedure's level of implementation decides: a named implementing (else competent) agency is used;
    a level that names none ("every commune") is the commune People's Committee of the applicant's commune.
    A version carried out at several levels is routed at the receiving unit's level.
    """
    levels = _LEVELS_OF.objects(version_id=version.pk)
    if not levels:
        raise ValidationError(
            _("The procedure “%(name)s” has no level of implementation in the catalog: it cannot be routed.")
            % {"name": version.name},
            code="routing_no_level",
        )
    if len(levels) == 1:
        chosen = levels[0]
    else:
        matching = [pl for pl in levels if pl.level_id == receiving_unit.level_id]
        if len(matching) != 1:
            raise ValidationError(
                _(
                    "The procedure “%(name)s” is carried out at several levels and none matches the receiving "
                    "unit's level: choose the competent agency explicitly."
                )
                % {"name": version.name},
                code="routing_ambiguous_level",
            )
        chosen = matching[0]
    named = chosen.implementing_agency or chosen.competent_agency
    if named is not None:
        if not named.is_active:
            raise ValidationError(
                _("The agency %(agency)s named by the catalog is no longer active.") % {"agency": named.name},
                code="routing_inactive_agency",
            )
        return named
    if applicant_commune is None:
        raise ValidationError(
            _(
                "This procedure is settled by the commune of the applicant's address: give the applicant's commune."
            ),
            code="routing_no_commune",
        )
    if applicant_commune.level_id != chosen.level_id:
        raise ValidationError(
            _(
                "The catalog names no agency for the level “%(level)s” and %(unit)s is not a unit of that level."
            )
            % {"level": chosen.level.name, "unit": applicant_commune.name},
            code="routing_level_mismatch",
        )
    committee = _COMMITTEE_OF.object(admin_unit_id=applicant_commune.pk)
    if committee is None:
        raise ValidationError(
            _("No commune People's Committee is registered for %(unit)s: the dossier cannot be routed.")
            % {"unit": applicant_commune.name},
            code="routing_no_committee",
        )
    return committee


# --- shared helpers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _CheckedFile:
    component: Component
    name: str
    content: bytes
    sniffed: Sniffed


def _files_check(
    version: ProcedureVersion, files: Files, *, require_all: bool, form_data: Mapping[str, Any] | None = None
) -> list[_CheckedFile]:
    """Check every file against its component; collect every problem (Mẫu 02 lists them all at once).
    With ``require_all``, every required component must have a file, and so must each conditional one whose
    rule holds for the declaration's answers (``form_data``)."""
    components = {c.code: c for c in _COMPONENTS_OF.objects(version_id=version.pk)}
    errors: list[ValidationError] = []
    checked: list[_CheckedFile] = []
    if not isinstance(files, Mapping):
        raise ValidationError(_("Files must be given per component code."), code="files_format")
    for code, items in files.items():
        component = components.get(code)
        if component is None:
            errors.append(
                ValidationError(
                    _("“%(code)s” is not a component of this procedure.") % {"code": code},
                    code="unknown_component",
                )
            )
            continue
        for item in items:
            try:
                name, content = item
            except (TypeError, ValueError):
                errors.append(ValidationError(_("Each file is a (name, content) pair."), code="files_format"))
                continue
            if not isinstance(name, str) or not isinstance(content, bytes | bytearray):
                errors.append(ValidationError(_("Each file is a (name, content) pair."), code="files_format"))
                continue
            try:
                sniffed = attachment_check(name, bytes(content), component)
            except ValidationError as exc:
                errors.append(exc)
                continue
            checked.append(_CheckedFile(component, name, bytes(content), sniffed))
    if require_all:
        required = components_required(version, form_data or {}, components.values())
        for component in components.values():
            if component.pk not in required or files.get(component.code):
                continue
            text = (
                _("The required component “%(name)s” (%(code)s) has no file.")
                if component.requirement == Requirement.REQUIRED
                else _("The declaration's answers make “%(name)s” (%(code)s) required: it has no file.")
            )
            errors.append(
                ValidationError(
                    text % {"name": component.name, "code": component.code}, code="missing_component"
                )
            )
    if errors:
        raise ValidationError(errors)
    return checked


def _attachments_store(
    dossier: Dossier,
    checked: Iterable[_CheckedFile],
    *,
    source: AttachmentSource,
    officer: User | None,
    pause: PausePeriod | None,
    stored: list[str],
) -> list[Attachment]:
    """Save the files under generated names; ``stored`` collects the paths so a failure can remove them."""
    attachments: list[Attachment] = []
    for item in checked:
        attachment = Attachment(
            dossier=dossier,
            component=item.component,
            pause=pause,
            original_name=item.name[-255:],
            sha256=hashlib.sha256(item.content).hexdigest(),
            size=len(item.content),
            content_type=item.sniffed.content_type,
            page_count=page_count(item.content, item.sniffed.extension),
            digitised=source == AttachmentSource.SCAN,
            source=source,
            uploaded_by=officer,
        )
        # The name handed to storage carries only the detected extension; upload_to generates the rest.
        attachment.file.save(f"file.{item.sniffed.extension}", ContentFile(item.content), save=False)
        stored.append(str(attachment.file.name))
        attachment.save()
        attachments.append(attachment)
        if source == AttachmentSource.SCAN:
            # Imported here: digitisation builds on this app's models. The OCR task starts on commit.
            from motcua.digitisation.ocr import ocr_queue

            ocr_queue(attachment)
    return attachments


def _remove_files(paths: Iterable[str]) -> None:
    for path in paths:
        # An orphan file is harmless; the transaction's outcome is what matters.
        with contextlib.suppress(OSError):
            default_storage.delete(path)


def dossier_event_add(
    dossier: Dossier,
    *,
    actor: User | None,
    action: str,
    from_status: str,
    comment: str = "",
    public: bool,
    at: datetime,
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=dossier,
        at=at,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        comment=comment,
        public=public,
        data=data or {},
    )
    if public:
        dossier_notify(dossier, event)
    return event


def _officer(user: AnyUser) -> User:
    if not isinstance(user, User) or not user.is_active:
        raise ValidationError(_("Only a logged-in officer can do this."), code="forbidden")
    return user


def _may_handle(user: User, dossier: Dossier) -> bool:
    """The one-stop desk that received the dossier, or the competent agency's handlers, may act on it."""
    return (
        can(user, Capability.DOSSIER_RECEIVE, dossier.receiving_unit)
        or can(user, Capability.DOSSIER_PROCESS, dossier.competent_agency)
        or can(user, Capability.DOSSIER_REVIEW, dossier.competent_agency)
    )


def _lock(dossier: Dossier, user: User) -> Dossier:
    """The dossier's row, locked for this transaction, after the permission and staleness checks."""
    current = (
        Dossier.objects.select_for_update()
        .select_related("receiving_unit", "competent_agency", "procedure_version")
        .get(pk=dossier.pk)
    )
    if not _may_handle(user, current):
        raise ValidationError(
            _("You may not act on dossier %(code)s: it belongs to another unit.") % {"code": current.code},
            code="forbidden",
        )
    if current.lock_version != dossier.lock_version:
        raise ValidationError(
            _(
                "Dossier %(code)s was changed by someone else in the meantime (now: %(status)s). Reload it and "
                "try again."
            )
            % {"code": current.code, "status": current.get_status_display()},
            code="stale",
        )
    if current.status in CLOSED_STATUSES:
        raise ValidationError(
            _("Dossier %(code)s is %(status)s: its handling is over and it can no longer change.")
            % {"code": current.code, "status": current.get_status_display()},
            code="closed",
        )
    return current


def dossier_lock_bump(dossier: Dossier, fields: Sequence[str] = ()) -> None:
    """Save ``fields`` and move the optimistic-lock version on (a stale screen is then refused)."""
    dossier.lock_version += 1
    dossier.save(update_fields=[*fields, "lock_version"])


def _statutory_deadline(
    calendar: WorkingCalendar, dossier: Dossier, pauses: Sequence[tuple[datetime, datetime]]
) -> datetime:
    version = dossier.procedure_version
    return calendar.deadline(dossier.received_at, version.statutory_time, version.time_unit, pauses=pauses)


# --- receipt ------------------------------------------------------------------------------------

_APPLICANT_FIELDS = frozenset(
    f.name for f in Applicant._meta.get_fields() if f.concrete and f.name not in {"id", "created_at"}
) | {"commune_id"}


def _applicant_build(data: Applicant | Mapping[str, Any], role: str) -> Applicant:
    if isinstance(data, Applicant):
        applicant = data
    elif isinstance(data, Mapping):
        unknown = sorted(set(data) - _APPLICANT_FIELDS)
        if unknown:
            raise ValidationError(
                {
                    role: ValidationError(
                        _("Unknown applicant fields: %(fields)s.") % {"fields": ", ".join(unknown)},
                        code="applicant_fields",
                    )
                }
            )
        try:
            applicant = Applicant(**data)
        except (TypeError, ValueError, FieldDoesNotExist) as exc:
            raise ValidationError({role: ValidationError(str(exc), code="applicant_fields")}) from exc
    else:
        raise ValidationError(
            {role: _("The applicant must be given as a record or a mapping of its fields.")}
        )
    exclude = ["created_at"]
    commune_field = Applicant._meta.get_field("commune")
    if (
        isinstance(commune_field, Field)
        and commune_field.is_cached(applicant)
        and applicant.commune is not None
        and not applicant.commune._state.adding
    ):
        # A commune given as a row just read exists: its foreign-key check would read it once more.
        exclude.append("commune")
    try:
        applicant.full_clean(exclude=exclude)
    except ValidationError as exc:
        role_label = _("Applicant") if role == "applicant" else _("Authorised filer")
        messages: list[ValidationError] = []
        for field, errs in exc.error_dict.items():
            model_field = Applicant._meta.get_field(field) if field != NON_FIELD_ERRORS else None
            label = str(model_field.verbose_name) if isinstance(model_field, Field) else ""
            for error in errs:
                for message in error.messages:
                    text = (
                        _("%(role)s, %(field)s: %(message)s")
                        % {"role": role_label, "field": label, "message": message}
                        if label
                        else _("%(role)s: %(message)s") % {"role": role_label, "message": message}
                    )
                    messages.append(
                        ValidationError(
                            text,
                            code=error.code,
                        )
                    )
        raise ValidationError({role: messages}) from exc
    return applicant


def dossier_receive(
    *,
    officer: AnyUser,
    receiving_unit: Agency,
    procedure_version: ProcedureVersion,
    applicant: Applicant | Mapping[str, Any],
    channel: str,
    form_data: Mapping[str, Any],
    files: Files,
    received_at: datetime | None = None,
    filer: Applicant | Mapping[str, Any] | None = None,
) -> Dossier:
    """Receive a valid dossier (Mẫu 01): issue its code, route it, fix its due date, store its files.

    Refused with ``ValidationError`` (and nothing written) when the officer may not receive at the unit,
    the unit is not a one-stop desk or service centre, the version is not published and in force, the unit
    may not receive this procedure, a required component (or a conditional one the declaration's answers
    require) has no file, a file fails ``attachment_check``, the applicant's data are invalid, or the
    declaration does not pass the version's e-form (except from the national portal, whose e-form differs).
    """
    user = _officer(officer)
    received_at = received_at or timezone.now()
    if timezone.is_naive(received_at):
        raise ValidationError(_("The receipt time must be timezone-aware."), code="naive_datetime")
    if not can(user, Capability.DOSSIER_RECEIVE, receiving_unit):
        raise ValidationError(
            _("You may not receive dossiers at %(unit)s.") % {"unit": receiving_unit.name}, code="forbidden"
        )
    if not receiving_unit.receives_dossiers or not receiving_unit.is_active:
        raise ValidationError(
            _("%(unit)s is not an active service centre or one-stop desk: it does not receive dossiers.")
            % {"unit": receiving_unit.name},
            code="not_receiving_unit",
        )
    day = received_at.astimezone(VIETNAM_TZ).date()
    if procedure_version.status != VersionStatus.PUBLISHED:
        raise ValidationError(
            _(
                "“%(name)s” version %(number)d is not published: dossiers are received only for the published "
                "version of a procedure."
            )
            % {"name": procedure_version.name, "number": procedure_version.number},
            code="version_not_published",
        )
    if procedure_version.effective_from > day or (
        procedure_version.effective_to is not None and procedure_version.effective_to < day
    ):
        raise ValidationError(
            _("“%(name)s” version %(number)d is not in force on %(day)s.")
            % {
                "name": procedure_version.name,
                "number": procedure_version.number,
                "day": day.strftime("%d/%m/%Y"),
            },
            code="version_not_in_force",
        )
    if channel not in Channel.values:
        raise ValidationError(
            _("Unknown channel %(channel)r: expected one of %(choices)s.")
            % {"channel": channel, "choices": ", ".join(Channel.values)},
            code="channel",
        )
    if not isinstance(form_data, Mapping):
        raise ValidationError(_("The form data must be a JSON object."), code="form_data")

    errors: list[ValidationError] = []
    applicant_obj: Applicant | None = None
    filer_obj: Applicant | None = None
    try:
        applicant_obj = _applicant_build(applicant, "applicant")
    except ValidationError as exc:
        errors.append(exc)
    if filer is not None:
        try:
            filer_obj = _applicant_build(filer, "filer")
        except ValidationError as exc:
            errors.append(exc)
    if applicant_obj is not None:
        if applicant_obj.kind == ApplicantKind.PERSON and not procedure_version.for_citizens:
            errors.append(
                ValidationError(
                    _("This procedure is not open to individual citizens."), code="applicant_kind"
                )
            )
        if applicant_obj.kind == ApplicantKind.ORGANISATION and not procedure_version.for_organisations:
            errors.append(
                ValidationError(_("This procedure is not open to organisations."), code="applicant_kind")
            )
    if channel != Channel.NATIONAL_PORTAL:
        # Dossiers from the national portal carry its own e-form's answers, kept as they come.
        errors.extend(_declaration_errors(procedure_version, form_data))
    checked: list[_CheckedFile] = []
    try:
        checked = _files_check(procedure_version, files, require_all=True, form_data=form_data)
    except ValidationError as exc:
        errors.append(exc)
    competent: Agency | None = None
    if applicant_obj is not None:
        try:
            competent = competent_agency_for(procedure_version, applicant_obj.commune, receiving_unit)
        except ValidationError as exc:
            errors.append(exc)
    if (
        competent is not None
        and not procedure_version.any_center_may_receive
        and not _unit_within(receiving_unit.admin_unit, competent.admin_unit)
    ):
        errors.append(
            ValidationError(
                _("This procedure must be filed in the area of %(agency)s; %(unit)s is outside it.")
                % {"agency": competent.name, "unit": receiving_unit.name},
                code="outside_area",
            )
        )
    if errors:
        raise ValidationError([m for e in errors for m in _flatten(e)])
    assert applicant_obj is not None and competent is not None

    calendar = working_calendar()
    due_at = calendar.deadline(received_at, procedure_version.statutory_time, procedure_version.time_unit)
    # Imported here: the engine builds on this module's transitions (supplement, refusal, finish).
    from motcua.workflow.engine import process_plan, process_start

    # Read before the transaction: from the code's issue to the commit, the unit's counter row is locked
    # and the unit's other receipts wait.
    plan = process_plan(procedure_version.procedure, competent)
    source = (
        AttachmentSource.SCAN if channel in (Channel.COUNTER, Channel.POSTAL) else AttachmentSource.UPLOAD
    )
    stored: list[str] = []
    try:
        with transaction.atomic():
            applicant_obj.save()
            if filer_obj is not None:
                filer_obj.save()
            # The code last before the dossier: it locks the unit's counter row until the commit.
            code = dossier_code_issue(receiving_unit, received_at)
            dossier = Dossier.objects.create(
                code=code,
                procedure_version=procedure_version,
                receiving_unit=receiving_unit,
                competent_agency=competent,
                applicant=applicant_obj,
                filer=filer_obj,
                channel=channel,
                status=DossierStatus.RECEIVED,
                form_data=dict(form_data),
                received_at=received_at,
                due_at=due_at,
                created_by=user,
            )
            _attachments_store(dossier, checked, source=source, officer=user, pause=None, stored=stored)
            dossier_event_add(
                dossier,
                actor=user,
                action=DossierAction.RECEIVED,
                from_status="",
                public=True,
                at=received_at,
                data={"code": code, "due_at": due_at.isoformat(), "competent_agency": competent.code},
            )
            # The electronic process opens its first step with the receipt, in the same transaction: a
            # dossier never exists without its open step when a process applies to its procedure.
            if plan is not None:
                process_start(dossier, at=received_at, calendar=calendar, plan=plan, fresh=True)
    except BaseException:
        _remove_files(stored)
        raise
    return dossier


def _declaration_errors(version: ProcedureVersion, form_data: Mapping[str, Any]) -> list[ValidationError]:
    """The declaration checked against the version's e-form, each message under its group's title (the same
    question is asked about several people: the child, the mother, the father)."""
    found = eform_validate(version, form_data)
    if not found:
        return []
    index = index_of(form_fields(version.eform_schema, version.eform_ui))
    out: list[ValidationError] = []
    for path, messages in found.items():
        spec = index.get(path)
        groups = [index[parent].title for parent in spec.parents] if spec is not None else []
        where = " › ".join([_("Declaration"), *groups])
        for message in messages:
            out.append(
                ValidationError(
                    _("%(where)s: %(message)s") % {"where": where, "message": message}, code="declaration"
                )
            )
    return out


def _flatten(error: ValidationError) -> list[ValidationError]:
    """Keep each message (with its code) when merging errors of different shapes into one list."""
    if hasattr(error, "error_dict"):
        return [e for errs in error.error_dict.values() for e in errs]
    return list(error.error_list)


# --- transitions --------------------------------------------------------------------------------


def dossier_supplement_request(
    dossier: Dossier,
    officer: AnyUser,
    missing_items: Sequence[str],
    comment: str,
    now: datetime | None = None,
) -> tuple[Dossier, bool]:
    """Ask the applicant for the missing items (Mẫu 02) and pause the clock.

    Returns the updated dossier and ``late_request``: True when the request comes more than 3 working days
    after receipt (NĐ 61/2018) — the request is still made, the flag is for supervision.
    """
    user = _officer(officer)
    now = now or timezone.now()
    items = [str(item).strip() for item in missing_items] if isinstance(missing_items, list | tuple) else []
    if not items or not all(items):
        raise ValidationError(
            _(
                "List every missing item (at least one, none empty): the applicant is asked once for all of them."
            ),
            code="missing_items",
        )
    with transaction.atomic():
        current = _lock(dossier, user)
        if current.status not in (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS):
            raise ValidationError(
                _("Dossier %(code)s is already waiting for a supplement.") % {"code": current.code},
                code="already_waiting",
            )
        if now < current.received_at:
            raise ValidationError(_("A supplement cannot be requested before the dossier was received."))
        calendar = working_calendar()
        # Counted like the statutory time (BLDS 2015 Art. 147): from the first working day after receipt.
        elapsed = calendar.working_time_between(
            calendar.counting_start(current.received_at, DeadlineUnit.WORKING_DAY), now
        )
        late = elapsed > calendar.working_day_length * SUPPLEMENT_REQUEST_WORKING_DAYS
        pause = PausePeriod.objects.create(
            dossier=current, started_at=now, reason=comment, missing_items=items, requested_by=user
        )
        previous = current.status
        current.status = DossierStatus.WAITING_SUPPLEMENT
        current.supplement_count += 1
        dossier_lock_bump(current, ["status", "supplement_count"])
        dossier_event_add(
            current,
            actor=user,
            action=DossierAction.SUPPLEMENT_REQUESTED,
            from_status=previous,
            comment=comment,
            public=True,
            at=now,
            data={"missing_items": items, "late_request": late, "pause": pause.pk},
        )
    return current, late


def dossier_supplement_receive(
    dossier: Dossier,
    officer: AnyUser,
    files: Files,
    now: datetime | None = None,
) -> Dossier:
    """Close the open pause, store the supplied files and recompute the due date (at the desk).

    The due date is the statutory time from the original receipt extended by the office time of every
    stored pause (NĐ 61/2018; the 766 on-time rule subtracts the same intervals).
    """
    user = _officer(officer)
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = _lock(dossier, user)
            source = (
                AttachmentSource.SCAN
                if current.channel in (Channel.COUNTER, Channel.POSTAL)
                else AttachmentSource.UPLOAD
            )
            _supplement_close(current, user, files, now or timezone.now(), source=source, stored=stored)
    except BaseException:
        _remove_files(stored)
        raise
    return current


def dossier_supplement_upload(
    dossier: Dossier, applicant: AnyUser, files: Files, now: datetime | None = None
) -> Dossier:
    """The applicant sends the requested supplement online from the portal; the clock resumes as at the desk.

    The caller has checked that the dossier is the applicant's (``online.dossiers_of_applicant``); the row is
    locked here so an officer's receipt of a paper supplement and the upload cannot both close the pause."""
    if not isinstance(applicant, User) or not applicant.is_active:
        raise ValidationError(_("Log in to send a supplement."), code="forbidden")
    if not files or not any(files.values()):
        raise ValidationError(_("Choose at least one file to send."), code="no_files")
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("receiving_unit", "competent_agency", "procedure_version")
                .get(pk=dossier.pk)
            )
            _supplement_close(
                current,
                applicant,
                files,
                now or timezone.now(),
                source=AttachmentSource.UPLOAD,
                stored=stored,
            )
    except BaseException:
        _remove_files(stored)
        raise
    return current


def _supplement_close(
    current: Dossier,
    actor: User,
    files: Files,
    now: datetime,
    *,
    source: AttachmentSource,
    stored: list[str],
) -> None:
    if current.status != DossierStatus.WAITING_SUPPLEMENT:
        raise ValidationError(
            _("Dossier %(code)s is not waiting for a supplement.") % {"code": current.code},
            code="not_waiting",
        )
    checked = _files_check(current.procedure_version, files, require_all=False)
    pause = PausePeriod.objects.select_for_update().filter(dossier=current, ended_at__isnull=True).first()
    if pause is None:
        raise ValidationError(_("The open supplement request of this dossier is missing."))
    if now < pause.started_at:
        raise ValidationError(_("A supplement cannot arrive before it was requested."), code="pause_order")
    pause.ended_at = now
    pause.save(update_fields=["ended_at"])
    _attachments_store(current, checked, source=source, officer=actor, pause=pause, stored=stored)
    pauses = [
        (p.started_at, p.ended_at)
        for p in PausePeriod.objects.filter(dossier=current, ended_at__isnull=False)
        if p.ended_at is not None
    ]
    previous_due = current.due_at
    calendar = working_calendar()
    statutory_due = _statutory_deadline(calendar, current, pauses)
    if current.due_before_apology is not None:
        # After an apology (Mẫu 04) the applicant holds the new date: it moves by this wait, and the
        # statutory date it replaced (which the on-time rule uses) is recounted with every wait.
        current.due_before_apology = statutory_due
        current.due_at = calendar.add_working_time(
            current.due_at, calendar.working_time_between(pause.started_at, now)
        )
    else:
        current.due_at = statutory_due
    current.status = DossierStatus.IN_PROGRESS
    dossier_lock_bump(current, ["status", "due_at", "due_before_apology"])
    dossier_event_add(
        current,
        actor=actor,
        action=DossierAction.SUPPLEMENT_RECEIVED,
        from_status=DossierStatus.WAITING_SUPPLEMENT,
        public=True,
        at=now,
        data={
            "pause": pause.pk,
            "files": len(checked),
            "previous_due_at": previous_due.isoformat(),
            "due_at": current.due_at.isoformat(),
            "online": source == AttachmentSource.UPLOAD and actor.is_applicant,
        },
    )


def dossier_refuse(
    dossier: Dossier,
    officer: AnyUser,
    reason: str,
    now: datetime | None = None,
) -> Dossier:
    """Refuse the dossier with a reason (Mẫu 03 at receipt, or a reasoned refusal after appraisal)."""
    user = _officer(officer)
    now = now or timezone.now()
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(_("A refusal must state its reason."), code="reason_required")
    with transaction.atomic():
        current = _lock(dossier, user)
        previous = current.status
        # Refusing a dossier that waits for the applicant ends that wait now.
        PausePeriod.objects.filter(dossier=current, ended_at__isnull=True).update(ended_at=now)
        current.status = DossierStatus.REFUSED
        current.finished_at = now
        dossier_lock_bump(current, ["status", "finished_at"])
        dossier_event_add(
            current,
            actor=user,
            action=DossierAction.REFUSED,
            from_status=previous,
            comment=reason.strip(),
            public=True,
            at=now,
        )
    return current


# Actions of the hand-over events; ``notices`` texts the applicant on "result_ready".
RESULT_READY = "result_ready"
RETURNED = "returned"


class ReturnMethod(TextChoices):
    """How the result reaches the applicant (NĐ 61/2018): at the counter, by post, or online."""

    COUNTER = "counter", gettext_lazy("At the counter")
    POST = "post", gettext_lazy("By post")
    ONLINE = "online", gettext_lazy("Online")


def results_finish_check(dossier: Dossier) -> None:
    """A dossier is finished with its result: every result document approved, and at least one when the
    procedure version lists results in the catalog (a refusal is the other way a dossier ends)."""
    documents = list(ResultDocument.objects.filter(dossier=dossier).values_list("number", "approved_at"))
    pending = [number for number, approved_at in documents if approved_at is None]
    if pending:
        raise ValidationError(
            _("The result document %(numbers)s is not approved yet: the agency leader approves it first.")
            % {"numbers": ", ".join(pending)},
            code="result_not_approved",
        )
    if not documents and Result.objects.filter(version_id=dossier.procedure_version_id).exists():
        raise ValidationError(
            _(
                "Dossier %(code)s has no result document: upload or generate it, and have it approved, before "
                "finishing."
            )
            % {"code": dossier.code},
            code="result_missing",
        )


def dossier_finish(
    dossier: Dossier,
    officer: AnyUser,
    comment: str = "",
    now: datetime | None = None,
) -> Dossier:
    """The result is ready: the handling ends (``finished_at``, which the on-time rule compares with the
    due date) and the applicant is told to collect it (public ``result_ready`` event)."""
    user = _officer(officer)
    now = now or timezone.now()
    with transaction.atomic():
        current = _lock(dossier, user)
        if current.status not in (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS):
            raise ValidationError(
                _("Dossier %(code)s is waiting for a supplement: it cannot be finished.")
                % {"code": current.code},
                code="waiting_supplement",
            )
        if now < current.received_at:
            raise ValidationError(
                _("A dossier cannot be finished before it was received."), code="time_order"
            )
        results_finish_check(current)
        previous = current.status
        current.status = DossierStatus.FINISHED
        current.finished_at = now
        dossier_lock_bump(current, ["status", "finished_at"])
        # The applicant's personal data store receives the approved results with the dossier's end, so a
        # later dossier can reuse them (NĐ 224/2026: results kept for reuse).
        from motcua.datastore.services import results_store

        results_store(current)
        dossier_event_add(
            current,
            actor=user,
            action=RESULT_READY,
            from_status=previous,
            comment=comment.strip(),
            public=True,
            at=now,
        )
    return current


def dossier_return_result(
    dossier: Dossier,
    user: AnyUser,
    *,
    method: str,
    at: datetime | None = None,
    receiver: str = "",
    postal_reference: str = "",
) -> Dossier:
    """Hand the result over (``counter``, ``post`` or ``online``): status ``returned``, ``returned_at``.

    ``receiver``: who collected it at the counter (the applicant when empty); ``postal_reference``: the
    postal item number (required by post, so the hand-over can be traced). Online, the approved result
    documents are what the applicant receives, so there must be at least one.

    Only a finished dossier: ``finished`` is closed to every handling transition, so this one locks and
    checks the row itself instead of ``_lock`` (same permission and staleness rules)."""
    officer = _officer(user)
    at = at or timezone.now()
    receiver = (receiver or "").strip()[:200]
    postal_reference = (postal_reference or "").strip()[:60]
    if method not in ReturnMethod.values:
        raise ValidationError(
            _("Unknown way of returning the result %(method)r: expected one of %(choices)s.")
            % {"method": method, "choices": ", ".join(ReturnMethod.values)},
            code="return_method",
        )
    if method == ReturnMethod.POST and not postal_reference:
        raise ValidationError(
            _("Give the postal item number of the result sent by post."), code="postal_reference_required"
        )
    with transaction.atomic():
        current = (
            Dossier.objects.select_for_update()
            .select_related("receiving_unit", "competent_agency", "procedure_version")
            .get(pk=dossier.pk)
        )
        if not _may_handle(officer, current):
            raise ValidationError(
                _("You may not act on dossier %(code)s: it belongs to another unit.")
                % {"code": current.code},
                code="forbidden",
            )
        if current.lock_version != dossier.lock_version:
            raise ValidationError(
                _(
                    "Dossier %(code)s was changed by someone else in the meantime (now: %(status)s). Reload it and "
                    "try again."
                )
                % {"code": current.code, "status": current.get_status_display()},
                code="stale",
            )
        if current.status != DossierStatus.FINISHED:
            raise ValidationError(
                _("Dossier %(code)s is %(status)s: only a finished dossier's result can be returned.")
                % {"code": current.code, "status": current.get_status_display()},
                code="not_finished",
            )
        if current.finished_at is not None and at < current.finished_at:
            raise ValidationError(_("A result cannot be returned before it was ready."), code="time_order")
        documents = list(
            ResultDocument.objects.filter(dossier=current, approved_at__isnull=False)
            .order_by("id")
            .values_list("number", flat=True)
        )
        if method == ReturnMethod.ONLINE and not documents:
            raise ValidationError(
                _(
                    "Dossier %(code)s has no approved result document to send online: return it at the counter or by post."
                )
                % {"code": current.code},
                code="nothing_to_send",
            )
        current.status = DossierStatus.RETURNED
        current.returned_at = at
        dossier_lock_bump(current, ["status", "returned_at"])
        data: dict[str, Any] = {"method": method, "documents": documents}
        if method == ReturnMethod.COUNTER:
            data["receiver"] = receiver or current.applicant.full_name
        if method == ReturnMethod.POST:
            data["postal_reference"] = postal_reference
        dossier_event_add(
            current,
            actor=officer,
            action=RETURNED,
            from_status=DossierStatus.FINISHED,
            public=True,
            at=at,
            data=data,
        )
    return current


# --- apology and withdrawal ----------------------------------------------------------------------

# NĐ 61/2018 Art. 19: the apology (Mẫu 04) comes at least one working day before the due date, and the
# date may be reset only once.
APOLOGY_NOTICE_WORKING_DAYS = 1
RUNNING_STATUSES = (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS)


def apology_deadline(calendar: WorkingCalendar, dossier: Dossier) -> datetime | None:
    """The last moment the agency may still apologise (one working day of office time before the due
    date), or None when the dossier cannot be apologised for (not running, or already apologised)."""
    if dossier.status not in RUNNING_STATUSES or dossier.apologised_at is not None:
        return None
    return calendar.subtract_working_time(
        dossier.due_at, calendar.working_day_length * APOLOGY_NOTICE_WORKING_DAYS
    )


def dossier_apologise(
    dossier: Dossier,
    officer: AnyUser,
    reason: str,
    new_due_at: datetime,
    now: datetime | None = None,
) -> Dossier:
    """Apologise for the coming delay and set a new date (Mẫu 04); the applicant is told.

    Allowed once per dossier, while it runs, and at least one working day before the due date. The date it
    replaces is kept in ``due_before_apology`` (the on-time rule still measures against it)."""
    user = _officer(officer)
    now = now or timezone.now()
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError(_("An apology states the reason for the delay."), code="reason_required")
    if timezone.is_naive(new_due_at):
        raise ValidationError(_("The new date must be timezone-aware."), code="naive_datetime")
    with transaction.atomic():
        current = _lock(dossier, user)
        if current.apologised_at is not None:
            raise ValidationError(
                _(
                    "An apology was already issued for dossier %(code)s on %(at)s: the date is reset only once."
                )
                % {
                    "code": current.code,
                    "at": timezone.localtime(current.apologised_at).strftime("%d/%m/%Y"),
                },
                code="already_apologised",
            )
        if current.status not in RUNNING_STATUSES:
            raise ValidationError(
                _("Dossier %(code)s is waiting for the applicant: its clock is paused, no apology is due.")
                % {"code": current.code},
                code="waiting_supplement",
            )
        calendar = working_calendar()
        last = apology_deadline(calendar, current)
        if last is None or now > last:
            raise ValidationError(
                _(
                    "The apology must come at least %(days)d working day before the due date (%(due)s); it is too "
                    "late now."
                )
                % {
                    "days": APOLOGY_NOTICE_WORKING_DAYS,
                    "due": timezone.localtime(current.due_at).strftime("%H:%M %d/%m/%Y"),
                },
                code="apology_too_late",
            )
        if new_due_at <= current.due_at:
            raise ValidationError(
                _("The new date must come after the current due date (%(due)s).")
                % {"due": timezone.localtime(current.due_at).strftime("%H:%M %d/%m/%Y")},
                code="new_date_not_later",
            )
        previous_due = current.due_at
        current.due_before_apology = previous_due
        current.due_at = new_due_at
        current.apologised_at = now
        dossier_lock_bump(current, ["due_before_apology", "due_at", "apologised_at"])
        dossier_event_add(
            current,
            actor=user,
            action=DossierAction.APOLOGISED,
            from_status=current.status,
            comment=reason,
            public=True,
            at=now,
            data={"previous_due_at": previous_due.isoformat(), "due_at": new_due_at.isoformat()},
        )
    return current


def dossier_withdraw(
    dossier: Dossier,
    officer: AnyUser,
    reason: str = "",
    now: datetime | None = None,
) -> Dossier:
    """The applicant withdraws the dossier (a written request at the desk): its handling stops for good.

    Recorded by the receiving desk or the competent agency; the open steps of its process and any wait for
    a supplement close with it."""
    user = _officer(officer)
    now = now or timezone.now()
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    with transaction.atomic():
        current = _lock(dossier, user)
        if now < current.received_at:
            raise ValidationError(
                _("A dossier cannot be withdrawn before it was received."), code="time_order"
            )
        previous = current.status
        PausePeriod.objects.filter(dossier=current, ended_at__isnull=True).update(ended_at=now)
        current.status = DossierStatus.WITHDRAWN
        current.finished_at = now
        dossier_lock_bump(current, ["status", "finished_at"])
        # Imported here: the engine builds on this module.
        from motcua.workflow.engine import process_stop

        process_stop(current, at=now)
        dossier_event_add(
            current,
            actor=user,
            action=DossierAction.WITHDRAWN,
            from_status=previous,
            comment=reason,
            public=True,
            at=now,
        )
    return current


__all__ = [
    "APOLOGY_NOTICE_WORKING_DAYS",
    "MAX_DAILY_SEQUENCE",
    "RESULT_READY",
    "RETURNED",
    "SUPPLEMENT_REQUEST_WORKING_DAYS",
    "ReturnMethod",
    "apology_deadline",
    "competent_agency_for",
    "dossier_apologise",
    "dossier_code_issue",
    "dossier_finish",
    "dossier_receive",
    "dossier_refuse",
    "dossier_return_result",
    "dossier_supplement_receive",
    "dossier_supplement_request",
    "dossier_withdraw",
    "results_finish_check",
]
