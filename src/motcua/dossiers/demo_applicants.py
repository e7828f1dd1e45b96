"""Demo journeys of the demo applicant accounts, through the real services, so that every portal page has
something to show when a demo citizen logs in:

- Nguyễn Văn Minh (``congdan.minh``) holds two earlier civil-status results digitised from the ward's backlog;
  he filed a permanent-residence registration online, reused both from his data store, paid the fee through
  the gateway simulator; the desk received it, the ward settled it and returned the result online (it is in
  his data store now); he also has a birth-registration draft to resume.
- Trần Thị Hương (``congdan.huong``) filed a marriage-status certificate at the counter and the desk asked for a
  supplement she can send from the portal; her marriage registration filed online waits in the desk's queue.
- Công ty TNHH Xây dựng Kinh Bắc (``doanhnghiep.kinhbac``) filed, and paid online, a change of its legal
  representative, which waits for the provincial centre's desk.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.core.files.base import ContentFile
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.eforms import components_required
from motcua.catalog.eforms.examples import eform_example_answers
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.datastore.models import StoredDocument, StoredDocumentKind
from motcua.geo.models import AdministrativeUnit
from motcua.integrations.models import SimulatedCitizen
from motcua.org.models import Agency
from motcua.workdays.calendar import VIETNAM_TZ
from motcua.workdays.selectors import working_calendar

from . import online
from .demo import DemoReport, _advance, _file_for
from .models import Dossier, DossierStatus, OnlineSubmission
from .services import dossier_receive, dossier_return_result, dossier_supplement_request


@dataclass
class ApplicantDemoReport:
    stored: int = 0
    submissions: int = 0
    dossiers: int = 0


def _version(national_code: str) -> ProcedureVersion:
    version = Procedure.objects.get(national_code=national_code).current_version
    assert version is not None
    return version


def _past_working_moment(days_back: int, hour: int) -> datetime:
    """``hour`` o'clock on the working day ``days_back`` days ago (or the one before it), never in the future."""
    calendar = working_calendar()
    day = timezone.localdate() - timedelta(days=days_back)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return min(
        datetime(day.year, day.month, day.day, hour, 0, tzinfo=VIETNAM_TZ),
        timezone.now() - timedelta(minutes=10),
    )


def _applicant_data(account: User) -> dict[str, str]:
    """The declaration's applicant part as the portal pre-fills it (from the account and the population
    database), so the demo answers look like the portal's."""
    data = {key: str(value or "") for key, value in online.applicant_defaults(account).items()}
    if account.kind == "organisation":
        data.update(address="Số 68 đường Nguyễn Văn Cừ", commune="07210")
    return data


def _backlog_document(account: User, result_code: str, title: str, number: str, issued: date) -> None:
    """An earlier paper result of the holder, as the ward's backlog digitisation leaves it in the store."""
    from motcua.documents.pdf import render_pdf

    issuer = Agency.objects.get(code="000.00.41.H24")
    content = render_pdf(
        "documents/result_generated.html",
        {
            "title": title,
            "agency": issuer.name,
            "number": number,
            "place": "Bắc Ninh",
            "issued_on": issued,
            "applicant": {"full_name": account.full_name, "id_number": account.id_number},
            "procedure": "Số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực",
            "approver": "(bản giấy đã số hóa)",
        },
    )
    document = StoredDocument(
        holder_number=account.id_number,
        holder_name=account.full_name,
        kind=StoredDocumentKind.DIGITISED,
        result_code=result_code,
        title=title,
        number=number,
        issuer=issuer,
        issued_on=issued,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        record_key=hashlib.sha256(f"demo:{result_code}:{number}:{account.id_number}".encode()).hexdigest(),
    )
    document.file.save(f"{result_code}.pdf", ContentFile(content), save=False)
    document.save()


def _filled(account: User, version: ProcedureVersion, rng: random.Random) -> OnlineSubmission:
    """A submission with its declaration and the files its answers require (reusing the data store where a
    component asks for a result the holder has)."""
    submission = online.submission_start(account, version)
    applicant = _applicant_data(account)
    answers = eform_example_answers(version, applicant, rng)
    online.submission_declare(submission, account, applicant_data=applicant, form_data=answers)
    required = components_required(version, answers)
    holder = account.tax_code if account.kind == "organisation" else account.id_number
    for component in version.components.all():
        stored = (
            StoredDocument.objects.filter(holder_number=holder, result_code=component.result_code).first()
            if component.result_code
            else None
        )
        if stored is not None:
            # The applicant brings what the store holds, even for a component only some cases need.
            online.submission_file_reuse(
                submission, account, component_id=component.pk, document_id=stored.pk
            )
            continue
        if component.pk not in required:
            continue
        name, content = _file_for(component.format_list, component.name[:60], version.name)
        online.submission_file_add(submission, account, component_id=component.pk, name=name, content=content)
    return submission


def _paid(submission: OnlineSubmission, account: User, when: datetime) -> None:
    """Pay the submission's fees through the gateway simulator, as the portal's "Pay online" does."""
    from motcua.payments.fees import fee_lines, fee_total
    from motcua.payments.services import payment_notify, payment_start
    from motcua.payments.simulator import simulated_decide, simulated_ipn_params, simulated_start

    lines = fee_lines(submission.procedure_version)
    if fee_total(lines) <= 0:
        return
    applicant = submission.applicant_data
    payment, url = payment_start(
        items=lines,
        payer={
            "name": applicant.get("full_name") or account.full_name,
            "id_number": applicant.get("id_number") or applicant.get("tax_code") or "",
            "address": applicant.get("address", ""),
        },
        return_to=f"/nop-ho-so/{submission.key}/xem-lai/",
        created_by=account,
        client_ip="127.0.0.1",
        agency=online.submission_desk(submission),
        now=when,
    )
    OnlineSubmission.objects.filter(pk=submission.pk).update(payment=payment)
    transaction = simulated_start(dict(parse_qsl(urlsplit(url).query)), now=when)
    simulated_decide(transaction.pk, pay=True, bank_code="NCB", now=when + timedelta(minutes=1))
    payment_notify(simulated_ipn_params(transaction.pk))
    submission.refresh_from_db()


def demo_applicant_journeys_create(*, seed: int = 766) -> ApplicantDemoReport:
    rng = random.Random(seed)
    report = ApplicantDemoReport()
    admin = User.objects.get(username="admin")
    ward_desk_officer = User.objects.get(username="tiepnhan.bacgiang")
    centre_officer = User.objects.get(username="tiepnhan")
    minh = User.objects.get(username="congdan.minh")
    huong = User.objects.get(username="congdan.huong")
    company = User.objects.get(username="doanhnghiep.kinhbac")

    # Minh: two earlier results digitised from the ward's paper backlog.
    _backlog_document(minh, "KQ.G15.000031", "Giấy khai sinh (bản chính)", "45/1985", date(1985, 3, 20))
    _backlog_document(
        minh, "KQ.G15.000032", "Giấy chứng nhận kết hôn (bản chính)", "112/2012", date(2012, 9, 8)
    )
    report.stored += 2

    # Minh: permanent residence filed online two weeks ago, settled and returned online.
    submitted = _past_working_moment(14, 9)
    residence = _filled(minh, _version("9.001201"), rng)
    _paid(residence, minh, submitted - timedelta(minutes=5))
    online.submission_submit(residence, minh, now=submitted)
    dossier = online.submission_accept(residence, ward_desk_officer, now=submitted + timedelta(hours=2))
    dossier, moment = _advance(dossier, admin, 10, dossier.received_at, DemoReport())
    if dossier.status == DossierStatus.FINISHED:
        dossier_return_result(dossier, ward_desk_officer, method="online", at=moment + timedelta(hours=1))
    report.submissions += 1
    report.dossiers += 1

    # Minh: a birth registration for his newborn, still a draft.
    draft = online.submission_start(minh, _version("1.001193"))
    online.submission_declare(draft, minh, applicant_data=_applicant_data(minh), form_data={})
    report.submissions += 1

    # Hương: filed at the counter; the desk asked for a supplement she can send online.
    person = SimulatedCitizen.objects.get(id_number=huong.id_number)
    version = _version("9.000103")
    received = _past_working_moment(3, 8)
    answers: dict[str, Any] = eform_example_answers(version, _applicant_data(huong), rng)
    files = {
        c.code: [_file_for(c.format_list, c.name[:60], version.name)]
        for c in version.components.all()
        if c.pk in components_required(version, answers)
    }
    counter = dossier_receive(
        officer=centre_officer,
        receiving_unit=Agency.objects.get(code="000.00.01.H24"),
        procedure_version=version,
        applicant={
            "kind": "person",
            "full_name": person.full_name,
            "id_number": person.id_number,
            "date_of_birth": person.date_of_birth,
            "sex": person.sex,
            "phone": huong.phone,
            "address": person.permanent_address,
            "commune": AdministrativeUnit.objects.get(code=person.commune_code),
        },
        channel="counter",
        form_data=answers,
        files=files,
        received_at=received,
    )
    dossier_supplement_request(
        Dossier.objects.get(pk=counter.pk),
        centre_officer,
        ["Bản sao Giấy xác nhận nơi cư trú"],
        "Hồ sơ còn thiếu giấy tờ chứng minh nơi cư trú",
        now=received + timedelta(hours=1),
    )
    report.dossiers += 1

    # Hương: marriage registration filed online this morning, waiting for the desk.
    marriage = _filled(huong, _version("9.000102"), rng)
    online.submission_submit(marriage, huong, now=_past_working_moment(0, 8))
    report.submissions += 1

    # The company: change of legal representative, paid online, waiting for the provincial centre's desk.
    change = _filled(company, _version("9.000703"), rng)
    when = _past_working_moment(1, 10)
    _paid(change, company, when - timedelta(minutes=3))
    online.submission_submit(change, company, now=when)
    report.submissions += 1
    return report
