"""The verification check in the API: the same answer as the public page, for machines (a PDF in
base64). Public, like the page, and rate-limited per address."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from motcua.core.ratelimit import client_ip, rate_limited
from motcua.dossiers.models import ResultDocument

from .pades import pdf_verify
from .views import VERIFY_MAX_BYTES

router = Router(tags=["verification"])


class VerifyIn(Schema):
    content_base64: str


class SignatureOut(Schema):
    signer: str
    organisation: str
    signed_at: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    revocation: str
    covers_document: bool
    problem: str


class RegisteredOut(Schema):
    number: str
    result_code: str
    title: str
    issuer: str


class VerificationOut(Schema):
    readable: bool
    error: str
    verdict: str  # valid, unsigned, error, tampered, invalid, untrusted, expired, revoked, modified
    signatures: list[SignatureOut]
    registered: RegisteredOut | None


@router.post("/verify", response=VerificationOut, summary="Check the signatures of a PDF", auth=None)
def verify(request: HttpRequest, payload: VerifyIn) -> dict[str, Any]:
    limit, window = settings.MOTCUA_TRACKING_RATE
    if rate_limited("verify", client_ip(request), limit=limit, window_seconds=window):
        raise HttpError(429, "Too many checks from this address; try again later")
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise HttpError(422, "content_base64 is not valid base64") from exc
    if len(content) > VERIFY_MAX_BYTES:
        raise HttpError(413, "The file is larger than 20 MB")
    report = pdf_verify(content)
    document = (
        ResultDocument.objects.select_related("dossier__competent_agency")
        .filter(sha256=hashlib.sha256(content).hexdigest(), approved_at__isnull=False)
        .first()
        if report.readable
        else None
    )
    return {
        "readable": report.readable,
        "error": report.error,
        "verdict": report.verdict,
        "signatures": [
            {
                "signer": s.signer,
                "organisation": s.organisation,
                "signed_at": s.signed_at,
                "intact": s.intact,
                "valid": s.valid,
                "trusted": s.trusted,
                "revocation": s.revocation,
                "covers_document": s.covers_document,
                "problem": s.problem,
            }
            for s in report.signatures
        ],
        "registered": {
            "number": document.number,
            "result_code": document.result_code,
            "title": document.title,
            "issuer": document.dossier.competent_agency.name,
        }
        if document is not None
        else None,
    }
