"""Reads of the personal data store: a holder's documents, newest first, in keyset pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.org.scoping import AnyUser

from .models import StoredDocument, StoredDocumentKind
from .services import holder_number_of


@dataclass(frozen=True)
class StorePage:
    documents: list[StoredDocument]
    next_cursor: str  # "" on the last page


def _cursor(document: StoredDocument) -> str:
    return f"{document.created_at.isoformat()}_{document.pk}"


def _after(cursor: str) -> Q:
    try:
        at_text, pk_text = cursor.rsplit("_", 1)
        at, pk = datetime.fromisoformat(at_text), int(pk_text)
    except ValueError:
        return Q()
    return Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk)


def store_of(user: AnyUser) -> QuerySet[StoredDocument]:
    """Every document of the account's store (none for an account without a verified identity)."""
    holder = holder_number_of(user)
    if holder is None:
        return StoredDocument.objects.none()
    return StoredDocument.objects.filter(holder_number=holder)


def store_page(user: AnyUser, *, kind: str = "", cursor: str = "", size: int = 20) -> StorePage:
    qs = store_of(user).select_related("issuer", "dossier")
    if kind in StoredDocumentKind.values:
        qs = qs.filter(kind=kind)
    if cursor:
        qs = qs.filter(_after(cursor))
    rows = list(qs.order_by("-created_at", "-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return StorePage(rows, _cursor(rows[-1]) if more and rows else "")


def store_document(user: AnyUser, key: UUID) -> StoredDocument | None:
    """One document of the account's own store; None for anything else (the caller answers 404)."""
    return (
        store_of(user)
        .select_related("issuer", "dossier", "result_document", "attachment__ocr")
        .filter(key=key)
        .first()
    )


def reusable_documents(
    user: AnyUser, result_codes: set[str], today: date | None = None
) -> list[StoredDocument]:
    """The account's documents still in force whose result code one of the components asks for."""
    codes = {code for code in result_codes if code}
    if not codes:
        return []
    today = today or timezone.localdate()
    return list(
        store_of(user)
        .filter(result_code__in=codes)
        .exclude(valid_until__lt=today)
        .select_related("issuer")
        .order_by("-issued_on", "-pk")[:200]
    )
