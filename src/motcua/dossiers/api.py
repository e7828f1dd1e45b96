"""The dossier API: create a dossier from an external channel (e.g. the national portal's connector),
read and list dossiers within the caller's scope, and act on them. Callers authenticate with a bearer token
(`motcua api_token USER`) or an officer's session; they act with that user's roles."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import HttpBearer, django_auth

from motcua.accounts.tokens import token_user
from motcua.audit.services import access_record
from motcua.catalog.models import Procedure, Result
from motcua.core.compiled import CompiledQuery, nested_rows
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency
from motcua.workflow.engine import available_actions, process_act

from .models import Attachment, Dossier, DossierEvent, DossierStatus
from .results import result_document_add, result_documents_approve
from .selectors import dossiers_visible_to, may_view, visibility_for
from .services import (
    dossier_apologise,
    dossier_receive,
    dossier_refuse,
    dossier_return_result,
    dossier_supplement_request,
    dossier_withdraw,
)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["dossiers"], auth=[TokenAuth(), django_auth])


class ValidationProblem(Schema):
    detail: list[str]
    codes: list[str]


class DossierSummary(Schema):
    code: str
    status: str
    channel: str
    procedure_code: str
    procedure_name: str
    receiving_unit: str
    competent_agency: str
    applicant_name: str
    received_at: datetime
    due_at: datetime


class ApplicantIn(Schema):
    kind: str = "person"
    full_name: str
    id_number: str = ""
    date_of_birth: date | None = None
    sex: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    commune: str = ""  # 5-digit commune code
    tax_code: str = ""
    representative: str = ""


class ApplicantOut(ApplicantIn):
    pass


class FileIn(Schema):
    component: str
    name: str
    content_base64: str


class DossierIn(Schema):
    procedure: str  # national code, e.g. 1.001193
    receiving_unit: str  # QCVN 102 code of the service centre or one-stop desk
    channel: str = "national_portal"
    applicant: ApplicantIn
    form_data: dict[str, Any] = {}
    files: list[FileIn] = []
    received_at: datetime | None = None


class AttachmentOut(Schema):
    component: str | None
    name: str
    content_type: str
    size: int
    pages: int | None
    sha256: str


class EventOut(Schema):
    at: datetime
    action: str
    to_status: str
    comment: str
    public: bool


class DossierDetail(DossierSummary):
    applicant: ApplicantOut
    form_data: dict[str, Any]
    supplement_count: int
    lock_version: int
    attachments: list[AttachmentOut]
    timeline: list[EventOut]


class DossierPage(Schema):
    results: list[DossierSummary]
    next: str | None


class SupplementRequestIn(Schema):
    missing_items: list[str]
    comment: str = ""


class RefuseIn(Schema):
    reason: str


# The columns a summary is built from, read with ``values()``: building seven model instances per row and
# compiling their select_related columns cost more than the SQL itself (API list ≈13 → ≈5 ms of Python).
SUMMARY_FIELDS = (
    "id",
    "code",
    "status",
    "channel",
    "procedure_version__procedure__national_code",
    "procedure_version__name",
    "receiving_unit__code",
    "competent_agency__code",
    "applicant__full_name",
    "received_at",
    "due_at",
)
APPLICANT_FIELDS = ("kind", "full_name", "id_number", "date_of_birth", "sex", "phone", "email", "address")
DETAIL_FIELDS = (
    *SUMMARY_FIELDS,
    *(f"applicant__{name}" for name in APPLICANT_FIELDS if name != "full_name"),
    "applicant__commune__code",
    "applicant__tax_code",
    "applicant__representative",
    "form_data",
    "supplement_count",
    "lock_version",
)


# The detail's reads, compiled once (``motcua.core.compiled``): building their SQL cost more than running
# it. On PostgreSQL the files and the history come with the dossier (``nested_rows``): one round trip.
_ATTACHMENT_FIELDS = {
    "component": "component__code",
    "name": "original_name",
    "content_type": "content_type",
    "size": "size",
    "pages": "page_count",
    "sha256": "sha256",
}
_EVENT_FIELDS = {name: name for name in ("at", "action", "to_status", "comment", "public")}


def _attachments_of(dossier_id: Any) -> QuerySet[Attachment]:
    return Attachment.objects.filter(dossier_id=dossier_id).order_by("id")


def _events_of(dossier_id: Any) -> QuerySet[DossierEvent]:
    return DossierEvent.objects.filter(dossier_id=dossier_id).order_by("at", "id")


def _detail_query(code: str) -> QuerySet[Dossier, Any]:
    rows = (
        Dossier.objects.filter(code=code)
        .order_by()
        .values(*DETAIL_FIELDS, "receiving_unit__path", "competent_agency__path")
    )
    files = nested_rows(_attachments_of(OuterRef("id")), **_ATTACHMENT_FIELDS)
    events = nested_rows(_events_of(OuterRef("id")), **_EVENT_FIELDS)
    if files is not None and events is not None:
        rows = rows.annotate(nested_attachments=files, nested_timeline=events)
    return rows[:1]


_DETAIL = CompiledQuery(_detail_query, code="\x00code")
_ATTACHMENTS = CompiledQuery(
    lambda dossier_id: _attachments_of(dossier_id).values(*_ATTACHMENT_FIELDS.values()),
    dossier_id=-7_000_000_001,
)
_TIMELINE = CompiledQuery(
    lambda dossier_id: _events_of(dossier_id).values(*_EVENT_FIELDS), dossier_id=-7_000_000_001
)


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": row["code"],
        "status": row["status"],
        "channel": row["channel"],
        "procedure_code": row["procedure_version__procedure__national_code"],
        "procedure_name": row["procedure_version__name"],
        "receiving_unit": row["receiving_unit__code"],
        "competent_agency": row["competent_agency__code"],
        "applicant_name": row["applicant__full_name"],
        # Dates are given in Vietnam's time zone (+07:00), as printed on the slips.
        "received_at": timezone.localtime(row["received_at"]),
        "due_at": timezone.localtime(row["due_at"]),
    }


def _detail(row: dict[str, Any]) -> dict[str, Any]:
    """The detail answer from a ``_DETAIL`` row; the files and the history come with it on PostgreSQL,
    else are two more queries."""
    dossier_id = row["id"]
    applicant = {name: row[f"applicant__{name}"] for name in APPLICANT_FIELDS}
    return {
        **_summary(row),
        "applicant": {
            **applicant,
            "commune": row["applicant__commune__code"] or "",
            "tax_code": row["applicant__tax_code"],
            "representative": row["applicant__representative"],
        },
        "form_data": row["form_data"],
        "supplement_count": row["supplement_count"],
        "lock_version": row["lock_version"],
        "attachments": (
            row["nested_attachments"]
            if "nested_attachments" in row
            else [
                {name: f[path] for name, path in _ATTACHMENT_FIELDS.items()}
                for f in _ATTACHMENTS.rows(dossier_id=dossier_id)
            ]
        ),
        # From ``nested_rows`` the times are ISO text, which the answer's schema reads back as date-times.
        "timeline": row["nested_timeline"]
        if "nested_timeline" in row
        else _TIMELINE.rows(dossier_id=dossier_id),
    }


def _get(request: HttpRequest, code: str) -> Dossier:
    # A code is unique: no ordering needed (``first()`` would sort by the model's default ordering).
    dossier = next(
        iter(
            dossiers_visible_to(request.user)
            .select_related("procedure_version", "receiving_unit", "competent_agency")
            .filter(code=code)
            .order_by()[:1]
        ),
        None,
    )
    if dossier is None:
        # The same answer whether the dossier does not exist or belongs to someone else.
        raise HttpError(404, "Dossier not found")
    return dossier


def _read(request: HttpRequest, code: str) -> dict[str, Any]:
    """The detail answer of a dossier the caller may see; 404 otherwise (the same whether it exists)."""
    # Read by its code, then checked against the caller's roles (the agencies' paths come with the row):
    # one query instead of listing the caller's agencies and filtering by them.
    row = _DETAIL.first(code=code)
    if row is None or not may_view(request.user, row["receiving_unit__path"], row["competent_agency__path"]):
        raise HttpError(404, "Dossier not found")
    return _detail(row)


def _problem(exc: ValidationError) -> Status[dict[str, list[str]]]:
    errors = exc.error_list if hasattr(exc, "error_list") else [exc]
    return Status(
        422,
        {
            "detail": [str(m) for e in errors for m in e.messages],
            "codes": [e.code or "invalid" for e in errors],
        },
    )


@router.get("/dossiers", response=DossierPage, summary="Dossiers within the caller's scope, by due date")
def dossier_list(
    request: HttpRequest, status: str = "", q: str = "", after: str = "", size: int = 20
) -> dict[str, Any]:
    visibility = visibility_for(request.user)
    qs = Dossier.objects.all()
    if q:
        qs = qs.filter(code=q.strip()) | qs.filter(applicant__id_number=q.strip())
    cursor = None
    if after:
        moment, _, last_id = after.rpartition("|")
        parsed = parse_datetime(moment)
        if parsed is None or not last_id.isdigit():
            raise HttpError(422, "after must be the 'next' value of the previous page")
        cursor = (parsed, int(last_id))
    page = visibility.page(
        qs, [status] if status else DossierStatus.values, after=cursor, size=size, fields=SUMMARY_FIELDS
    )
    access_record(
        request, channel="api", action="list", object_type="dossier", object_ref=f"{len(page.items)} rows"
    )
    nxt = f"{page.next_after[0].isoformat()}|{page.next_after[1]}" if page.next_after else None
    return {"results": [_summary(row) for row in page.items], "next": nxt}


@router.get(
    "/dossiers/{code}", response=DossierDetail, summary="One dossier with its applicant, files and history"
)
def dossier_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    answer = _read(request, code)
    access_record(request, channel="api", action="view", object_type="dossier", object_ref=answer["code"])
    return answer


# A receipt's look-ups by code, compiled once per process (``core.compiled``), in the models' own ordering as
# ``first()`` reads them.
_UNIT_BY_CODE = CompiledQuery(
    lambda code: Agency.objects.filter(code=code).select_related("admin_unit")[:1],
    code="\x00unit",
)
_PROCEDURE_OF = CompiledQuery(
    lambda national_code, province_id: Procedure.objects.filter(
        national_code=national_code, province_id=province_id
    ).select_related("current_version")[:1],
    national_code="\x00procedure",
    province_id=-7_500_000_001,
)
_COMMUNE_BY_CODE = CompiledQuery(
    lambda code: AdministrativeUnit.objects.filter(code=code, parent__isnull=False)[:1],
    code="\x00commune",
)


@router.post(
    "/dossiers",
    response={201: DossierDetail, 422: ValidationProblem},
    summary="Receive a dossier from a channel",
)
def dossier_create(request: HttpRequest, payload: DossierIn) -> Any:
    unit = _UNIT_BY_CODE.object(code=payload.receiving_unit)
    if unit is None:
        return Status(
            422,
            {
                "detail": [f"unknown receiving unit {payload.receiving_unit}"],
                "codes": ["receiving_unit"],
            },
        )
    province = unit.admin_unit if unit.admin_unit.parent_id is None else unit.admin_unit.parent
    procedure = _PROCEDURE_OF.object(national_code=payload.procedure, province_id=province.pk)
    if procedure is None or procedure.current_version is None:
        return Status(
            422,
            {
                "detail": [f"no published procedure {payload.procedure} in this province"],
                "codes": ["procedure"],
            },
        )
    files: dict[str, list[tuple[str, bytes]]] = {}
    for item in payload.files:
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            return Status(
                422,
                {
                    "detail": [f"{item.name}: content_base64 is not valid base64"],
                    "codes": ["file_encoding"],
                },
            )
        files.setdefault(item.component, []).append((item.name, content))
    applicant = payload.applicant.dict()
    commune_code = applicant.pop("commune")
    if commune_code:
        applicant["commune"] = _COMMUNE_BY_CODE.object(code=commune_code)
        if applicant["commune"] is None:
            return Status(422, {"detail": [f"unknown commune {commune_code}"], "codes": ["commune"]})
    version = procedure.current_version
    version.procedure = procedure  # the routing and the process plan need it: not read again
    try:
        dossier = dossier_receive(
            officer=request.user,
            receiving_unit=unit,
            procedure_version=version,
            applicant={k: v for k, v in applicant.items() if v not in ("", None)},
            channel=payload.channel,
            form_data=payload.form_data,
            files=files,
            received_at=payload.received_at,
        )
    except ValidationError as exc:
        return _problem(exc)
    # Read back as the detail reads it (one query on PostgreSQL): the caller received it at its own unit,
    # so may see it, and the answer is the detail's by construction.
    row = _DETAIL.first(code=dossier.code)
    assert row is not None
    return Status(201, _detail(row))


@router.post(
    "/dossiers/{code}/supplement-request",
    response={200: DossierDetail, 422: ValidationProblem},
    summary="Ask the applicant for missing items (the clock pauses)",
)
def dossier_supplement(request: HttpRequest, code: str, payload: SupplementRequestIn) -> Any:
    try:
        dossier_supplement_request(_get(request, code), request.user, payload.missing_items, payload.comment)
    except ValidationError as exc:
        return _problem(exc)
    return Status(200, _read(request, code))


@router.post(
    "/dossiers/{code}/refuse", response={200: DossierDetail, 422: ValidationProblem}, summary="Refuse"
)
def dossier_refuse_endpoint(request: HttpRequest, code: str, payload: RefuseIn) -> Any:
    try:
        dossier_refuse(_get(request, code), request.user, payload.reason)
    except ValidationError as exc:
        return _problem(exc)
    return Status(200, _read(request, code))


# --- process actions, results, apology, withdrawal, return ----------------------------------------


class ProcessActionOut(Schema):
    id: int
    kind: str
    label: str
    step: str


class ProcessActIn(Schema):
    action_id: int
    comment: str = ""
    missing_items: list[str] | None = None
    consulted_agency: str = ""  # QCVN 102 code, for a "consult" action
    lock_version: int | None = None  # the version the caller read: a later change makes the call fail


class ResultOut(Schema):
    id: int
    number: str
    result_code: str
    title: str
    origin: str
    issued_on: date
    valid_until: date | None
    sha256: str
    approved_at: datetime | None


class ResultIn(Schema):
    result_code: str = ""  # KQ.… of the procedure's result; may be empty when it lists only one
    number: str = ""
    issued_on: date | None = None
    file: FileIn | None = None  # a PDF; generated from the catalog's result when absent


class ApologyIn(Schema):
    reason: str
    new_due_at: datetime


class WithdrawIn(Schema):
    reason: str = ""


class ReturnIn(Schema):
    method: str  # counter, post or online
    receiver: str = ""
    postal_reference: str = ""


def _results_of(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {
            "id": r.pk,
            "number": r.number,
            "result_code": r.result_code,
            "title": r.title,
            "origin": r.origin,
            "issued_on": r.issued_on,
            "valid_until": r.valid_until,
            "sha256": r.sha256,
            "approved_at": timezone.localtime(r.approved_at) if r.approved_at else None,
        }
        for r in dossier.result_documents.order_by("id")
    ]


@router.get(
    "/dossiers/{code}/actions",
    response=list[ProcessActionOut],
    summary="The process actions the caller may perform now",
)
def dossier_actions(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    return [
        {"id": a.pk, "kind": a.kind, "label": a.display_label, "step": a.from_step.code}
        for a in available_actions(_get(request, code), request.user)
    ]


@router.post(
    "/dossiers/{code}/actions",
    response={200: DossierDetail, 422: ValidationProblem},
    summary="Perform an action of the dossier's electronic process",
)
def dossier_act(request: HttpRequest, code: str, payload: ProcessActIn) -> Any:
    consulted = None
    if payload.consulted_agency:
        consulted = Agency.objects.filter(code=payload.consulted_agency).first()
        if consulted is None:
            return Status(
                422, {"detail": [f"unknown agency {payload.consulted_agency}"], "codes": ["consulted_agency"]}
            )
    try:
        process_act(
            _get(request, code),
            request.user,
            payload.action_id,
            comment=payload.comment,
            consulted_agency=consulted,
            missing_items=payload.missing_items,
            expected_lock_version=payload.lock_version,
        )
    except ValidationError as exc:
        return _problem(exc)
    return Status(200, _read(request, code))


@router.get("/dossiers/{code}/results", response=list[ResultOut], summary="The dossier's result documents")
def dossier_results(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    dossier = _get(request, code)
    access_record(request, channel="api", action="view", object_type="result", object_ref=dossier.code)
    return _results_of(dossier)


@router.post(
    "/dossiers/{code}/results",
    response={201: list[ResultOut], 422: ValidationProblem},
    summary="Add a result document (uploaded PDF, or generated from the catalog)",
)
def dossier_result_add(request: HttpRequest, code: str, payload: ResultIn) -> Any:
    dossier = _get(request, code)
    results = Result.objects.filter(version=dossier.procedure_version)
    result = results.filter(code=payload.result_code).first() if payload.result_code else None
    if payload.result_code and result is None:
        return Status(
            422, {"detail": [f"{payload.result_code} is not a result of this procedure"], "codes": ["result"]}
        )
    if result is None and results.count() == 1:
        result = results.first()
    upload = None
    if payload.file is not None:
        try:
            upload = (payload.file.name, base64.b64decode(payload.file.content_base64, validate=True))
        except (binascii.Error, ValueError):
            return Status(
                422,
                {
                    "detail": [f"{payload.file.name}: content_base64 is not valid base64"],
                    "codes": ["file_encoding"],
                },
            )
    try:
        result_document_add(
            dossier,
            request.user,
            result=result,
            upload=upload,
            number=payload.number,
            issued_on=payload.issued_on,
        )
    except ValidationError as exc:
        return _problem(exc)
    return Status(201, _results_of(_get(request, code)))


@router.post(
    "/dossiers/{code}/results/approve",
    response={200: list[ResultOut], 422: ValidationProblem},
    summary="Approve the pending result documents (agency leader)",
)
def dossier_results_approve(request: HttpRequest, code: str) -> Any:
    try:
        result_documents_approve(_get(request, code), request.user)
    except ValidationError as exc:
        return _problem(exc)
    return Status(200, _results_of(_get(request, code)))


@router.post(
    "/dossiers/{code}/apology",
    response={200: DossierDetail, 422: ValidationProblem},
    summary="Apologise and set a new date (Mẫu 04), once",
)
def dossier_apology(request: HttpRequest, code: str, payload: ApologyIn) -> Any:
    if timezone.is_naive(payload.new_due_at):
        return Status(422, {"detail": ["new_due_at needs a time zone offset"], "codes": ["naive_datetime"]})
    try:
        dossier_apologise(_get(request, code), request.user, payload.reason, payload.new_due_at)
    except ValidationError as exc:
        return _problem(exc)
    return Status(200, _read(request, code))


@router.post(
    "/dossiers/{code}/withdraw",
    response={200: DossierDetail, 422: ValidationProblem},
    summary="Withdraw the dossier at the applicant's request",
)
def dossier_withdraw_endpoint(request: HttpRequest, code: str, payload: WithdrawIn) -> Any:
    try:
        dossier_withdraw(_get(request, code), request.user, payload.reason)
    except ValidationError as exc:
        return _problem(exc)
    return Status(200, _read(request, code))


@router.post(
    "/dossiers/{code}/return",
    response={200: DossierDetail, 422: ValidationProblem},
    summary="Record the hand-over of the result (counter, post or online)",
)
def dossier_return(request: HttpRequest, code: str, payload: ReturnIn) -> Any:
    try:
        dossier_return_result(
            _get(request, code),
            request.user,
            method=payload.method,
            receiver=payload.receiver,
            postal_reference=payload.postal_reference,
        )
    except ValidationError as exc:
        return _problem(exc)
    return Status(200, _read(request, code))
