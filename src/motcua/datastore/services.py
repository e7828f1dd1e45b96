"""Writes to the personal data store: results issued at the end of a dossier, components digitised at the
desk, documents the holder adds, and the holder deleting what they added.

Results and components are stored in the transaction of the event that produces them (a dossier finished, a
scan digitised), so a dossier is never finished without its results being in the holder's store. Storing the
same result or component twice is a no-op (``record_key`` is unique).
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import AccountKind, User
from motcua.catalog.models import result_code_validator
from motcua.core.text import fold
from motcua.dossiers.files import file_check
from motcua.dossiers.models import (
    Applicant,
    ApplicantKind,
    Attachment,
    Dossier,
    ResultDocument,
)
from motcua.org.scoping import AnyUser

from .models import StoredDocument, StoredDocumentKind

# What a holder may add to their store: documents, not office files or archives.
UPLOAD_FORMATS = ["pdf", "jpg", "png"]


def holder_number_of(user: AnyUser) -> str | None:
    """The store an account opens: a person's verified ID number, an organisation's verified tax code.

    Only a verified identity opens a store (digital-ID login or population-database check for a person; for
    an organisation the administrator's or the business registry's check): anyone could type someone
    else's number at registration."""
    if not isinstance(user, User) or not user.is_active or user.id_verified_at is None:
        return None
    if user.kind == AccountKind.ORGANISATION:
        return user.tax_code or None
    if user.kind == AccountKind.CITIZEN:
        return user.id_number or None
    return None


def holder_of(applicant: Applicant) -> tuple[str, str] | None:
    """(number, name) of the store a dossier's results go to; None when the applicant has no number."""
    if applicant.kind == ApplicantKind.ORGANISATION:
        return (applicant.tax_code, applicant.full_name) if applicant.tax_code else None
    return (applicant.id_number, applicant.full_name) if applicant.id_number else None


def _key(kind: str, pk: int) -> str:
    return hashlib.sha256(f"{kind}:{pk}".encode()).hexdigest()


def results_store(dossier: Dossier) -> list[StoredDocument]:
    """Put the dossier's approved result documents into the applicant's store (inside the caller's
    transaction: ``dossier_finish``). Returns the documents stored now."""
    holder = holder_of(dossier.applicant)
    if holder is None:
        return []
    documents = list(
        ResultDocument.objects.filter(dossier=dossier, approved_at__isnull=False)
        .exclude(stored_document__isnull=False)
        .order_by("id")
    )
    stored = [
        StoredDocument(
            holder_number=holder[0],
            holder_name=holder[1],
            kind=StoredDocumentKind.ISSUED,
            result_code=document.result_code,
            title=document.title,
            number=document.number,
            issuer_id=dossier.competent_agency_id,
            issued_on=document.issued_on,
            valid_until=document.valid_until,
            sha256=document.sha256,
            size=document.size,
            content_type=document.content_type or "application/pdf",
            record_key=_key("result", document.pk),
            result_document=document,
            dossier=dossier,
        )
        for document in documents
    ]
    StoredDocument.objects.bulk_create(stored)
    return stored


def result_file_changed(document: ResultDocument) -> None:
    """A stored result follows its document's file (a signature added after the dossier was finished)."""
    StoredDocument.objects.filter(result_document=document).update(sha256=document.sha256, size=document.size)


def component_store(attachment: Attachment, text: str = "") -> StoredDocument | None:
    """Keep a component the desk digitised in the applicant's store (``digitisation.ocr_run`` calls this once
    the searchable PDF exists). A component that names a result code becomes reusable for that code."""
    dossier = Dossier.objects.select_related("applicant").get(pk=attachment.dossier_id)
    holder = holder_of(dossier.applicant)
    if holder is None or attachment.component_id is None:
        return None
    component = attachment.component
    assert component is not None
    document = StoredDocument(
        holder_number=holder[0],
        holder_name=holder[1],
        kind=StoredDocumentKind.COMPONENT,
        result_code=component.result_code,
        title=component.name,
        issued_on=dossier.received_at.date() if dossier.received_at else None,
        sha256=attachment.sha256,
        size=attachment.size,
        content_type="application/pdf",
        text=text,
        text_folded=fold(text),
        record_key=_key("attachment", attachment.pk),
        attachment=attachment,
        dossier=dossier,
    )
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        return StoredDocument.objects.filter(record_key=document.record_key).first()
    return document


def stored_document_upload(
    user: AnyUser,
    *,
    title: str,
    name: str,
    content: bytes,
    result_code: str = "",
    number: str = "",
    issuer_name: str = "",
    issued_on: date | None = None,
    valid_until: date | None = None,
) -> StoredDocument:
    """The holder adds a document of their own (e.g. a paper certificate they scanned)."""
    holder = holder_number_of(user)
    if holder is None:
        raise ValidationError(
            _("Your identity must be verified (digital-ID login) before you can use the data store."),
            code="not_verified",
        )
    assert isinstance(user, User)
    errors: dict[str, list[str]] = {}
    title = title.strip()
    if not title:
        errors.setdefault("title", []).append(_("Give the document a title."))
    result_code = result_code.strip()
    if result_code:
        try:
            result_code_validator(result_code)
        except ValidationError as exc:
            errors.setdefault("result_code", []).extend(exc.messages)
    if issued_on and valid_until and valid_until < issued_on:
        errors.setdefault("valid_until", []).append(_("The document cannot expire before it was issued."))
    if issued_on and issued_on > date.today():
        errors.setdefault("issued_on", []).append(_("The date of issue cannot be in the future."))
    try:
        sniffed = file_check(name, content, UPLOAD_FORMATS, accepted_by=_("The personal data store"))
    except ValidationError as exc:
        errors.setdefault("file", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    path = ""
    try:
        with transaction.atomic():
            # Lock the account row so two uploads at once cannot both pass the limit.
            User.objects.select_for_update().filter(pk=user.pk).first()
            limit = settings.MOTCUA_DATASTORE_MAX_UPLOADS
            own = StoredDocument.objects.filter(
                holder_number=holder, kind=StoredDocumentKind.UPLOADED
            ).count()
            if own >= limit:
                raise ValidationError(
                    _(
                        "Your store already holds %(limit)d documents you added: delete some before adding more."
                    )
                    % {"limit": limit},
                    code="too_many_documents",
                )
            document = StoredDocument(
                holder_number=holder,
                holder_name=user.full_name or user.get_username(),
                kind=StoredDocumentKind.UPLOADED,
                result_code=result_code,
                title=title[:500],
                number=number.strip()[:80],
                issuer_name=issuer_name.strip()[:255],
                issued_on=issued_on,
                valid_until=valid_until,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                content_type=sniffed.content_type,
                record_key=_key("upload", uuid.uuid4().int),
                added_by=user,
            )
            document.file.save(f"document.{sniffed.extension}", ContentFile(content), save=False)
            path = str(document.file.name)
            document.save()
    except BaseException:
        if path:
            with contextlib.suppress(OSError):
                default_storage.delete(path)
        raise
    return document


def stored_document_delete(user: AnyUser, document: StoredDocument) -> None:
    """The holder deletes a document they added. Issued results and digitised documents stay: they are
    the agencies' records (a holder who no longer wants one simply does not reuse it)."""
    holder = holder_number_of(user)
    with transaction.atomic():
        current = StoredDocument.objects.select_for_update().filter(pk=document.pk).first()
        if current is None or holder is None or current.holder_number != holder:
            raise ValidationError(_("This document is not in your data store."), code="unknown_document")
        if not current.is_removable:
            raise ValidationError(
                _("“%(title)s” was issued or digitised by an agency: it cannot be deleted.")
                % {"title": current.title},
                code="not_removable",
            )
        path = str(current.file.name)
        current.delete()
        if path:
            transaction.on_commit(lambda: default_storage.delete(path))
