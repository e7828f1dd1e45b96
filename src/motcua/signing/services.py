"""Signing approved result documents with the leader's server-held key, after a one-time code.

``results_sign`` signs several documents in one session (one code): each in its own transaction, so one
that cannot be signed (e.g. changed meanwhile) does not stop the others; the outcome lists both. The stored
file is replaced by its signed version (its SHA-256 changes; ``SignatureRecord`` keeps both hashes) and the
dossier's history records the signature.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.datastore.services import result_file_changed
from motcua.dossiers.models import CLOSED_STATUSES, DossierAction, DossierStatus, ResultDocument
from motcua.dossiers.services import _remove_files, dossier_event_add
from motcua.org.models import Agency
from motcua.org.scoping import AnyUser, Capability, can

from .backends import signer_release, signing_backends
from .models import SignatureRecord, SigningCertificate
from .otp import SIGN, code_check
from .pades import StampInfo, pdf_sign

RESULT_SIGNED = DossierAction.RESULT_SIGNED
# A result may still be signed once the dossier is finished (signing often follows the approval).
SIGNABLE_CLOSED = frozenset({DossierStatus.FINISHED})


@dataclass
class SigningOutcome:
    signed: list[ResultDocument] = field(default_factory=list)
    failed: list[tuple[ResultDocument, str]] = field(default_factory=list)


def verify_url(document: ResultDocument) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL}/xac-thuc/{document.verify_token}/"


def certificate_for(user: User, now: datetime | None = None) -> SigningCertificate | None:
    now = now or timezone.now()
    return (
        SigningCertificate.objects.filter(user=user, is_active=True, not_before__lte=now, not_after__gt=now)
        .select_related("agency")
        .order_by("-not_after")
        .first()
    )


def signable_documents(user: AnyUser) -> list[ResultDocument]:
    """Approved, not yet signed result documents of the dossiers where ``user`` may sign results."""
    from motcua.org.scoping import agencies_for, is_global

    qs = ResultDocument.objects.filter(approved_at__isnull=False, signatures__isnull=True).exclude(
        dossier__status__in=CLOSED_STATUSES - SIGNABLE_CLOSED
    )
    if not is_global(user, Capability.RESULT_SIGN):
        qs = qs.filter(dossier__competent_agency__in=agencies_for(user, Capability.RESULT_SIGN))
    return list(
        qs.select_related("dossier__applicant", "dossier__competent_agency", "approved_by").order_by(
            "approved_at", "id"
        )[:200]
    )


def _signed_or_refused(
    content: bytes, signer: Any, stamp: StampInfo, *, field_name: str, reason: str
) -> bytes:
    """pdf_sign, with a file pyHanko cannot rewrite (not a well-formed PDF) refused with a clear message."""
    from pyhanko.pdf_utils.misc import PdfError

    try:
        return pdf_sign(content, signer, stamp, field_name=field_name, reason=reason)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(
            _("The file is not a well-formed PDF and cannot be signed; upload a proper PDF of the result."),
            code="unsignable",
        ) from exc


def _sign_one(document: ResultDocument, user: User, certificate: SigningCertificate, now: datetime) -> None:
    stored: list[str] = []
    try:
        with transaction.atomic():
            row = (
                ResultDocument.objects.select_for_update(of=("self",))
                .select_related("dossier__competent_agency")
                .get(pk=document.pk)
            )
            dossier = row.dossier
            if not can(user, Capability.RESULT_SIGN, dossier.competent_agency):
                raise ValidationError(
                    _("Only a leader of %(agency)s signs this result.")
                    % {"agency": dossier.competent_agency.name},
                    code="forbidden",
                )
            if row.approved_at is None:
                raise ValidationError(_("The result is not approved yet."), code="not_approved")
            if row.signatures.exists():
                raise ValidationError(_("The result is already signed."), code="already_signed")
            if dossier.status in CLOSED_STATUSES - SIGNABLE_CLOSED:
                raise ValidationError(
                    _("The dossier is %(status)s: its result is not signed.")
                    % {"status": dossier.get_status_display()},
                    code="closed",
                )
            with row.file.open("rb") as handle:
                content = handle.read()
            if hashlib.sha256(content).hexdigest() != row.sha256:
                raise ValidationError(
                    _("The stored file of %(number)s does not match its registered hash: it is not signed.")
                    % {"number": row.number},
                    code="hash_mismatch",
                )
            signer = signing_backends[certificate.backend].signer_for(certificate)
            try:
                signed = _signed_or_refused(
                    content,
                    signer,
                    StampInfo(
                        signer_name=user.full_name or user.get_username(),
                        title=certificate.title,
                        agency=certificate.agency.name,
                        verify_url=verify_url(row),
                        when=now,
                    ),
                    field_name=f"Signature{row.signatures.count() + 1}",
                    reason=f"Ký kết quả {row.number}",
                )
            finally:
                signer_release(signer)
            before = row.sha256
            old_path = str(row.file.name)
            row.file.save("result.pdf", ContentFile(signed), save=False)
            stored.append(str(row.file.name))
            row.sha256 = hashlib.sha256(signed).hexdigest()
            row.size = len(signed)
            row.save(update_fields=["file", "sha256", "size"])
            result_file_changed(row)
            SignatureRecord.objects.create(
                document=row,
                certificate=certificate,
                signer=user,
                signed_at=now,
                sha256_before=before,
                sha256_after=row.sha256,
            )
            dossier_event_add(
                dossier,
                actor=user,
                action=RESULT_SIGNED,
                from_status=dossier.status,
                public=False,
                at=now,
                data={"number": row.number, "sha256": row.sha256, "certificate": certificate.fingerprint},
            )
            transaction.on_commit(lambda: _remove_files([old_path]))
    except BaseException:
        _remove_files(stored)
        raise


def results_sign(
    documents: Sequence[ResultDocument], user: AnyUser, code: str, *, now: datetime | None = None
) -> SigningOutcome:
    """Sign ``documents`` with ``user``'s certificate after checking the one-time ``code``."""
    if not isinstance(user, User) or not user.is_active:
        raise ValidationError(_("Only a logged-in officer can do this."), code="forbidden")
    now = now or timezone.now()
    if not documents:
        raise ValidationError(_("Choose at least one result to sign."), code="nothing_chosen")
    certificate = certificate_for(user, now)
    if certificate is None:
        raise ValidationError(
            _("You have no valid signing certificate on this server: ask an administrator."),
            code="no_certificate",
        )
    code_check(user, code, SIGN, now)
    outcome = SigningOutcome()
    for document in documents:
        try:
            _sign_one(document, user, certificate, now)
        except ValidationError as exc:
            outcome.failed.append((document, " ".join(exc.messages)))
        else:
            document.refresh_from_db()
            outcome.signed.append(document)
    return outcome


# --- slips sealed by the issuing unit ------------------------------------------------------------


def seal_for(agency: Agency, now: datetime | None = None) -> SigningCertificate | None:
    """The valid electronic seal of ``agency``, else of the nearest unit above it (a one-stop desk uses its
    People's Committee's seal when it has none of its own)."""
    now = now or timezone.now()
    chain = [agency.pk]
    parent = agency.parent
    for _depth in range(10):
        if parent is None:
            break
        chain.append(parent.pk)
        parent = parent.parent
    seals = {
        seal.agency_id: seal
        for seal in SigningCertificate.objects.filter(
            user__isnull=True, agency_id__in=chain, is_active=True, not_before__lte=now, not_after__gt=now
        ).select_related("agency")
    }
    return next((seals[pk] for pk in chain if pk in seals), None)


def slip_seal(pdf: bytes, agency: Agency, *, reason: str) -> bytes:
    """``pdf`` sealed (PAdES) by ``agency``'s electronic seal when it has one; unchanged otherwise, so a unit
    without a seal still prints its slips (to be signed by hand)."""
    seal = seal_for(agency)
    if seal is None:
        return pdf
    signer = signing_backends[seal.backend].signer_for(seal)
    try:
        return pdf_sign(
            pdf,
            signer,
            StampInfo(
                signer_name=seal.agency.name,
                title="Con dấu điện tử",
                agency=seal.agency.name,
                verify_url=f"{settings.MOTCUA_PUBLIC_URL}/xac-thuc/",
                when=timezone.now(),
            ),
            field_name="Seal",
            reason=reason,
        )
    finally:
        signer_release(signer)
