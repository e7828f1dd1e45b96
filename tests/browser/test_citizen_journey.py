"""A citizen in Debian's Chromium files a birth registration fully online and gets the result back, end to end:
log in with the digital-ID simulator → search the procedure → fill the e-form (and correct what the server
refuses) → upload a file and reuse a document of the personal data store → pay the fee in the gateway's
sandbox → submit. The desk receives it, the commune settles it (specialist, head of division, leader's approval)
and returns it online; the citizen downloads the result, finds it in the data store and rates the handling.
Keyboard use and labels are checked on the form pages; screenshots (desktop and a 390-px phone) are saved in
test-artifacts/ for a person to look at."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile

from motcua.catalog.models import FeeItem, Procedure
from motcua.datastore.models import StoredDocument, StoredDocumentKind
from motcua.dossiers.models import AttachmentSource, Channel, Dossier, DossierStatus, OnlineSubmission
from motcua.feedback.models import Rating
from motcua.integrations.models import SimulatedCitizen
from motcua.org.models import Agency, Role
from motcua.payments.models import Payment, PaymentStatus
from motcua.workflow.services import definition_default_create
from tests.fixtures import staff

from .conftest import ARTIFACTS
from .test_backoffice_journey import PDF, act, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "024190000123"
PHONE = {"width": 390, "height": 844}

# Every visible form control must have a name a screen reader reads: a <label for>, an enclosing label, or
# aria-label / aria-labelledby. Returns the ids (or names) of those that have none.
UNLABELLED_JS = """() => Array.from(document.querySelectorAll('main input, main select, main textarea'))
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.id || el.name)"""


def unlabelled(page: Any) -> list[str]:
    result: list[str] = page.evaluate(UNLABELLED_JS)
    return result


def focused(page: Any) -> str:
    value: str = page.evaluate("() => document.activeElement && (document.activeElement.name || '')")
    return value


def shot(page: Any, name: str, *, phone: bool = False) -> None:
    if phone:
        page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if phone:
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def province(
    live_server: Any, eform_catalog: Any, org: dict[str, Agency], geo: dict[str, Any], settings: Any
) -> Any:
    """The sample catalog with its birth-registration e-form, a fee, a process, the commune's officers, a
    citizen the population database knows, and her marriage certificate digitised into her data store."""
    settings.MOTCUA_PUBLIC_URL = live_server.url  # the digital-ID issuer and the payment return and IPN
    procedure = Procedure.objects.get(national_code="1.001193")
    version = procedure.current_version
    assert version is not None
    FeeItem.objects.filter(version=version).update(name="Lệ phí cấp bản sao trích lục", amount=8000)
    definition_default_create(procedure)
    staff("tiepnhan", (org["desk"], Role.RECEPTION_OFFICER))
    staff("chuyenvien", (org["commune"], Role.SPECIALIST))
    staff("truongphong", (org["commune"], Role.HEAD_OF_DIVISION))
    staff("lanhdao", (org["commune"], Role.AGENCY_LEADER))
    SimulatedCitizen.objects.create(
        id_number=ID_NUMBER,
        full_name="Nguyễn Thị Hoa",
        date_of_birth=date(1990, 4, 12),
        sex="female",
        ethnicity="Kinh",
        permanent_address="Số 5 đường Lê Lợi",
        commune_code=geo["ward"].code,
    )
    certificate = StoredDocument(
        holder_number=ID_NUMBER,
        holder_name="Nguyễn Thị Hoa",
        kind=StoredDocumentKind.DIGITISED,
        result_code="KQ.G15.000032",
        title="Giấy chứng nhận kết hôn",
        number="27/2015",
        issuer=org["commune"],
        issued_on=date(2015, 6, 1),
        sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
        record_key="demo-marriage-certificate",
    )
    certificate.file.save("ket-hon.pdf", ContentFile(PDF), save=False)
    certificate.save()
    return version


def test_a_citizen_files_online_pays_and_gets_the_result_back(
    live_server: Any, province: Any, browser: Any, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    declaration_scan = tmp_path / "to-khai.pdf"
    declaration_scan.write_bytes(PDF)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()

    # Log in with the digital ID: the simulator signs a real ID token; the portal makes the account.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Đăng nhập", exact=True).click()
    page.get_by_role("link", name="Đăng nhập bằng định danh điện tử (VNeID)").click()
    page.fill("#so_dinh_danh", ID_NUMBER)
    page.fill("#mat_khau", "MotCua@2026")
    shot(page, "citizen-vneid-login", phone=True)
    page.click(".sim-form button[name=buoc][value=dang-nhap]")
    page.get_by_role("button", name="Đồng ý").click()
    page.wait_for_load_state()
    assert "Nguyễn Thị Hoa" in page.locator(".account-nav").inner_text()

    # Search the procedure and start filing.
    page.goto(f"{base}/")
    page.fill("#id_q", "khai sinh")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.get_by_role("link", name="Đăng ký khai sinh").first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Nộp trực tuyến").click()
    page.wait_for_url("**/to-khai/")
    submission = OnlineSubmission.objects.get()

    # The applicant's part comes from the digital ID and the population database.
    assert page.input_value("#id_full_name") == "Nguyễn Thị Hoa"
    assert page.input_value("#id_address") == "Số 5 đường Lê Lợi"
    assert page.locator("#id_id_number").is_disabled()
    assert unlabelled(page) == []
    # The keyboard walks the e-form in order: Tab from the child's name reaches the date of birth next.
    page.locator("[name='eform-tre.ho_ten']").focus()
    page.keyboard.type("Nguyễn Minh Khôi")
    page.keyboard.press("Tab")
    assert focused(page) == "eform-tre.ngay_sinh"
    page.fill("[name='eform-tre.ngay_sinh']", "2026-05-02")
    page.check("#eform-quan_he-2")  # an authorised filer: the number of the authorisation becomes required
    page.check("[name=eform-cha_me_da_ket_hon]")
    page.check("[name=eform-cam_doan]")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_load_state()
    # The server refuses the missing authorisation number, next to its field, and keeps every answer.
    error = page.locator(".has-error .error").first
    assert "Số văn bản ủy quyền" in error.inner_text()
    assert page.input_value("[name='eform-tre.ho_ten']") == "Nguyễn Minh Khôi"
    assert page.locator("#eform-so_van_ban_uy_quyen").get_attribute("aria-invalid") == "true"
    shot(page, "citizen-declaration-error")
    shot(page, "citizen-declaration-error-390", phone=True)
    page.fill("#eform-so_van_ban_uy_quyen", "15/UQ-2026")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_url("**/thanh-phan/")

    # Documents: upload the declaration, reuse the marriage certificate from the data store.
    version = province
    tp1 = version.components.get(code="TP1")
    tp2 = version.components.get(code="TP2")
    assert unlabelled(page) == []
    page.set_input_files(f"#tep-{tp1.pk}", str(declaration_scan))
    page.locator(f"#tp-{tp1.pk} form.upload button").click()
    page.wait_for_load_state()
    assert "to-khai.pdf" in page.locator(f"#tp-{tp1.pk}").inner_text()
    page.select_option(f"#kho-{tp2.pk}", label="Giấy chứng nhận kết hôn — 27/2015 (01/06/2015)")
    page.locator(f"#tp-{tp2.pk} form.reuse button").click()
    page.wait_for_load_state()
    assert "tái sử dụng từ kho dữ liệu của bạn" in page.locator(f"#tp-{tp2.pk}").inner_text()
    shot(page, "citizen-components")
    shot(page, "citizen-components-390", phone=True)
    page.get_by_role("link", name="Tiếp tục để kiểm tra").click()
    page.wait_for_url("**/xem-lai/")

    # Review: the fee must be paid online first; the gateway's sandbox takes the payment.
    assert "8.000" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Nộp hồ sơ").is_disabled()
    shot(page, "citizen-review-unpaid")
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url("**/gia-lap/thanh-toan/**")
    shot(page, "citizen-sandbox-bank", phone=True)
    page.click("button.pay")
    page.wait_for_url("**/thanh-toan/ket-qua/**")
    assert "Thanh toán thành công" in page.content()
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PAID and payment.amount == 8000 and payment.receipt is not None
    page.click("#continue")
    page.wait_for_url("**/xem-lai/")
    assert "Đã thanh toán trực tuyến" in page.content()
    shot(page, "citizen-review-paid-390", phone=True)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(f"**/nop-ho-so/{submission.key}/")
    submission.refresh_from_db()
    assert submission.status == "submitted" and submission.submit_count == 1

    # The desk receives it from the online queue; then the commune settles it.
    desk = signed_in(browser, base, "tiepnhan")
    desk.goto(f"{base}/mot-cua/truc-tuyen/")
    desk.get_by_role("link", name="Đăng ký khai sinh").first.click()
    desk.wait_for_load_state()
    shot(desk, "desk-online-submission")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Tiếp nhận (Mẫu 01)").click()
    dossier = Dossier.objects.get()
    assert dossier.channel == Channel.ONLINE and dossier.online_submission == submission
    assert dossier.attachments.get(component=tp2).source == AttachmentSource.DATA_STORE
    assert Payment.objects.get().dossier == dossier
    act(desk, "forward")
    specialist = signed_in(browser, base, "chuyenvien")
    specialist.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    with specialist.expect_navigation():
        specialist.click("form:has(input[value=them-ket-qua]) button[type=submit]")
    act(specialist, "forward")
    head = signed_in(browser, base, "truongphong")
    head.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    act(head, "forward")
    leader = signed_in(browser, base, "lanhdao")
    leader.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    act(leader, "approve")
    desk.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    act(desk, "finish")
    desk.check("input[name=tra-ket-qua-method][value=online]")
    with desk.expect_navigation():
        desk.click("#return-form button[type=submit]")
    assert Dossier.objects.get().status == DossierStatus.RETURNED

    # The citizen downloads the result, finds it in the data store and rates the handling.
    page.goto(f"{base}/ho-so-cua-toi/")
    page.get_by_role("link", name="Đăng ký khai sinh").first.click()
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.code}/")
    shot(page, "citizen-my-dossier-returned-390", phone=True)
    with page.expect_download() as download:
        page.locator(".ok-card a").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto(f"{base}/kho-du-lieu/")
    issued = StoredDocument.objects.get(kind=StoredDocumentKind.ISSUED)
    assert issued.holder_number == ID_NUMBER and issued.dossier == dossier
    assert "Giấy khai sinh" in page.locator("main").inner_text()
    shot(page, "citizen-data-store")
    shot(page, "citizen-data-store-390", phone=True)
    page.goto(f"{base}/ho-so-cua-toi/{dossier.code}/")
    page.get_by_role("link", name="Đánh giá việc giải quyết hồ sơ này").click()
    page.wait_for_url("**/danh-gia/")
    assert unlabelled(page) == []
    for code in ("total_time", "agency_time", "contacts", "agencies", "one_stop", "publication", "attitude"):
        page.locator(f"input[name={code}][value='2']").check()
    for code in ("feedback", "online"):
        page.locator(f"input[name={code}][value='2']").focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.code}/")
    assert Rating.objects.get(dossier=dossier).total == 18
    context.close()
