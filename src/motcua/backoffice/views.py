"""Officers' screens (Một cửa điện tử): reception, inbox, dossier page, files and the receipt slip.

Views stay thin: scoping comes from ``motcua.org.scoping`` and the dossier selectors, every change goes
through the dossier services (or the workflow engine), which check permissions, locks and rules again.
Who may use each view is stated in its docstring; a dossier outside the officer's scope is a 404, with no
hint that it exists.
"""

from __future__ import annotations

import secrets
import tempfile
from calendar import monthrange
from collections.abc import Callable
from datetime import date, datetime
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts.models import User
from motcua.accounts.selectors import active_user
from motcua.audit.services import access_record, access_recorded
from motcua.catalog.eforms import eform_display, eform_parse, eform_prefill, eform_render, eform_validate
from motcua.catalog.models import Component, ProcedureVersion, Result
from motcua.catalog.selectors import ProcedureFilters, published_versions
from motcua.core.files import stored_file_response
from motcua.documents.control_slip import control_slip_for, control_slip_pdf
from motcua.documents.register import (
    CHUNK_SIZE,
    PDF_MAX_ROWS,
    RegisterPeriod,
    register_dossiers,
    register_pdf,
    register_rows,
    register_xlsx,
)
from motcua.documents.slips import (
    apology_slip_pdf,
    counter_decision_pdf,
    receipt_slip_for,
    receipt_slip_pdf,
    refusal_slip_pdf,
    supplement_slip_pdf,
)
from motcua.dossiers.counter import counter_decision_issue
from motcua.dossiers.models import (
    CounterDecision,
    CounterDecisionKind,
    Dossier,
    DossierAction,
    DossierEvent,
    DossierStatus,
    ResultDocument,
)
from motcua.dossiers.results import (
    may_approve_result,
    may_prepare_result,
    result_document_add,
    result_document_remove,
    result_documents_approve,
)
from motcua.dossiers.selectors import (
    VIEW_CAPABILITIES,
    may_view,
    visibility_for,
)
from motcua.dossiers.services import (
    SUPPLEMENT_REQUEST_WORKING_DAYS,
    apology_deadline,
    dossier_apologise,
    dossier_finish,
    dossier_receive,
    dossier_refuse,
    dossier_return_result,
    dossier_supplement_receive,
    dossier_supplement_request,
    dossier_withdraw,
)
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import RECEIVING_KINDS, Agency
from motcua.org.scoping import Capability, agencies_for, can
from motcua.payments.panels import dossier_fees
from motcua.signing.services import slip_seal
from motcua.workdays.selectors import shown_calendar, working_calendar
from motcua.workflow.engine import available_actions, process_act, process_supplement_receive
from motcua.workflow.models import Action as ProcessAction
from motcua.workflow.models import ActionKind
from motcua.workflow.selectors import dossier_steps

from .display import statutory_time_label, time_left
from .forms import (
    RESULT_FILE_FIELD,
    ApologyForm,
    CounterDecisionForm,
    EngineActionForm,
    FinishForm,
    LockOnlyForm,
    ReceptionForm,
    RefuseForm,
    RegisterForm,
    ResultAddForm,
    ResultRemoveForm,
    ReturnForm,
    SupplementReceiveForm,
    SupplementRequestForm,
    WithdrawForm,
    file_field_name,
    files_by_component,
)
from .inbox import (
    DEFAULT_TAB,
    ROW_FIELDS,
    TABS,
    cursor_decode,
    cursor_encode,
    inbox_rows,
    search_condition,
    tab_counts,
    tab_due_condition,
    tab_statuses,
)
from .menu import menu_rights
from .page_reads import (
    attachments_of,
    components_of,
    dossier_by_code,
    events_of,
    fee_lines_read,
    pauses_of,
    result_documents_of,
    steps_of,
)

# The reception form's one-time tokens already used in this session, with the dossier each produced.
SESSION_RECEIPTS = "backoffice_receipts"
SESSION_RECEIPTS_KEPT = 50
SEARCH_RESULTS = 25

# The capabilities that let an officer act on a dossier (the services check the same ones).
ACT_CAPABILITIES = (Capability.DOSSIER_PROCESS, Capability.DOSSIER_REVIEW)


def _officer(request: HttpRequest) -> User:
    return active_user(request)


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
    """Who: any logged-in user. Officers who see dossiers land on their inbox; others on the first page
    their roles open (digitisation for a catalog manager, the administration for staff); an account with
    none of them gets 403."""
    rights = menu_rights(request.user)
    if rights["may_see_dossiers"]:
        return redirect("backoffice:inbox")
    if rights["may_digitise"]:
        return redirect("digitisation:batches")
    if getattr(request.user, "is_staff", False):
        return redirect("admin:index")
    raise PermissionDenied


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
    decision_id = request.GET.get("phieu", "")
    shown_decision = (
        CounterDecision.objects.select_related("unit").filter(pk=int(decision_id)).first()
        if decision_id.isdigit()
        else None
    )
    if shown_decision is not None and not can(user, Capability.DOSSIER_RECEIVE, shown_decision.unit):
        shown_decision = None
    context: dict[str, Any] = {
        "counter_decision": shown_decision,
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
    outcome = request.POST.get("ket_qua", OUTCOME_RECEIVE) if request.method == "POST" else ""
    counter_form = CounterDecisionForm(request.POST if outcome in COUNTER_OUTCOMES else None)
    # The paper declaration typed into the procedure's e-form, checked like an online one (dossier_receive).
    answers = eform_parse(version, request.POST) if request.method == "POST" else eform_prefill(version, {})
    answer_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = ReceptionForm(request.POST, communes=communes)
        if form.is_valid() and outcome in COUNTER_OUTCOMES:
            issued, errors = _counter_decision(request, user, unit, version, form, counter_form, outcome)
            if issued is not None:
                query = QueryDict(mutable=True)
                query.update({"don_vi": str(unit.pk), "phieu": str(issued.pk)})
                return redirect(f"{reverse('backoffice:reception')}?{query.urlencode()}")
        elif form.is_valid():
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
                        form_data={**answers, **form.form_data()},
                        files=files,
                    )
                except ValidationError as exc:
                    errors = [m for e in exc.error_list if e.code != "declaration" for m in e.messages]
                    if any(e.code == "declaration" for e in exc.error_list):
                        answer_errors = eform_validate(version, answers)
                        errors.append(
                            _("The declaration has answers to correct: see the Declaration section.")
                        )
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
            "counter_form": counter_form,
            "outcome": outcome,
            "errors": errors,
            "components": [(c, file_field_name(c)) for c in components],
            "files_lost": bool(errors) and bool(request.FILES),
            "eform": eform_render(version, answers, answer_errors),
        }
    )
    return render(request, "backoffice/reception.html", context)


OUTCOME_RECEIVE = "tiep-nhan"
COUNTER_OUTCOMES = {"bo-sung": CounterDecisionKind.COMPLETION, "tu-choi": CounterDecisionKind.REFUSAL}


def _counter_decision(
    request: HttpRequest,
    user: User,
    unit: Agency,
    version: ProcedureVersion,
    form: ReceptionForm,
    counter_form: CounterDecisionForm,
    outcome: str,
) -> tuple[CounterDecision | None, list[str]]:
    """Mẫu 02 or Mẫu 03 at the counter: no dossier is received. The form's one-time token makes a
    second submission show the slip already issued instead of issuing another."""
    if not counter_form.is_valid():
        return None, _errors(counter_form)
    receipts: dict[str, str] = request.session.get(SESSION_RECEIPTS, {})
    nonce = form.cleaned_data["nonce"]
    previous = receipts.get(nonce, "")
    if previous.startswith("phieu:"):
        decision = CounterDecision.objects.filter(pk=int(previous[6:])).first()
        if decision is not None:
            return decision, []
    applicant = form.applicant_data()
    try:
        decision = counter_decision_issue(
            officer=user,
            unit=unit,
            procedure_version=version,
            kind=COUNTER_OUTCOMES[outcome],
            applicant_name=applicant["full_name"],
            applicant_id_number=applicant["id_number"],
            applicant_phone=applicant["phone"],
            applicant_email=applicant["email"],
            missing_items=counter_form.items(),
            reason=counter_form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        return None, list(exc.messages)
    receipts[nonce] = f"phieu:{decision.pk}"
    request.session[SESSION_RECEIPTS] = dict(list(receipts.items())[-SESSION_RECEIPTS_KEPT:])
    if decision.kind == CounterDecisionKind.COMPLETION:
        text = _(
            "Mẫu 02 %(number)s issued: the applicant completes the dossier and files it again; nothing was received."
        )
    else:
        text = _("Mẫu 03 %(number)s issued: the dossier is refused at the counter; nothing was received.")
    messages.success(request, text % {"number": decision.number}, extra_tags="print-counter")
    return decision, []


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
    counts = tab_counts(visibility, q, now)
    after = cursor_decode(request.GET.get("sau", ""))
    # Without a search or a due-date window (the first tab) the page reads the scope's branches alone.
    condition = search_condition(q) & tab_due_condition(tab, now)
    page = visibility.page(
        # The tab's statuses are given apart: the page reads one index range per agency and status.
        Dossier.objects.filter(condition) if condition else Dossier.objects.all(),
        tab_statuses(tab),
        after=after,
        size=settings.MOTCUA_PAGE_SIZE,
        fields=ROW_FIELDS,
    )
    rows = inbox_rows(page.items, shown_calendar(), now)
    search = {"q": q} if q else {}
    tabs = [
        {
            "slug": t.slug,
            "label": t.label,
            "count": counts[t.slug],
            "query": urlencode({**search, "tab": t.slug}),
        }
        for t in TABS
    ]
    current = {**search, "tab": tab}
    next_query = urlencode({**current, "sau": cursor_encode(page.next_after)}) if page.next_after else ""
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
            "first_query": urlencode(current) if after is not None else "",
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


def _visible_dossier(
    user: User, code: str, related: tuple[str, ...] = SLIP_RELATED, *, flags: bool = False
) -> Dossier:
    # A code is unique: no ordering needed (``first()`` would sort by the model's default ordering). Read
    # by its code, then checked against the user's roles with the agencies that come with it (``may_view``,
    # the test the lists filter with): no list of the user's agencies to read first. ``flags``: with the
    # page's ``has_…`` flags (``page_reads.PAGE_FLAGS``).
    dossier = dossier_by_code(code, (*related, "receiving_unit", "competent_agency"), flags=flags)
    if dossier is None or not may_view(user, dossier.receiving_unit.path, dossier.competent_agency.path):
        raise Http404
    return dossier


# The dossier page's actions: the ``hanh_dong`` value posted, the form and the name the template uses.
ACTION_SUPPLEMENT_REQUEST = "yeu-cau-bo-sung"
ACTION_SUPPLEMENT_RECEIVE = "nhan-bo-sung"
ACTION_REFUSE = "tu-choi"
ACTION_ENGINE = "quy-trinh"
ACTION_RESULT_ADD = "them-ket-qua"
ACTION_RESULT_REMOVE = "xoa-ket-qua"
ACTION_RESULT_APPROVE = "duyet-ket-qua"
ACTION_APOLOGY = "xin-loi"
ACTION_WITHDRAW = "rut-ho-so"
ACTION_RETURN = "tra-ket-qua"
ACTION_FINISH = "hoan-thanh"

ACTION_FORMS: dict[str, tuple[str, type[forms.Form]]] = {
    "supplement_request": (ACTION_SUPPLEMENT_REQUEST, SupplementRequestForm),
    "supplement_receive": (ACTION_SUPPLEMENT_RECEIVE, SupplementReceiveForm),
    "refuse": (ACTION_REFUSE, RefuseForm),
    "engine": (ACTION_ENGINE, EngineActionForm),
    "result_add": (ACTION_RESULT_ADD, ResultAddForm),
    "result_remove": (ACTION_RESULT_REMOVE, ResultRemoveForm),
    "result_approve": (ACTION_RESULT_APPROVE, LockOnlyForm),
    "apology": (ACTION_APOLOGY, ApologyForm),
    "withdraw": (ACTION_WITHDRAW, WithdrawForm),
    "return_result": (ACTION_RETURN, ReturnForm),
    "finish": (ACTION_FINISH, FinishForm),
}


class ActionForms(dict[str, forms.Form]):
    """The actions' forms by name (``ACTION_FORMS``), each built the first time it is asked for: the posted
    one bound to the request when ``bound``, the others fresh. A page shows the forms of the actions this
    officer may take on this dossier, often none or two: building all eleven on every view cost more than
    the dossier's reads."""

    def __init__(self, request: HttpRequest, dossier: Dossier, *, bound: bool) -> None:
        super().__init__()
        self._request = request
        self._dossier = dossier
        self._posted = request.POST.get("hanh_dong", "") if bound else ""

    def __missing__(self, name: str) -> forms.Form:
        slug, form_class = ACTION_FORMS[name]
        kwargs: dict[str, Any] = {"prefix": slug, "initial": {"lock_version": self._dossier.lock_version}}
        if form_class is ResultAddForm:
            kwargs["results"] = Result.objects.filter(version_id=self._dossier.procedure_version_id).order_by(
                "id"
            )
        form = self[name] = form_class(self._request.POST if self._posted == slug else None, **kwargs)
        return form


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


def _due_from_date(day: date) -> datetime:
    """The close of office on ``day``: what a new date for the result means (Mẫu 04)."""
    sessions = working_calendar().office_sessions(day)
    if not sessions:
        raise ValidationError(
            _("%(date)s is not a working day: choose a working day for the new date.")
            % {"date": day.strftime("%d/%m/%Y")},
            code="not_working_day",
        )
    return sessions[-1][1]


def _act(
    request: HttpRequest,
    user: User,
    dossier: Dossier,
    action_forms: ActionForms,
    *,
    has_process: bool,
) -> tuple[str, list[str]] | None:
    """Run the posted action. None on success (messages are queued); else the failed action and errors.

    A dossier that follows an electronic process moves only through the engine (its supplement request
    and refusal are actions of its steps); the dossier services' forms serve dossiers without a process.
    """
    action = request.POST.get("hanh_dong", "")
    name = next((key for key, (slug, _cls) in ACTION_FORMS.items() if slug == action), None)
    if name is None:
        return action, [_("Unknown action.")]
    form = action_forms[name]
    if not form.is_valid():
        return action, _errors(form)
    data = form.cleaned_data
    lock_version = data["lock_version"]
    try:
        if action in (ACTION_SUPPLEMENT_REQUEST, ACTION_REFUSE, ACTION_FINISH) and has_process:
            return action, [
                _("This dossier follows an electronic process: use the actions of its current step.")
            ]
        if action == ACTION_SUPPLEMENT_REQUEST:
            assert isinstance(form, SupplementRequestForm)
            _updated, late = dossier_supplement_request(
                _with_lock(dossier, lock_version), user, form.items(), data["comment"].strip()
            )
            messages.success(request, _("Supplement requested: the applicant is notified (Mẫu 02)."))
            if late:
                _late_warning(request)
        elif action == ACTION_SUPPLEMENT_RECEIVE:
            components = Component.objects.filter(version=dossier.procedure_version).order_by(
                "position", "id"
            )
            files, errors = files_by_component(request.FILES, components)
            if errors:
                return action, errors
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
            dossier_refuse(_with_lock(dossier, lock_version), user, data["reason"])
            messages.success(request, _("The dossier is refused; the applicant is notified with the reason."))
        elif action == ACTION_ENGINE:
            assert isinstance(form, EngineActionForm)
            action_id = data["action_id"]
            process_act(
                dossier,
                user,
                action_id,
                comment=data["comment"],
                consulted_agency=data["consulted_agency"],
                missing_items=form.items(),
                expected_lock_version=lock_version,
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
        elif action == ACTION_RESULT_ADD:
            upload = request.FILES.get(RESULT_FILE_FIELD)
            document = result_document_add(
                _with_lock(dossier, lock_version),
                user,
                result=data["result"],
                upload=(upload.name or "ket-qua.pdf", upload.read()) if upload is not None else None,
                number=data["number"],
                issued_on=data["issued_on"],
            )
            messages.success(
                request,
                _("Result document %(number)s added; it awaits the leader's approval.")
                % {"number": document.number},
            )
        elif action == ACTION_RESULT_REMOVE:
            removed = ResultDocument.objects.filter(pk=data["document_id"], dossier=dossier).first()
            if removed is None:
                return action, [_("This result document no longer exists. Reload the page.")]
            result_document_remove(removed, user, lock_version=lock_version)
            messages.success(request, _("Result document %(number)s removed.") % {"number": removed.number})
        elif action == ACTION_RESULT_APPROVE:
            approved = result_documents_approve(_with_lock(dossier, lock_version), user)
            messages.success(
                request,
                _("Approved: %(numbers)s.") % {"numbers": ", ".join(d.number for d in approved)},
            )
        elif action == ACTION_APOLOGY:
            updated = dossier_apologise(
                _with_lock(dossier, lock_version), user, data["reason"], _due_from_date(data["new_date"])
            )
            messages.success(
                request,
                _("Apology issued (Mẫu 04): the applicant is told the new date, %(due)s.")
                % {"due": timezone.localtime(updated.due_at).strftime("%H:%M %d/%m/%Y")},
                extra_tags="print-apology",
            )
        elif action == ACTION_FINISH:
            dossier_finish(_with_lock(dossier, lock_version), user, data["comment"])
            messages.success(request, _("The result is ready: the applicant is told to collect it."))
        elif action == ACTION_WITHDRAW:
            dossier_withdraw(_with_lock(dossier, lock_version), user, data["reason"])
            messages.success(request, _("The dossier is withdrawn at the applicant's request."))
        else:  # ACTION_RETURN
            dossier_return_result(
                _with_lock(dossier, lock_version),
                user,
                method=data["method"],
                receiver=data["receiver"],
                postal_reference=data["postal_reference"],
            )
            messages.success(request, _("The result is returned; the dossier is closed."))
    except ValidationError as exc:
        return action, list(exc.messages)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One dossier: applicant, procedure, dates, files, result documents, process steps, history, pauses
    and the actions.

    Who: officers who may see the dossier (``dossiers_visible_to``: a role in its receiving unit or its
    competent agency, or a global role); others get 404. Actions are offered to the receiving desk and the
    competent agency's handlers, and the process actions to the pool of the open step
    (``available_actions``); the services and the engine check again and refuse a stale screen
    (``lock_version``).
    """
    user = _officer(request)
    dossier = _visible_dossier(user, code, PAGE_RELATED, flags=request.method == "GET")
    failed_action = ""
    action_errors: list[str] = []
    status = 200
    if request.method == "POST":
        has_process = dossier_steps(dossier).exists()
        if not (_may_act(user, dossier) or available_actions(dossier, user)):
            raise PermissionDenied
        action_forms = ActionForms(request, dossier, bound=True)
        outcome = _act(request, user, dossier, action_forms, has_process=has_process)
        if outcome is None:
            return redirect("backoffice:dossier", code=dossier.code)
        failed_action, action_errors = outcome
        status = 400
        # Show the page as it is now (the failure changed nothing), keeping what the officer typed.
        dossier = _visible_dossier(user, code, PAGE_RELATED, flags=True)
    else:
        action_forms = ActionForms(request, dossier, bound=False)

    now = timezone.now()
    calendar = shown_calendar()
    steps = steps_of(dossier)
    has_process = bool(steps)
    engine_actions = available_actions(dossier, user, steps)
    may_handle = _may_act(user, dossier)
    may_act = (may_handle or bool(engine_actions)) and not dossier.is_closed
    attachments = attachments_of(dossier)
    result_documents = result_documents_of(dossier)
    may_receive_supplement = may_act and dossier.status == DossierStatus.WAITING_SUPPLEMENT
    # Only the supplement form lists the components (a file field each).
    components = components_of(dossier.procedure_version_id) if may_receive_supplement else []
    action_labels = dict(DossierAction.choices)
    status_labels = dict(DossierStatus.choices)
    timeline = [
        {
            "event": event,
            "label": action_labels.get(event.action, event.action),
            "to_status": status_labels.get(event.to_status, ""),
        }
        for event in events_of(dossier)
    ]
    open_status = dossier.status in (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS)
    apology_until = apology_deadline(calendar, dossier) if may_act else None
    left = time_left(dossier, calendar, now)
    context = {
        "nav": "inbox",
        "dossier": dossier,
        "version": dossier.procedure_version,
        "statutory_time": statutory_time_label(
            dossier.procedure_version.statutory_time, dossier.procedure_version.time_unit
        ),
        "applicant": dossier.applicant,
        "time_left": left,
        "attachments": attachments,
        "inline_types": INLINE_TYPES,
        "result_documents": result_documents,
        "result_file_field": RESULT_FILE_FIELD,
        "timeline": timeline,
        "steps": steps,
        "now": now,
        "pauses": pauses_of(dossier),
        "components": [(c, file_field_name(c)) for c in components],
        "answers": eform_display(dossier.procedure_version, dossier.form_data),
        "may_act": may_act,
        "may_request_supplement": may_act and open_status and not has_process,
        "may_refuse": may_act and not has_process,
        "may_finish": may_act and open_status and not has_process,
        "may_receive_supplement": may_receive_supplement,
        "may_prepare_result": open_status and may_prepare_result(user, dossier),
        "may_approve_result": open_status
        and may_approve_result(user, dossier)
        and any(not d.is_approved for d in result_documents),
        "may_sign": any(d.is_approved and not getattr(d, "signed", False) for d in result_documents)
        and can(user, Capability.RESULT_SIGN, dossier.competent_agency),
        "apology_until": apology_until if apology_until is not None and now <= apology_until else None,
        "apology_missed": apology_until is not None and now > apology_until,
        "at_risk": bool(left and left.at_risk and dossier.apologised_at is None),
        "may_withdraw": may_act and may_handle,
        "may_return": dossier.status == DossierStatus.FINISHED and may_handle,
        "forms": action_forms,
        "failed_action": failed_action,
        "action_errors": action_errors,
        "has_process": has_process,
        "engine_actions": engine_actions,
        "engine_needs_agency": any(a.kind == ActionKind.CONSULT for a in engine_actions),
        "engine_needs_items": any(a.kind == ActionKind.REQUEST_SUPPLEMENT for a in engine_actions),
        "actions": {name: slug for name, (slug, _cls) in ACTION_FORMS.items()},
        "fees": dossier_fees(request, dossier, fee_lines_read(dossier)),
    }
    if request.method != "GET":
        return render(request, "backoffice/dossier.html", context, status=status)
    # The view of the applicant's data is recorded while the page renders; the page leaves once it is on disk.
    with access_recorded(
        request, channel="web", action="view", object_type="dossier", object_ref=dossier.code
    ):
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
    return stored_file_response(
        attachment.file,
        filename=PurePath(attachment.original_name).name or f"tep-{attachment.pk}",
        content_type=attachment.content_type or "application/octet-stream",
    )


# Types a browser shows by itself without running anything of the file: viewed inline on the dossier page.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif"})


@login_required
@require_GET
@xframe_options_sameorigin
def attachment_view(request: HttpRequest, code: str, attachment_id: int) -> FileResponse:
    """A PDF or image file of the dossier shown inline (in the page's viewer or a new tab); any other
    type is a 404 here (it is only downloaded). The stored type was sniffed from the content at upload;
    images are sandboxed, and nothing is ever sniffed again by the browser.

    Who: officers who may see the dossier; others get 404.
    """
    dossier = _visible_dossier(_officer(request), code)
    attachment = dossier.attachments.filter(pk=attachment_id).first()
    if attachment is None or not attachment.file or attachment.content_type not in INLINE_TYPES:
        raise Http404
    access_record(
        request,
        channel="web",
        action="view",
        object_type="attachment",
        object_ref=dossier.code,
        detail=attachment.original_name,
    )
    response = stored_file_response(attachment.file, content_type=attachment.content_type, inline=True)
    if attachment.content_type.startswith("image/"):
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response


@login_required
@require_GET
def receipt_slip(request: HttpRequest, code: str) -> HttpResponse:
    """Mẫu 01 (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) as an inline A5 PDF, to print.

    Who: officers who may see the dossier; others get 404.
    """
    dossier = _visible_dossier(_officer(request), code)
    access_record(request, channel="web", action="print", object_type="receipt", object_ref=dossier.code)
    pdf = slip_seal(
        receipt_slip_pdf(receipt_slip_for(dossier)), dossier.receiving_unit, reason=f"Mẫu 01 — {dossier.code}"
    )
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
    # Sealed by the unit that issues the slip (the receiving unit), when it has an electronic seal.
    pdf = slip_seal(pdf, dossier.receiving_unit, reason=f"Mẫu {form} — {dossier.code}")
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


@login_required
@require_GET
def apology_slip(request: HttpRequest, code: str) -> HttpResponse:
    """Mẫu 04 (Phiếu xin lỗi và hẹn lại ngày trả kết quả); 404 when no apology was issued.

    Who: officers who may see the dossier; others get 404.
    """
    return _slip_response(request, code, "04", apology_slip_pdf)


@login_required
@require_GET
def result_document_download(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """A result document (PDF), as a download. Who: officers who may see the dossier; others get 404."""
    dossier = _visible_dossier(_officer(request), code)
    document = dossier.result_documents.filter(pk=document_id).first()
    if document is None or not document.file:
        raise Http404
    access_record(
        request,
        channel="web",
        action="download",
        object_type="result",
        object_ref=dossier.code,
        detail=document.number,
    )
    safe_number = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in document.number)
    return stored_file_response(
        document.file, filename=f"ket-qua-{safe_number}.pdf", content_type="application/pdf"
    )


@login_required
@require_GET
def control_slip(request: HttpRequest, code: str) -> HttpResponse:
    """Mẫu 05 (Phiếu kiểm soát quá trình giải quyết hồ sơ): every hand-over so far, printable at any time.

    Who: officers who may see the dossier; others get 404.
    """
    return _slip_response(request, code, "05", lambda dossier: control_slip_pdf(control_slip_for(dossier)))


# --- Mẫu 06: the register --------------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Submitting with this parameter downloads the register; without it the page shows how many rows it holds.
REGISTER_EXPORT = "xuat"


def _register_units(user: User) -> QuerySet[Agency]:
    """Receiving units whose register ``user`` may read: where they receive dossiers or monitor (a role in
    the unit or above it; a provincial supervisor: every unit)."""
    scope = Q(pk__in=agencies_for(user, Capability.DOSSIER_RECEIVE).values("pk")) | Q(
        pk__in=agencies_for(user, Capability.MONITOR).values("pk")
    )
    return (
        Agency.objects.filter(scope, kind__in=RECEIVING_KINDS)
        .select_related("parent", "admin_unit__parent__parent")
        .order_by("name", "id")
    )


def _register_xlsx_response(period: RegisterPeriod) -> FileResponse:
    # Rows go from the database cursor to XlsxWriter's per-row flush and into a temporary file that is
    # gone once the response is sent: memory does not grow with the period.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        register_xlsx(
            period, register_rows(register_dossiers(period).iterator(chunk_size=CHUNK_SIZE)), handle
        )
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return FileResponse(
        handle, as_attachment=True, filename=f"{period.file_stem}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


@login_required
@require_GET
def counter_slip(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Mẫu 02 or Mẫu 03 given at the counter without receiving a dossier.

    Who: officers holding ``dossier_receive`` in the unit that issued it (or above); others get 404.
    """
    user = _officer(request)
    decision = (
        CounterDecision.objects.select_related(
            "unit__parent", "unit__admin_unit__parent__parent", "procedure_version__procedure", "officer"
        )
        .filter(pk=decision_id)
        .first()
    )
    if decision is None or not can(user, Capability.DOSSIER_RECEIVE, decision.unit):
        raise Http404
    access_record(
        request, channel="web", action="print", object_type="counter-decision", object_ref=decision.number
    )
    form = "02" if decision.kind == CounterDecisionKind.COMPLETION else "03"
    pdf = slip_seal(counter_decision_pdf(decision), decision.unit, reason=f"Mẫu {form} — {decision.number}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-{form}-{decision.number}.pdf"'
    return response


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponseBase:
    """Mẫu 06 (Sổ theo dõi hồ sơ) of a receiving unit for a period: the number of rows, then the register
    as an A4 landscape PDF (at most ``PDF_MAX_ROWS`` rows) or as Excel (any number).

    Who: officers holding ``dossier_receive`` or ``monitor`` in a service centre or one-stop desk (or
    above it); a provincial supervisor, every unit. Others get 403; a unit outside the officer's scope is a
    404. Every export is recorded in the access log (the register holds personal data).
    """
    user = _officer(request)
    units = _register_units(user)
    unit_ids = {str(pk) for pk in units.values_list("pk", flat=True)}
    if not unit_ids:
        raise PermissionDenied
    requested = request.GET.get("don_vi")
    if requested is not None and requested not in unit_ids:
        raise Http404
    today = timezone.localdate()
    initial = {
        "tu_ngay": today.replace(day=1),
        "den_ngay": today.replace(day=monthrange(today.year, today.month)[1]),
        "dinh_dang": "pdf",
    }
    bound = any(name in request.GET for name in ("don_vi", "tu_ngay", "den_ngay", "dinh_dang"))
    form = RegisterForm(request.GET if bound else None, units=units, initial=initial)
    errors: list[str] = []
    count: int | None = None
    count_text = ""
    status = 200
    if form.is_valid():
        period = RegisterPeriod(
            form.cleaned_data["don_vi"], form.cleaned_data["tu_ngay"], form.cleaned_data["den_ngay"]
        )
        export = form.cleaned_data["dinh_dang"] or "pdf"
        if REGISTER_EXPORT in request.GET:
            if export == "xlsx":
                access_record(
                    request,
                    channel="web",
                    action="export",
                    object_type="register-06",
                    object_ref=period.unit.code,
                    detail=f"{period.label} (xlsx)",
                )
                return _register_xlsx_response(period)
            # One row more than the cap tells whether the period fits, without counting it all.
            rows = list(register_rows(register_dossiers(period)[: PDF_MAX_ROWS + 1]))
            if len(rows) <= PDF_MAX_ROWS:
                access_record(
                    request,
                    channel="web",
                    action="export",
                    object_type="register-06",
                    object_ref=period.unit.code,
                    detail=f"{period.label} (pdf)",
                )
                response = HttpResponse(register_pdf(period, rows), content_type="application/pdf")
                response["Content-Disposition"] = f'inline; filename="{period.file_stem}.pdf"'
                return response
            errors.append(
                _(
                    "This period holds more than %(max)s dossiers, too many for one PDF. Export it as Excel, "
                    "or choose a shorter period."
                )
                % {"max": f"{PDF_MAX_ROWS:,}".replace(",", ".")}
            )
            status = 400
        count = register_dossiers(period).count()
        count_text = ngettext(
            "%(count)s dossier received in this period.", "%(count)s dossiers received in this period.", count
        ) % {"count": f"{count:,}".replace(",", ".")}
    elif bound:
        status = 400
    return render(
        request,
        "backoffice/register.html",
        {
            "nav": "register",
            "form": form,
            "errors": errors,
            "count": count,
            "count_text": count_text,
            "pdf_max_rows": PDF_MAX_ROWS,
            "too_many_for_pdf": count is not None and count > PDF_MAX_ROWS,
            "export": REGISTER_EXPORT,
        },
        status=status,
    )
