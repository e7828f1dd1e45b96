"""Online submission (nộp hồ sơ trực tuyến): the applicant's draft on the portal, then the desk's decision.

An online dossier is received when an officer of the one-stop desk has checked it (NĐ 61/2018 Art. 19): only
then does it get its dossier code, its due date and its process. Until then it is an ``OnlineSubmission``
that the applicant edits (declaration, files per component, files reused from the personal data store,
online payment) and submits; the desk then accepts it (the normal receipt, channel *online*), asks for it to
be completed (the applicant edits and submits again) or refuses it with a reason.

Submitting is idempotent: the submission row is locked and a submission that is no longer editable is
returned unchanged, so a double click or a resubmitted page never makes two dossiers. Accepting is guarded
the same way: the dossier is created once, in the transaction that marks the submission accepted.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.eforms import components_required, eform_prefill, eform_validate
from motcua.catalog.models import Component, OnlineLevel, ProcedureVersion, VersionStatus
from motcua.geo.models import AdministrativeUnit
from motcua.integrations.services import notification_queue
from motcua.org.models import RECEIVING_KINDS, Agency
from motcua.org.scoping import AnyUser, Capability, agencies_for, can

from .files import attachment_check, sniff
from .models import (
    SUBMISSION_WITHDRAWABLE,
    Applicant,
    ApplicantKind,
    Attachment,
    AttachmentSource,
    Channel,
    Dossier,
    OnlineSubmission,
    SubmissionFile,
    SubmissionStatus,
)
from .services import _applicant_build, competent_agency_for, dossier_receive

# The applicant's fields an online declaration carries (the account holder applies for themself).
PERSON_FIELDS = ("full_name", "id_number", "date_of_birth", "sex", "phone", "email", "address", "commune")
ORGANISATION_FIELDS = ("full_name", "tax_code", "representative", "phone", "email", "address", "commune")


# --- routing ------------------------------------------------------------------------------------


def online_receiving_unit(competent: Agency) -> Agency | None:
    """The desk that checks an online dossier: the competent agency's own one-stop desk, else the desk or
    service centre nearest up its tree (a department's dossiers go to the province's service centre)."""
    current: Agency | None = competent
    while current is not None:
        if current.receives_dossiers and current.is_active:
            return current
        desk = (
            Agency.objects.filter(parent=current, kind__in=RECEIVING_KINDS, is_active=True)
            .order_by("path")
            .first()
        )
        if desk is not None:
            return desk
        current = current.parent
    return None


# --- the applicant's side -----------------------------------------------------------------------


def _applicant_account(user: AnyUser) -> User:
    if not isinstance(user, User) or not user.is_active or not user.is_applicant:
        raise ValidationError(
            _("Log in with a citizen or organisation account to file online."), code="forbidden"
        )
    return user


def applicant_defaults(user: User) -> dict[str, Any]:
    """What the declaration's applicant part starts with: the account's own (verified) details and, for a
    verified ID number, the population database's record (sex, permanent address and its commune), so the
    applicant does not type again what the State already knows (NĐ 224/2026, "provide information once")."""
    from motcua.accounts.selectors import population_record_of

    data: dict[str, Any] = {
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
    }
    if user.kind == "organisation":
        data["tax_code"] = user.tax_code
        data["representative"] = user.representative
        return data
    data["id_number"] = user.id_number
    data["date_of_birth"] = user.date_of_birth.isoformat() if user.date_of_birth else ""
    record = population_record_of(user)
    if record is not None:
        data["full_name"] = record.full_name
        data["date_of_birth"] = record.date_of_birth.isoformat()
        data["sex"] = record.sex
        data["address"] = record.permanent_address
        if AdministrativeUnit.objects.filter(code=record.commune_code, parent__isnull=False).exists():
            data["commune"] = record.commune_code
    return data


def applicant_record(user: User, data: Mapping[str, Any]) -> Applicant:
    """The ``Applicant`` a submission's applicant data describes (unsaved), validated like a receipt's.
    A verified account files under its own ID number: the declared one cannot differ."""
    kind = ApplicantKind.ORGANISATION if user.kind == "organisation" else ApplicantKind.PERSON
    fields = ORGANISATION_FIELDS if kind == ApplicantKind.ORGANISATION else PERSON_FIELDS
    values: dict[str, Any] = {"kind": kind}
    for name in fields:
        value = data.get(name, "")
        if name == "commune":
            values["commune"] = (
                AdministrativeUnit.objects.filter(code=value, parent__isnull=False).first() if value else None
            )
        elif name == "date_of_birth":
            try:
                values[name] = datetime.fromisoformat(value).date() if value else None
            except ValueError:
                raise ValidationError(
                    {"applicant": [_("The date of birth is not a valid date.")]}, code="date"
                ) from None
        else:
            values[name] = str(value or "").strip()
    if user.id_verified_at is not None and kind == ApplicantKind.PERSON:
        values["id_number"] = user.id_number
    applicant = _applicant_build(values, "applicant")
    if applicant.commune is None:
        raise ValidationError(
            {
                "applicant": [
                    _("Choose the commune of your address: it decides which agency settles the dossier.")
                ]
            },
            code="commune_required",
        )
    return applicant


def submission_start(user: AnyUser, version: ProcedureVersion) -> OnlineSubmission:
    """Resume the account's draft of this procedure, or start one."""
    account = _applicant_account(user)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("This procedure version is not published."), code="version_not_published")
    if version.online_level == OnlineLevel.NONE:
        raise ValidationError(
            _("“%(name)s” cannot be filed online: file it at a one-stop desk.") % {"name": version.name},
            code="not_online",
        )
    if account.kind == "organisation" and not version.for_organisations:
        raise ValidationError(_("This procedure is not open to organisations."), code="applicant_kind")
    if account.kind != "organisation" and not version.for_citizens:
        raise ValidationError(_("This procedure is not open to individual citizens."), code="applicant_kind")
    draft = (
        OnlineSubmission.objects.filter(
            user=account, procedure_version=version, status=SubmissionStatus.DRAFT
        )
        .order_by("-created_at")
        .first()
    )
    if draft is not None:
        return draft
    defaults = applicant_defaults(account)
    # "Provide information once" (NĐ 224/2026): the declaration starts from the account's own details.
    return OnlineSubmission.objects.create(
        user=account,
        procedure_version=version,
        applicant_data=defaults,
        form_data=eform_prefill(version, defaults),
    )


def _locked(submission: OnlineSubmission, user: User, *, editable: bool = True) -> OnlineSubmission:
    current = (
        OnlineSubmission.objects.select_for_update(of=("self",))
        .select_related("procedure_version")
        .get(pk=submission.pk)
    )
    if current.user_id != user.pk:
        raise ValidationError(_("This submission is not yours."), code="forbidden")
    if editable and not current.is_editable:
        raise ValidationError(
            _("This submission is %(status)s: it can no longer be changed.")
            % {"status": current.get_status_display().lower()},
            code="not_editable",
        )
    return current


def submission_declare(
    submission: OnlineSubmission,
    user: AnyUser,
    *,
    applicant_data: Mapping[str, Any],
    form_data: Mapping[str, Any],
) -> OnlineSubmission:
    """Save the declaration as given (a draft may be incomplete); validation happens at ``submission_check``."""
    account = _applicant_account(user)
    with transaction.atomic():
        current = _locked(submission, account)
        current.applicant_data = {
            k: v for k, v in applicant_data.items() if k in {*PERSON_FIELDS, *ORGANISATION_FIELDS}
        }
        current.form_data = dict(form_data)
        current.save(update_fields=["applicant_data", "form_data", "updated_at"])
    return current


def _file_limit_check(current: OnlineSubmission, adding: int) -> None:
    limit = settings.MOTCUA_SUBMISSION_MAX_FILES
    if SubmissionFile.objects.filter(submission=current).count() + adding > limit:
        raise ValidationError(
            _("A submission may hold at most %(limit)d files: remove some before adding more.")
            % {"limit": limit},
            code="too_many_files",
        )


def _component_of(current: OnlineSubmission, component_id: int) -> Component:
    component = Component.objects.filter(pk=component_id, version_id=current.procedure_version_id).first()
    if component is None:
        raise ValidationError(_("This component is not part of the procedure."), code="unknown_component")
    return component


def submission_file_add(
    submission: OnlineSubmission, user: AnyUser, *, component_id: int, name: str, content: bytes
) -> SubmissionFile:
    """Attach an uploaded file to a component, checked by content like any dossier file."""
    account = _applicant_account(user)
    path = ""
    try:
        with transaction.atomic():
            current = _locked(submission, account)
            component = _component_of(current, component_id)
            _file_limit_check(current, 1)
            sniffed = attachment_check(name, content, component)
            record = SubmissionFile(
                submission=current,
                component=component,
                original_name=name[-255:],
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                content_type=sniffed.content_type,
            )
            record.file.save(f"file.{sniffed.extension}", ContentFile(content), save=False)
            path = str(record.file.name)
            record.save()
            current.save(update_fields=["updated_at"])
    except BaseException:
        if path:
            with contextlib.suppress(OSError):
                default_storage.delete(path)
        raise
    return record


def submission_file_reuse(
    submission: OnlineSubmission, user: AnyUser, *, component_id: int, document_id: int
) -> SubmissionFile:
    """Take a document of the applicant's data store for a component that accepts its result code
    (reuse: the applicant brings no new copy, and the 766 index counts it). The file is copied into the
    submission, so the holder may later delete their own upload from the store without harming it."""
    from motcua.datastore.selectors import store_of

    account = _applicant_account(user)
    path = ""
    try:
        with transaction.atomic():
            current = _locked(submission, account)
            component = _component_of(current, component_id)
            document = (
                store_of(account)
                .select_related("result_document", "attachment__ocr")
                .filter(pk=document_id)
                .first()
            )
            if document is None:
                raise ValidationError(_("This document is not in your data store."), code="unknown_document")
            if not component.result_code or document.result_code != component.result_code:
                raise ValidationError(
                    _("“%(document)s” is not the kind of document “%(component)s” asks for.")
                    % {"document": document.title, "component": component.name},
                    code="wrong_document",
                )
            today = timezone.localdate()
            if document.valid_until is not None and document.valid_until < today:
                raise ValidationError(
                    _("“%(document)s” expired on %(day)s and cannot be reused.")
                    % {"document": document.title, "day": document.valid_until.strftime("%d/%m/%Y")},
                    code="expired_document",
                )
            if SubmissionFile.objects.filter(
                submission=current, component=component, stored_document=document
            ).exists():
                raise ValidationError(_("This document is already attached."), code="duplicate")
            _file_limit_check(current, 1)
            with document.content.open("rb") as handle:
                content = handle.read()
            sniffed = sniff(content)
            record = SubmissionFile(
                submission=current,
                component=component,
                original_name=f"{document.title[:200]}.{sniffed.extension or 'pdf'}",
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                content_type=sniffed.content_type,
                stored_document=document,
            )
            record.file.save(f"file.{sniffed.extension or 'pdf'}", ContentFile(content), save=False)
            path = str(record.file.name)
            record.save()
            current.save(update_fields=["updated_at"])
    except BaseException:
        if path:
            with contextlib.suppress(OSError):
                default_storage.delete(path)
        raise
    return record


def submission_file_remove(submission: OnlineSubmission, user: AnyUser, file_id: int) -> None:
    account = _applicant_account(user)
    with transaction.atomic():
        current = _locked(submission, account)
        record = SubmissionFile.objects.filter(pk=file_id, submission=current).first()
        if record is None:
            raise ValidationError(_("This file is not part of the submission."), code="unknown_file")
        path = str(record.file.name)
        record.delete()
        current.save(update_fields=["updated_at"])
    if path:
        with contextlib.suppress(OSError):
            default_storage.delete(path)


# --- checks and submission ------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionReview:
    """Everything that stands between a draft and its submission, grouped for the review page."""

    applicant_errors: list[str]
    form_errors: dict[str, list[str]]
    missing_components: list[Component]
    payment_due: int
    payment_missing: bool

    @property
    def ready(self) -> bool:
        return not (
            self.applicant_errors or self.form_errors or self.missing_components or self.payment_missing
        )


def required_component_ids(version: ProcedureVersion, form_data: Mapping[str, Any]) -> set[int]:
    return components_required(version, form_data)


def submission_review(submission: OnlineSubmission) -> SubmissionReview:
    from motcua.payments.fees import fee_lines, fee_total

    version = submission.procedure_version
    applicant_errors: list[str] = []
    try:
        applicant = applicant_record(submission.user, submission.applicant_data)
        competent = competent_agency_for(version, applicant.commune, online_receiving_unit_default())
        if online_receiving_unit(competent) is None:
            applicant_errors.append(_("No one-stop desk receives this procedure online yet."))
    except ValidationError as exc:
        applicant_errors.extend(exc.messages)
    form_errors = eform_validate(version, submission.form_data)
    required = required_component_ids(version, submission.form_data)
    given = set(SubmissionFile.objects.filter(submission=submission).values_list("component_id", flat=True))
    missing = [c for c in version.components.all() if c.pk in required and c.pk not in given]
    due = fee_total(fee_lines(version))
    paid = submission.payment_id is not None and submission.payment is not None and submission.payment.is_paid
    # Fully online services are paid online before submission (NĐ 42/2022 Art. 11); a partial one is paid at
    # the desk when the originals are brought.
    payment_missing = version.online_level == OnlineLevel.FULL and due > 0 and not paid
    return SubmissionReview(applicant_errors, form_errors, missing, due, payment_missing)


def submission_desk(submission: OnlineSubmission) -> Agency | None:
    """The desk the submission will go to, as far as the declaration allows to tell (None while the
    applicant's commune is missing or wrong); the collecting agency printed on an online payment's receipt."""
    try:
        applicant = applicant_record(submission.user, submission.applicant_data)
        competent = competent_agency_for(
            submission.procedure_version, applicant.commune, online_receiving_unit_default()
        )
    except ValidationError:
        return None
    return online_receiving_unit(competent)


def online_receiving_unit_default() -> Agency:
    """Routing needs a receiving unit only to choose between levels; online, the province's centre stands in."""
    centre = Agency.objects.filter(kind__in=RECEIVING_KINDS, is_active=True).order_by("path").first()
    if centre is None:
        raise ValidationError(_("No one-stop desk is configured."), code="no_desk")
    return centre


def _notify(submission: OnlineSubmission, text: str) -> None:
    user = submission.user
    for channel, recipient in (("sms", user.phone), ("email", user.email)):
        if not recipient:
            continue
        with contextlib.suppress(ValidationError):
            notification_queue(
                channel=channel,
                recipient=recipient,
                subject="Hồ sơ trực tuyến",
                body=text,
                reference=str(submission.key),
            )


def submission_submit(
    submission: OnlineSubmission, user: AnyUser, *, now: datetime | None = None
) -> OnlineSubmission:
    """Send the submission to the desk's online queue. A submission already sent is returned as it is."""
    account = _applicant_account(user)
    with transaction.atomic():
        current = _locked(submission, account, editable=False)
        if not current.is_editable:
            return current
        review = submission_review(current)
        if not review.ready:
            raise ValidationError(
                _("The submission is not complete yet: see the points listed."), code="incomplete"
            )
        applicant = applicant_record(account, current.applicant_data)
        competent = competent_agency_for(
            current.procedure_version, applicant.commune, online_receiving_unit_default()
        )
        current.receiving_unit = online_receiving_unit(competent)
        current.status = SubmissionStatus.SUBMITTED
        current.submitted_at = now or timezone.now()
        current.submit_count += 1
        current.save(update_fields=["receiving_unit", "status", "submitted_at", "submit_count", "updated_at"])
        _notify(
            current,
            f"Hồ sơ trực tuyến “{current.procedure_version.name}” đã được gửi tới {current.receiving_unit}. "
            "Bộ phận Một cửa sẽ kiểm tra và thông báo kết quả tiếp nhận.",
        )
    return current


def submission_withdraw(
    submission: OnlineSubmission, user: AnyUser, *, now: datetime | None = None
) -> OnlineSubmission:
    account = _applicant_account(user)
    with transaction.atomic():
        current = _locked(submission, account, editable=False)
        if current.status not in SUBMISSION_WITHDRAWABLE:
            raise ValidationError(
                _("This submission is %(status)s: it can no longer be withdrawn here.")
                % {"status": current.get_status_display().lower()},
                code="not_withdrawable",
            )
        current.status = SubmissionStatus.WITHDRAWN
        current.decided_at = now or timezone.now()
        current.save(update_fields=["status", "decided_at", "updated_at"])
    return current


# --- the desk's side ------------------------------------------------------------------------------


def online_queue(user: AnyUser) -> QuerySet[OnlineSubmission]:
    """Submissions waiting at the desks where the officer receives, oldest first (keyset on the index)."""
    units = agencies_for(user, Capability.DOSSIER_RECEIVE)
    return (
        OnlineSubmission.objects.filter(status=SubmissionStatus.SUBMITTED, receiving_unit__in=units)
        .select_related("procedure_version", "receiving_unit", "user")
        .order_by("submitted_at", "id")
    )


def _desk_locked(submission: OnlineSubmission, officer: AnyUser) -> tuple[OnlineSubmission, User]:
    if not isinstance(officer, User) or not officer.is_active:
        raise ValidationError(_("Only a logged-in officer can do this."), code="forbidden")
    current = (
        OnlineSubmission.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "receiving_unit", "user", "payment")
        .get(pk=submission.pk)
    )
    if current.receiving_unit is None or not can(officer, Capability.DOSSIER_RECEIVE, current.receiving_unit):
        raise ValidationError(_("You may not receive dossiers at this unit."), code="forbidden")
    if current.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(
            _("This submission is %(status)s: it no longer waits for the desk.")
            % {"status": current.get_status_display().lower()},
            code="not_waiting",
        )
    return current, officer


def submission_accept(
    submission: OnlineSubmission, officer: AnyUser, *, now: datetime | None = None
) -> Dossier:
    """Receive the online dossier: the normal receipt (code, routing, due date, process), channel online."""
    with transaction.atomic():
        current, user = _desk_locked(submission, officer)
        assert current.receiving_unit is not None
        applicant = applicant_record(current.user, current.applicant_data)
        files: dict[str, list[tuple[str, bytes]]] = {}
        records = list(SubmissionFile.objects.filter(submission=current).select_related("component"))
        for record in records:
            with record.file.open("rb") as handle:
                files.setdefault(record.component.code, []).append((record.original_name, handle.read()))
        dossier = dossier_receive(
            officer=user,
            receiving_unit=current.receiving_unit,
            procedure_version=current.procedure_version,
            applicant=applicant,
            channel=Channel.ONLINE,
            form_data=current.form_data,
            files=files,
            received_at=now,
        )
        # The receipt stored each file as an attachment of its component; those taken from the data store
        # are found again by component and content (the same document may serve two components).
        reused: dict[tuple[int | None, str], int] = {
            (r.component_id, r.sha256): r.stored_document_id for r in records if r.stored_document_id
        }
        if reused:
            marked = []
            for attachment in Attachment.objects.filter(dossier=dossier, pause__isnull=True):
                document_id = reused.get((attachment.component_id, attachment.sha256))
                if document_id is not None:
                    attachment.source = AttachmentSource.DATA_STORE
                    attachment.stored_document_id = document_id
                    marked.append(attachment)
            Attachment.objects.bulk_update(marked, ["source", "stored_document"])
        if current.payment is not None:
            from motcua.payments.services import payment_attach

            payment_attach(current.payment, dossier)
        current.status = SubmissionStatus.ACCEPTED
        current.dossier = dossier
        current.decided_at = now or timezone.now()
        current.decided_by = user
        current.save(update_fields=["status", "dossier", "decided_at", "decided_by", "updated_at"])
    return dossier


def submission_ask_completion(
    submission: OnlineSubmission,
    officer: AnyUser,
    *,
    missing_items: list[str],
    reason: str = "",
    now: datetime | None = None,
) -> OnlineSubmission:
    """Mẫu 02 online: the applicant is told what to complete and may submit the same submission again."""
    items = [item.strip() for item in missing_items if item.strip()]
    if not items:
        raise ValidationError(_("List at least one item the applicant must complete."), code="no_items")
    with transaction.atomic():
        current, user = _desk_locked(submission, officer)
        current.status = SubmissionStatus.COMPLETION_REQUESTED
        current.missing_items = items
        current.reason = reason.strip()
        current.decided_at = now or timezone.now()
        current.decided_by = user
        current.save(
            update_fields=["status", "missing_items", "reason", "decided_at", "decided_by", "updated_at"]
        )
        _notify(
            current,
            f"Hồ sơ trực tuyến “{current.procedure_version.name}” cần bổ sung, hoàn thiện: {'; '.join(items)}. "
            "Vui lòng đăng nhập Cổng dịch vụ công để bổ sung và gửi lại.",
        )
    return current


def submission_refuse(
    submission: OnlineSubmission, officer: AnyUser, *, reason: str, now: datetime | None = None
) -> OnlineSubmission:
    """Mẫu 03 online: refused with the reason, which the applicant reads on the portal."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for the refusal."), code="no_reason")
    with transaction.atomic():
        current, user = _desk_locked(submission, officer)
        current.status = SubmissionStatus.REFUSED
        current.reason = reason.strip()
        current.decided_at = now or timezone.now()
        current.decided_by = user
        current.save(update_fields=["status", "reason", "decided_at", "decided_by", "updated_at"])
        _notify(
            current,
            f"Hồ sơ trực tuyến “{current.procedure_version.name}” không được tiếp nhận. Lý do: {current.reason}",
        )
    return current


# --- the applicant's dossiers ---------------------------------------------------------------------


def dossiers_of_applicant(user: User) -> QuerySet[Dossier]:
    """The dossiers an applicant account may follow: those filed from it, and, for a verified account, every
    dossier whose applicant has its ID number (e.g. filed at a desk)."""
    condition = Q(online_submission__user=user)
    if user.id_verified_at is not None and user.id_number:
        condition |= Q(applicant__id_number=user.id_number, applicant__kind=ApplicantKind.PERSON)
    return Dossier.objects.filter(condition)


def component_requirement_label(component: Component, required_ids: set[int]) -> str:
    if component.pk in required_ids:
        return _("Required")
    return (
        _("Only when: %(condition)s") % {"condition": component.condition}
        if component.condition
        else _("Optional")
    )
