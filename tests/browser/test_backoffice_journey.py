"""Officers in Debian's Chromium take a dossier through the whole one-stop process: the desk receives it
(Mẫu 01), the commune's specialist prepares the result and passes it on, the head of division reviews, the
leader approves (which approves the result document), the desk finishes and returns it at the counter.
Screenshots are saved in test-artifacts/ for a person to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, DossierStatus, ResultDocument
from motcua.org.models import Agency, Role
from motcua.workflow.services import definition_default_create
from tests.fixtures import staff

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-Test-123456"
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >>"
    b" endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def signed_in(browser: Any, base: str, username: str) -> Any:
    """A fresh browser context (its own cookies) signed in as ``username`` through the login page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/dang-nhap/?next=/mot-cua/")
    page.fill("input[name=identifier]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.account-card [type=submit]")
    page.wait_for_url("**/mot-cua/ho-so/**")
    return page


def act(page: Any, kind: str) -> None:
    """Press the button of the current step's action of ``kind`` and wait for the page to come back."""
    with page.expect_navigation():
        page.click(f"button.action-{kind}")


def test_reception_processing_approval_and_return(
    live_server: Any, catalog: Any, org: dict[str, Agency], geo: dict[str, Any], browser: Any, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    definition_default_create(Procedure.objects.get(national_code="1.001193"))
    staff("tiepnhan", (org["desk"], Role.RECEPTION_OFFICER))
    staff("chuyenvien", (org["commune"], Role.SPECIALIST))
    staff("truongphong", (org["commune"], Role.HEAD_OF_DIVISION))
    staff("lanhdao", (org["commune"], Role.AGENCY_LEADER))
    base = live_server.url
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF)

    # The desk: find the procedure, enter the applicant, attach the scan, receive.
    desk = signed_in(browser, base, "tiepnhan")
    desk.goto(f"{base}/mot-cua/tiep-nhan/")
    desk.fill("#procedure-q", "khai sinh")
    desk.keyboard.press("Enter")
    desk.wait_for_load_state()
    with desk.expect_navigation():
        desk.get_by_role("link", name="Đăng ký khai sinh").first.click()
    desk.fill("input[name=full_name]", "Nguyễn Thị Hoa")
    desk.fill("input[name=id_number]", "024190000123")
    desk.fill("input[name=date_of_birth]", "1990-04-12")
    desk.select_option("select[name=sex]", "female")
    desk.fill("input[name=phone]", "0912345678")
    desk.select_option("select[name=commune]", str(geo["ward"].pk))
    desk.set_input_files("input[type=file]", str(scan))
    desk.screenshot(path=str(ARTIFACTS / "backoffice-reception.png"), full_page=True)
    with desk.expect_navigation():
        desk.click("button[name=ket_qua][value=tiep-nhan]")
    dossier = Dossier.objects.get()
    assert dossier.code in desk.locator("h1").inner_text()
    desk.screenshot(path=str(ARTIFACTS / "backoffice-dossier-received.png"), full_page=True)
    act(desk, "forward")
    assert Dossier.objects.get().status == DossierStatus.IN_PROGRESS

    # The commune's inbox lists it; on a phone each cell is preceded by its column's name.
    specialist = signed_in(browser, base, "chuyenvien")
    assert dossier.code in specialist.locator("table.bo-inbox").inner_text()
    specialist.screenshot(path=str(ARTIFACTS / "backoffice-inbox.png"), full_page=True)
    specialist.set_viewport_size({"width": 390, "height": 844})
    applicant_label = specialist.evaluate(
        "getComputedStyle(document.querySelector('table.bo-inbox tbody td:nth-child(2)'), '::before').content"
    )
    assert applicant_label == '"Người nộp hồ sơ: "'
    specialist.screenshot(path=str(ARTIFACTS / "backoffice-inbox-390.png"), full_page=True)
    specialist.set_viewport_size({"width": 1280, "height": 900})

    # The specialist prepares the result (generated from the catalog) and submits for review.
    specialist.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    with specialist.expect_navigation():
        specialist.click("form:has(input[value=them-ket-qua]) button[type=submit]")
    assert ResultDocument.objects.filter(dossier=dossier, approved_at__isnull=True).count() == 1
    assert specialist.locator("#result-documents").is_visible()
    act(specialist, "forward")

    head = signed_in(browser, base, "truongphong")
    head.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    act(head, "forward")

    # The leader approves: the result document is approved with the dossier.
    leader = signed_in(browser, base, "lanhdao")
    leader.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    leader.screenshot(path=str(ARTIFACTS / "backoffice-approval.png"), full_page=True)
    act(leader, "approve")
    document = ResultDocument.objects.get(dossier=dossier)
    assert document.approved_at is not None and document.approved_by is not None

    # The desk finishes (result ready) and hands the result over at the counter.
    desk.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    act(desk, "finish")
    assert Dossier.objects.get().status == DossierStatus.FINISHED
    desk.check("input[name=tra-ket-qua-method][value=counter]")
    with desk.expect_navigation():
        desk.click("#return-form button[type=submit]")
    returned = Dossier.objects.get()
    assert returned.status == DossierStatus.RETURNED and returned.returned_at is not None
    desk.screenshot(path=str(ARTIFACTS / "backoffice-dossier-returned.png"), full_page=True)
    with desk.expect_download() as download:
        desk.locator("#result-documents a[download]").first.click()
    assert download.value.suggested_filename.startswith("ket-qua-")
