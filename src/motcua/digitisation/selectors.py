"""Reads of digitised files: the full-text search of officers, scoped to the dossiers they may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from motcua.core.text import fold, search_terms
from motcua.datastore.models import StoredDocument
from motcua.dossiers.selectors import VIEW_CAPABILITIES, dossiers_visible_to
from motcua.org.scoping import AnyUser, agencies_for, is_global

from .models import OcrResult, OcrStatus

MAX_RESULTS = 50


@dataclass(frozen=True)
class TextHit:
    result: OcrResult
    snippet: list[str]


def snippet_lines(text: str, terms: list[str], *, around: int = 1, limit: int = 3) -> list[str]:
    """The lines of ``text`` around the first line that holds a search term (compared folded)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        folded = fold(line)
        if any(term in folded for term in terms):
            return lines[max(0, index - around) : index + around + 1][:limit]
    return lines[:limit]


def text_search(user: AnyUser, query: str) -> list[TextHit]:
    """Digitised files whose text holds every term of ``query`` (diacritics, case and punctuation ignored),
    newest first, within the dossiers ``user`` may see."""
    terms = search_terms(query)
    if not terms:
        return []
    qs: QuerySet[OcrResult] = OcrResult.objects.filter(
        status=OcrStatus.DONE, attachment__dossier__in=dossiers_visible_to(user).values("pk")
    )
    for term in terms:
        qs = qs.filter(text_folded__contains=term)
    rows = list(
        qs.select_related("attachment__dossier__applicant", "attachment__component").order_by(
            "-finished_at", "-id"
        )[:MAX_RESULTS]
    )
    return [TextHit(row, snippet_lines(row.text, terms)) for row in rows]


@dataclass(frozen=True)
class StoredHit:
    document: StoredDocument
    snippet: list[str]


def stored_search(user: AnyUser, query: str) -> list[StoredHit]:
    """Digitised earlier results (the backlog) whose text holds every term, issued by agencies in the
    officer's scope (every agency for global roles)."""
    terms = search_terms(query)
    if not terms:
        return []
    qs: QuerySet[StoredDocument] = StoredDocument.objects.all()
    if not any(is_global(user, capability) for capability in VIEW_CAPABILITIES):
        ids: set[int] = set()
        for capability in VIEW_CAPABILITIES:
            ids.update(agencies_for(user, capability).values_list("id", flat=True))
        qs = qs.filter(issuer_id__in=sorted(ids))
    for term in terms:
        qs = qs.filter(text_folded__contains=term)
    rows = list(qs.select_related("issuer").order_by("-issued_on", "-id")[:MAX_RESULTS])
    return [StoredHit(row, snippet_lines(row.text, terms)) for row in rows]
