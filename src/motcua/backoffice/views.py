"""Officers' screens (Một cửa điện tử): reception, inbox, dossier page, files and the receipt slip.

Views stay thin: scoping comes from ``motcua.org.scoping`` and the dossier selectors, every change goes
through the dossier services (or the workflow engine), which check permissions, locks and rules again.
Who may use each view is stated in its docstring; a dossier outside the officer's scope is a 404, with no
hint that it exists.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts.models import User
from motcua.audit.services import access_record
from motcua.catalog.models import Component, ProcedureVersion
from motcua.catalog.selectors import ProcedureFilters, published_versions
from motcua.documents.slips import receipt_slip_for, receipt_slip_pdf, refusal_slip_pdf, supplement_slip_pdf
from motcua.dossiers.models import Dossier, DossierAction, DossierEvent, DossierStatus
from motcua.dossiers.selectors import (
    VIEW_CAPABILITIES,
    dossier_timeline,
    dossiers_visible_to,
    visibility_for,
)
from motcua.dossiers.services import (
    SUPPLEMENT_REQUEST_WORKING_DAYS,
    dossier_receive,
    dossier_refuse,
    dossier_supplement_receive,
    dossier_supplement_request,
)
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import RECEIVING_KINDS, Agency
from motcua.org.scoping import Capability, agencies_for, can
from motcua.workdays.selectors import working_calendar
from motcua.workflow.engine import available_actions, process_act, process_supplement_receive
from motcua.workflow.models import Action as ProcessAction
from motcua.workflow.models import ActionKind
from motcua.workflow.selectors import dossier_steps

from .display import statutory_time_label, time_left
from .forms import (
    EngineActionForm,
    ReceptionForm,
    RefuseForm,
    SupplementReceiveForm,
    SupplementRequestForm,
    file_field_name,
    files_by_component,
)
from .inbox import (
    DEFAULT_TAB,
    TABS,
    cursor_decode,
    cursor_encode,
    search_condition,
    tab_counts,
    tab_due_condition,
    tab_statuses,
)

# The reception form's one-time tokens already used in this session, with the dossier each produced.
SESSION_RECEIPTS = "backoffice_receipts"
SESSION_RECEIPTS_KEPT = 50
SEARCH_RESULTS = 25

# The capabilities that let an officer act on a dossier (the services check the same ones).
ACT_CAPABILITIES = (Capability.DOSSIER_PROCESS, Capability.DOSSIER_REVIEW)


def _officer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied
    return user


def _may_view_dossiers(user: User) -> bool:
    return any(can(user, capability, None) for capability in VIEW_CAPABILITIES)


def _may_act(user: User, dossier: Dossier) -> bool:
    """The desk that received the dossier or the competent agency's handlers (as the services check)."""
    return can(user, Capability.DOSSIER_RECEIVE, dossier.receiving_unit) or any(
        can(user, capability, dossier.competent_agency) for capability in ACT_CAPABILITIES
    )


def _province_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    province = unit
    for _step in range(5):
        if province.parent is None:
            break
        province = province.parent
    return province


def _receiving_units(user: User) -> list[Agency]:
    """Active service centres and one-stop desks where the user may receive dossiers."""
    return list(
        agencies_for(user, Capability.DOSSIER_RECEIVE)
        .filter(kind__in=RECEIVING_KINDS, is_active=True)
        .select_related("admin_unit__parent__parent")
        .order_by("name")
    )


def _communes(province: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(
        Q(parent=province) | Q(parent__parent=province), is_active=True
    ).order_by("name")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Who: any logged-in user; officers land on their inbox."""
    return redirect("backoffice:inbox")


# --- reception -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reception(request: HttpRequest) -> HttpResponse:
    """Receive a dossier at the desk (Mẫu 01).

    Who: officers holding ``dossier_receive`` in an active service centre or one-stop desk; the service
    checks it again for the unit chosen. Steps: the unit (``don_vi``), the procedure (search ``q``, then
    ``thu_tuc``), then the applicant, files and channel.
    """
    user = _officer(request)
    units = _receiving_units(user)
    if not units:
        raise PermissionDenied
    unit = next((u for u in units if str(u.pk) == request.GET.get("don_vi", "")), None)
    if unit is None and len(units) == 1:
        unit = units[0]
    today = timezone.localdate()
    province = _province_of(unit.admin_unit) if unit is not None else None
    filters = ProcedureFilters(province=province.code if province is not None else "", on=today)
    q = request.GET.get("q", "").strip()[:200]
    version: ProcedureVersion | None = None
    version_id = request.GET.get("thu_tuc", "")
    if unit is not None and version_id.isdigit():
        version = published_versions(filters).filter(pk=int(version_id)).first()
    results: list[ProcedureVersion] = []
    if unit is not None and version is None and q:
        results = list(
            published_versions(ProcedureFilters(q=q, province=filters.province, on=today))[:SEARCH_RESULTS]
        )
    context: dict[str, Any] = {
        "nav": "reception",
        "units": units,
        "unit": unit,
        "q": q,
        "results": results,
        "version": version,
        "statutory_time": statutory_time_label(version.statutory_time, version.time_unit) if version else "",
    }
    if unit is None or version is None or province is None:
        if request.method == "POST":
            messages.error(
                request, _("Choose the receiving unit and the procedure before receiving a dossier.")
            )
            return redirect("backoffice:reception")
        return render(request, "backoffice/reception.html", context)

    components = list(Component.objects.filter(version=version).order_by("position", "id"))
    communes = _communes(province)
    errors: list[str] = []
    if request.method == "POST":
        form = ReceptionForm(request.POST, communes=communes)
        if form.is_valid():
            receipts: dict[str, str] = request.session.get(SESSION_RECEIPTS, {})
            nonce = form.cleaned_data["nonce"]
            if nonce in receipts:
                # The same form sent twice (double click, resubmission): show the dossier it created.
                messages.info(
                    request,
                    _("This form was already submitted: dossier %(code)s.") % {"code": receipts[nonce]},
                )
                return redirect("backoffice:dossier", code=receipts[nonce])
            files, errors = files_by_component(request.FILES, components)
            if not errors:
                try:
                    dossier = dossier_receive(
                        officer=user,
                        receiving_unit=unit,
                        procedure_version=version,
                        applicant=form.applicant_data(),
                        channel=form.cleaned_data["channel"],
                        form_data=form.form_data(),
                        files=files,
                    )
                except ValidationError as exc:
                    errors = list(exc.messages)
                else:
                    receipts[nonce] = dossier.code
                    request.session[SESSION_RECEIPTS] = dict(list(receipts.items())[-SESSION_RECEIPTS_KEPT:])
                    messages.success(
                        request,
                        _("Dossier %(code)s received. Result due %(due)s.")
                        % {
                            "code": dossier.code,
                            "due": timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y"),
                        },
                        extra_tags="print-slip",
                    )
                    return redirect("backoffice:dossier", code=dossier.code)
        else:
            for name, field_errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                errors.extend(f"{label}: {message}" if label else str(message) for message in field_errors)
    else:
        form = ReceptionForm(communes=communes, initial={"nonce": secrets.token_urlsafe(16)})
    context.update(
        {
            "form": form,
            "errors": errors,
            "components": [(c, file_field_name(c)) for c in components],
            "files_lost": bool(errors) and bool(request.FILES),
        }
    )
    return render(request, "backoffice/reception.html", context)


# --- inbox ---------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The officer's dossiers by tab, searchable, paged by keyset on (due date, id).

    Who: officers holding a viewing capability (receive, process, review, monitor); they see the dossiers
    of their scope (``dossiers_visible_to``). A fixed number of queries per page.
    """
    user = _officer(request)
    if not _may_view_dossiers(user):
        raise PermissionDenied
    now = timezone.now()
    slugs = {tab.slug for tab in TABS}
    tab = request.GET.get("tab", DEFAULT_TAB)
    tab = tab if tab in slugs else DEFAULT_TAB
    q = request.GET.get("q", "").strip()[:100]
    visibility = visibility_for(user)
    searched = Dossier.objects.filter(search_condition(q))
    counts = tab_counts(visibility, searched, now)
    after = cursor_decode(request.GET.get("sau", ""))
    page = visibility.page(
        # The tab's statuses are given apart: the page reads one index range per agency and status.
        searched.filter(tab_due_condition(tab, now)).select_related(
            "applicant", "procedure_version", "receiving_unit", "competent_agency"
        ),
        tab_statuses(tab),
        after=after,
        size=settings.MOTCUA_PAGE_SIZE,
    )
    calendar = working_calendar()
    rows = [(dossier, time_left(dossier, calendar, now)) for dossier in page.items]
    base = QueryDict(mutable=True)
    if q:
        base["q"] = q
    tabs = []
    for t in TABS:
        query = base.copy()
        query["tab"] = t.slug
        tabs.append({"slug": t.slug, "label": t.label, "count": counts[t.slug], "query": query.urlencode()})
    current = base.copy()
    current["tab"] = tab
    next_query = ""
    if page.next_after is not None:
        following = current.copy()
        following["sau"] = cursor_encode(page.next_after)
        next_query = following.urlencode()
    return render(
        request,
        "backoffice/inbox.html",
        {
            "nav": "inbox",
            "tabs": tabs,
            "tab": tab,
            "q": q,
            "rows": rows,
            "next_query": next_query,
            "first_query": current.urlencode() if after is not None else "",
            "may_receive": can(user, Capability.DOSSIER_RECEIVE, None),
            "now": now,
        },
    )


# --- dossier page --------------------------------------------------------------------------------


# What the dossier page shows; the slips also print the receiving unit's parent agency and province.
PAGE_RELATED = (
    "applicant__commune",
    "filer",
    "procedure_version__procedure",
    "receiving_unit",
    "competent_agency",
    "created_by",
)
SLIP_RELATED = (*PAGE_RELATED, "receiving_unit__parent", "receiving_unit__admin_unit__parent")


def _visible_dossier(user: User, code: str, related: tuple[str, ...] = SLIP_RELATED) -> Dossier:
    # A code is unique: no ordering needed (``first()`` would sort by the model's default ordering).
    rows = dossiers_visible_to(user).select_related(*related).filter(code=code).order_by()[:1]
    dossier = next(iter(rows), None)
    if dossier is None:
        raise Http404
    return dossier


@dataclass(frozen=True)
class ActionForms:
    supplement_request: SupplementRequestForm
    supplement_receive: SupplementReceiveForm
    refuse: RefuseForm
    engine: EngineActionForm


ACTION_SUPPLEMENT_REQUEST = "yeu-cau-bo-sung"
ACTION_SUPPLEMENT_RECEIVE = "nhan-bo-sung"
ACTION_REFUSE = "tu-choi"
ACTION_ENGINE = "quy-trinh"


def _fresh_forms(dossier: Dossier) -> ActionForms:
    initial = {"lock_version": dossier.lock_version}
    return ActionForms(
        SupplementRequestForm(initial=initial, prefix=ACTION_SUPPLEMENT_REQUEST),
        SupplementReceiveForm(initial=initial, prefix=ACTION_SUPPLEMENT_RECEIVE),
        RefuseForm(initial=initial, prefix=ACTION_REFUSE),
        EngineActionForm(initial=initial, prefix=ACTION_ENGINE),
    )


def _with_lock(dossier: Dossier, lock_version: int) -> Dossier:
    """The dossier as the officer saw it: the services refuse it if someone changed it since."""
    dossier.lock_version = lock_version
    return dossier


def _errors(form: Any) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


def _late_warning(request: HttpRequest) -> None:
    messages.warning(
        request,
        _(
            "This request comes more than %(days)d working days after receipt (NĐ 61/2018): it is recorded as a "
            "late supplement request."
        )
        % {"days": SUPPLEMENT_REQUEST_WORKING_DAYS},
    )


def _act(
    request: HttpRequest, user: User, dossier: Dossier, forms: ActionForms, *, has_process: bool
) -> tuple[str, list[str]] | None:
    """Run the posted action. None on success (messages are queued); else the failed action and errors.

    A dossier that follows an electronic process moves only through the engine (its supplement request
    and refusal are actions of its steps); the dossier services' forms serve dossiers without a process.
    """
    action = request.POST.get("hanh_dong", "")
    try:
        if action in (ACTION_SUPPLEMENT_REQUEST, ACTION_REFUSE) and has_process:
            return action, [
                _("This dossier follows an electronic process: use the actions of its current step.")
            ]
        if action == ACTION_SUPPLEMENT_REQUEST:
            form = forms.supplement_request
            if not form.is_valid():
                return action, _errors(form)
            _updated, late = dossier_supplement_request(
                _with_lock(dossier, form.cleaned_data["lock_version"]),
                user,
                form.items(),
                form.cleaned_data["comment"].strip(),
            )
            messages.success(request, _("Supplement requested: the applicant is notified (Mẫu 02)."))
            if late:
                _late_warning(request)
        elif action == ACTION_SUPPLEMENT_RECEIVE:
            receive_form = forms.supplement_receive
            if not receive_form.is_valid():
                return action, _errors(receive_form)
            components = Component.objects.filter(version=dossier.procedure_version).order_by(
                "position", "id"
            )
            files, errors = files_by_component(request.FILES, components)
            if errors:
                return action, errors
            lock_version = receive_form.cleaned_data["lock_version"]
            if has_process:
                # Through the engine, so that the open steps' due dates move by the same wait.
                updated = process_supplement_receive(dossier, user, files, expected_lock_version=lock_version)
            else:
                updated = dossier_supplement_receive(_with_lock(dossier, lock_version), user, files)
            messages.success(
                request,
                _("Supplement received. New due date: %(due)s.")
                % {"due": timezone.localtime(updated.due_at).strftime("%H:%M %d/%m/%Y")},
            )
        elif action == ACTION_REFUSE:
            refuse_form = forms.refuse
            if not refuse_form.is_valid():
                return action, _errors(refuse_form)
            dossier_refuse(
                _with_lock(dossier, refuse_form.cleaned_data["lock_version"]),
                user,
                refuse_form.cleaned_data["reason"],
            )
            messages.success(request, _("The dossier is refused; the applicant is notified with the reason."))
        elif action == ACTION_ENGINE:
            engine_form = forms.engine
            if not engine_form.is_valid():
                return action, _errors(engine_form)
            action_id = engine_form.cleaned_data["action_id"]
            process_act(
                dossier,
                user,
                action_id,
                comment=engine_form.cleaned_data["comment"],
                consulted_agency=engine_form.cleaned_data["consulted_agency"],
                missing_items=engine_form.items(),
                expected_lock_version=engine_form.cleaned_data["lock_version"],
            )
            messages.success(request, _("Done: the dossier moved on in its process."))
            if ProcessAction.objects.filter(pk=action_id, kind=ActionKind.REQUEST_SUPPLEMENT).exists():
                request_event = (
                    DossierEvent.objects.filter(dossier=dossier, action=DossierAction.SUPPLEMENT_REQUESTED)
                    .order_by("-at", "-id")
                    .first()
                )
                if request_event is not None and request_event.data.get("late_request"):
                    _late_warning(request)
        else:
            return action, [_("Unknown action.")]
    except ValidationError as exc:
        return action, list(exc.messages)
    return None


def _posted_forms(request: HttpRequest, dossier: Dossier) -> ActionForms:
    """The posted action's form bound to the request; the others fresh."""
    action = request.POST.get("hanh_dong", "")
    initial = {"lock_version": dossier.lock_version}

    def data(name: str) -> Any:
        return request.POST if action == name else None

    return ActionForms(
        SupplementRequestForm(
            data(ACTION_SUPPLEMENT_REQUEST), prefix=ACTION_SUPPLEMENT_REQUEST, initial=initial
        ),
        SupplementReceiveForm(
            data(ACTION_SUPPLEMENT_RECEIVE), prefix=ACTION_SUPPLEMENT_RECEIVE, initial=initial
        ),
        RefuseForm(data(ACTION_REFUSE), prefix=ACTION_REFUSE, initial=initial),
        EngineActionForm(data(ACTION_ENGINE), prefix=ACTION_ENGINE, initial=initial),
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One dossier: applicant, procedure, dates, files, process steps, history, pauses and the actions.

    Who: officers who may see the dossier (``dossiers_visible_to``: a role in its receiving unit or its
    competent agency, or a global role); others get 404. Actions are offered to the receiving desk and the
    competent agency's handlers, and the process actions to the pool of the open step
    (``available_actions``); the services and the engine check again and refuse a stale screen
    (``lock_version``).
    """
    user = _officer(request)
    dossier = _visible_dossier(user, code, PAGE_RELATED)
    if request.method == "GET":
        access_record(request, channel="web", action="view", object_type="dossier", object_ref=dossier.code)
    failed_action = ""
    action_errors: list[str] = []
    status = 200
    if request.method == "POST":
        has_process = dossier_steps(dossier).exists()
        if not (_may_act(user, dossier) or available_actions(dossier, user)):
            raise PermissionDenied
        forms = _posted_forms(request, dossier)
        outcome = _act(request, user, dossier, forms, has_process=has_process)
        if outcome is None:
            return redirect("backoffice:dossier", code=dossier.code)
        failed_action, action_errors = outcome
        status = 400
        # Show the page as it is now (the failure changed nothing), keeping what the officer typed.
        dossier = _visible_dossier(user, code, PAGE_RELATED)
    else:
        forms = _fresh_forms(dossier)

    now = timezone.now()
    calendar = working_calendar()
    steps = list(dossier_steps(dossier))
    has_process = bool(steps)
    engine_actions = available_actions(dossier, user)
    may_act = (_may_act(user, dossier) or bool(engine_actions)) and not dossier.is_closed
    attachments = list(
        dossier.attachments.select_related("component", "pause").order_by(
            "component__position", "pause_id", "id"
        )
    )
    components = list(Component.objects.filter(version=dossier.procedure_version).order_by("position", "id"))
    action_labels = dict(DossierAction.choices)
    status_labels = dict(DossierStatus.choices)
    timeline = [
        {
            "event": event,
            "label": action_labels.get(event.action, event.action),
            "to_status": status_labels.get(event.to_status, ""),
        }
        for event in dossier_timeline(dossier)
    ]
    open_status = dossier.status in (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS)
    context = {
        "nav": "inbox",
        "dossier": dossier,
        "version": dossier.procedure_version,
        "statutory_time": statutory_time_label(
            dossier.procedure_version.statutory_time, dossier.procedure_version.time_unit
        ),
        "applicant": dossier.applicant,
        "time_left": time_left(dossier, calendar, now),
        "attachments": attachments,
        "timeline": timeline,
        "steps": steps,
        "now": now,
        "pauses": list(dossier.pauses.select_related("requested_by").order_by("started_at", "id")),
        "components": [(c, file_field_name(c)) for c in components],
        "form_data": sorted(dossier.form_data.items()) if isinstance(dossier.form_data, dict) else [],
        "may_act": may_act,
        "may_request_supplement": may_act and open_status and not has_process,
        "may_refuse": may_act and not has_process,
        "may_receive_supplement": may_act and dossier.status == DossierStatus.WAITING_SUPPLEMENT,
        "forms": forms,
        "failed_action": failed_action,
        "action_errors": action_errors,
        "has_process": has_process,
        "engine_actions": engine_actions,
        "engine_needs_agency": any(a.kind == ActionKind.CONSULT for a in engine_actions),
        "engine_needs_items": any(a.kind == ActionKind.REQUEST_SUPPLEMENT for a in engine_actions),
        "actions": {
            "supplement_request": ACTION_SUPPLEMENT_REQUEST,
            "supplement_receive": ACTION_SUPPLEMENT_RECEIVE,
            "refuse": ACTION_REFUSE,
            "engine": ACTION_ENGINE,
        },
    }
    return render(request, "backoffice/dossier.html", context, status=status)


# --- files and slips ----------------------------------------------------------------------------


@login_required
@require_GET
def attachment_download(request: HttpRequest, code: str, attachment_id: int) -> FileResponse:
    """A dossier's file, always as a download (uploaded content is never rendered by the browser).

    Who: officers who may see the dossier; others get 404.
    """
    dossier = _visible_dossier(_officer(request), code)
    attachment = dossier.attachments.filter(pk=attachment_id).first()
    if attachment is None or not attachment.file:
        raise Http404
    access_record(
        request,
        channel="web",
        action="download",
        object_type="attachment",
        object_ref=dossier.code,
        detail=attachment.original_name,
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=PurePath(attachment.original_name).name or f"tep-{attachment.pk}",
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def receipt_slip(request: HttpRequest, code: str) -> HttpResponse:
    """Mẫu 01 (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) as an inline A5 PDF, to print.

    Who: officers who may see the dossier; others get 404.
    """
    dossier = _visible_dossier(_officer(request), code)
    access_record(request, channel="web", action="print", object_type="receipt", object_ref=dossier.code)
    pdf = receipt_slip_pdf(receipt_slip_for(dossier))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-01-{dossier.code}.pdf"'
    return response


def _slip_response(
    request: HttpRequest, code: str, form: str, build: Callable[[Dossier], bytes | None]
) -> HttpResponse:
    dossier = _visible_dossier(_officer(request), code)
    pdf = build(dossier)
    if pdf is None:
        raise Http404
    access_record(request, channel="web", action="print", object_type=f"slip-{form}", object_ref=dossier.code)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-{form}-{dossier.code}.pdf"'
    return response


@login_required
@require_GET
def supplement_slip(request: HttpRequest, code: str) -> HttpResponse:
    """Mẫu 02 (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ) for the latest supplement request; 404 if none.

    Who: officers who may see the dossier; others get 404.
    """
    return _slip_response(request, code, "02", supplement_slip_pdf)


@login_required
@require_GET
def refusal_slip(request: HttpRequest, code: str) -> HttpResponse:
    """Mẫu 03 (Phiếu từ chối tiếp nhận, giải quyết hồ sơ) with the refusal's reason; 404 if not refused.

    Who: officers who may see the dossier; others get 404.
    """
    return _slip_response(request, code, "03", refusal_slip_pdf)
