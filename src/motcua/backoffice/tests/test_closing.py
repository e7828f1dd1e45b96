"""The dossier page's closing work: result documents, the leader's approval, finishing, returning, the
apology (Mẫu 04) and withdrawal; and the counter's two outcomes that receive no dossier (Mẫu 02/03)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.models import Result
from motcua.dossiers.models import CounterDecision, Dossier, DossierStatus, ResultDocument
from motcua.org.models import Agency, Role
from motcua.workdays.selectors import working_calendar
from tests.fixtures import staff

from .conftest import receive, vn


def lock_of(page: str, prefix: str) -> str:
    found = re.search(rf'name="{prefix}-lock_version" value="(\d+)"', page)
    assert found is not None, f"no {prefix} form on the page"
    return found.group(1)


def page_of(client: Client, dossier: Dossier) -> str:
    response = client.get(f"/mot-cua/ho-so/{dossier.code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_result_prepared_approved_finished_and_returned_from_the_page(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], client: Client
) -> None:
    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    specialist = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    leader = staff("commune-leader", (org["commune"], Role.AGENCY_LEADER))
    url = f"/mot-cua/ho-so/{dossier.code}/"

    client.force_login(specialist)
    page = page_of(client, dossier)
    assert "Add the result document" in page and "No result document yet." in page
    # Finishing before there is a result is refused with the reason.
    refused = client.post(
        url, {"hanh_dong": "hoan-thanh", "hoan-thanh-lock_version": lock_of(page, "hoan-thanh")}
    )
    assert refused.status_code == 400 and "has no result document" in refused.content.decode()
    result = Result.objects.get(version=dossier.procedure_version)
    added = client.post(
        url,
        {
            "hanh_dong": "them-ket-qua",
            "them-ket-qua-result": str(result.pk),
            "them-ket-qua-lock_version": lock_of(page, "them-ket-qua"),
        },
        follow=True,
    )
    assert "awaits the leader&#39;s approval" in added.content.decode()
    document = ResultDocument.objects.get(dossier=dossier)
    assert "awaiting approval" in added.content.decode()
    assert "Approve the result documents" not in added.content.decode()  # a specialist does not approve
    download = client.get(f"{url}ket-qua/{document.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.getvalue().startswith(b"%PDF-")

    client.force_login(leader)
    page = page_of(client, dossier)
    approved = client.post(
        url,
        {"hanh_dong": "duyet-ket-qua", "duyet-ket-qua-lock_version": lock_of(page, "duyet-ket-qua")},
        follow=True,
    )
    assert f"Approved: {document.number}." in approved.content.decode()
    document.refresh_from_db()
    assert document.approved_by == leader

    client.force_login(specialist)
    page = page_of(client, dossier)
    finished = client.post(
        url, {"hanh_dong": "hoan-thanh", "hoan-thanh-lock_version": lock_of(page, "hoan-thanh")}, follow=True
    )
    assert "The result is ready" in finished.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.FINISHED

    client.force_login(desk_officer)
    page = page_of(client, dossier)
    assert "Return the result" in page
    missing = client.post(
        url,
        {
            "hanh_dong": "tra-ket-qua",
            "tra-ket-qua-method": "post",
            "tra-ket-qua-lock_version": lock_of(page, "tra-ket-qua"),
        },
    )
    assert missing.status_code == 400 and "postal item number" in missing.content.decode()
    returned = client.post(
        url,
        {
            "hanh_dong": "tra-ket-qua",
            "tra-ket-qua-method": "counter",
            "tra-ket-qua-receiver": "Nguyễn Văn Bình (ủy quyền)",
            "tra-ket-qua-lock_version": lock_of(page, "tra-ket-qua"),
        },
        follow=True,
    )
    assert "The result is returned" in returned.content.decode()
    closed = Dossier.objects.get(pk=dossier.pk)
    assert closed.status == DossierStatus.RETURNED
    assert closed.events.get(action="returned").data["receiver"] == "Nguyễn Văn Bình (ủy quyền)"

    # Someone of another unit sees neither the dossier nor its result.
    outsider = staff("center-officer", (org["center"], Role.RECEPTION_OFFICER))
    client.force_login(outsider)
    assert client.get(f"{url}ket-qua/{document.pk}/").status_code == 404


def test_apology_from_the_page_and_its_slip(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], client: Client
) -> None:
    dossier = receive(desk_officer, org["desk"], person, timezone.now())
    specialist = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    client.force_login(specialist)
    url = f"/mot-cua/ho-so/{dossier.code}/"
    page = page_of(client, dossier)
    assert "Apologise and set a new date (Mẫu 04)" in page
    assert client.get(f"{url}mau-04.pdf").status_code == 404  # no apology yet
    calendar = working_calendar()
    due_day = timezone.localtime(dossier.due_at).date()
    rest_day = next(
        due_day + timedelta(days=n)
        for n in range(1, 15)
        if not calendar.is_working_day(due_day + timedelta(days=n))
    )
    work_day = calendar.next_working_day(due_day + timedelta(days=2))
    bad = client.post(
        url,
        {
            "hanh_dong": "xin-loi",
            "xin-loi-reason": "Chờ xác minh",
            "xin-loi-new_date": rest_day.isoformat(),
            "xin-loi-lock_version": lock_of(page, "xin-loi"),
        },
    )
    assert bad.status_code == 400 and "is not a working day" in bad.content.decode()
    good = client.post(
        url,
        {
            "hanh_dong": "xin-loi",
            "xin-loi-reason": "Chờ xác minh",
            "xin-loi-new_date": work_day.isoformat(),
            "xin-loi-lock_version": lock_of(page, "xin-loi"),
        },
        follow=True,
    )
    content = good.content.decode()
    assert "Apology issued (Mẫu 04)" in content and "Apology (Mẫu 04, PDF)" in content
    assert "new date after an apology" in content
    assert "Apologise and set a new date" not in content  # only once
    updated = Dossier.objects.get(pk=dossier.pk)
    assert (
        timezone.localtime(updated.due_at).date() == work_day and updated.due_before_apology == dossier.due_at
    )
    slip = client.get(f"{url}mau-04.pdf")
    assert slip.status_code == 200 and slip.content.startswith(b"%PDF-")


def test_withdrawal_from_the_page(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], desk_client: Client
) -> None:
    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    url = f"/mot-cua/ho-so/{dossier.code}/"
    page = page_of(desk_client, dossier)
    response = desk_client.post(
        url,
        {
            "hanh_dong": "rut-ho-so",
            "rut-ho-so-reason": "Đơn rút hồ sơ",
            "rut-ho-so-lock_version": lock_of(page, "rut-ho-so"),
        },
        follow=True,
    )
    assert "withdrawn at the applicant" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.WITHDRAWN
    assert "The handling of this dossier is over." in response.content.decode()


def test_the_counter_asks_for_completion_or_refuses_without_receiving(
    catalog: Any, org: dict[str, Agency], desk_client: Client, client: Client
) -> None:
    page = desk_client.get("/mot-cua/tiep-nhan/?q=kết hôn").content.decode()
    version_id = re.search(r"thu_tuc=(\d+)", page)
    assert version_id is not None
    url = f"/mot-cua/tiep-nhan/?thu_tuc={version_id.group(1)}"
    form = desk_client.get(url).content.decode()
    assert "Incomplete: ask for completion (Mẫu 02)" in form and "Not eligible: refuse (Mẫu 03)" in form
    nonce = re.search(r'name="nonce" value="([^"]+)"', form)
    assert nonce is not None
    data = {
        "kind": "person",
        "full_name": "",
        "channel": "counter",
        "nonce": nonce.group(1),
        "ket_qua": "bo-sung",
    }
    # The applicant's name and the missing items are needed; nothing is written without them.
    empty = desk_client.post(url, data)
    assert empty.status_code == 200 and "The applicant&#39;s name is required." in empty.content.decode()
    assert not CounterDecision.objects.exists()
    data.update({"full_name": "Lê Văn Cường", "missing_items": "Giấy chứng sinh\nBản sao CCCD của mẹ"})
    issued = desk_client.post(url, data, follow=True)
    decision = CounterDecision.objects.get()
    assert decision.missing_items == ["Giấy chứng sinh", "Bản sao CCCD của mẹ"]
    content = issued.content.decode()
    assert (
        f"Mẫu 02 {decision.number} issued" in content
        and f"/mot-cua/tiep-nhan/phieu/{decision.pk}.pdf" in content
    )
    # The same form sent again shows the same slip.
    desk_client.post(url, data)
    assert CounterDecision.objects.count() == 1 and not Dossier.objects.exists()
    slip = desk_client.get(f"/mot-cua/tiep-nhan/phieu/{decision.pk}.pdf")
    assert slip.status_code == 200 and slip.content.startswith(b"%PDF-")

    outsider = staff("center-officer", (org["center"], Role.RECEPTION_OFFICER))
    client.force_login(outsider)
    assert client.get(f"/mot-cua/tiep-nhan/phieu/{decision.pk}.pdf").status_code == 404


def test_pdf_and_image_files_are_viewable_inline(
    catalog: Any,
    org: dict[str, Agency],
    desk_officer: User,
    person: dict[str, Any],
    desk_client: Client,
    client: Client,
) -> None:
    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    attachment = dossier.attachments.get()
    page = page_of(desk_client, dossier)
    view_url = f"/mot-cua/ho-so/{dossier.code}/tep/{attachment.pk}/xem/"
    assert view_url in page and 'name="viewer-frame"' in page
    shown = desk_client.get(view_url)
    assert shown.status_code == 200 and shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"] == "inline" and shown["X-Frame-Options"] == "SAMEORIGIN"
    assert shown["X-Content-Type-Options"] == "nosniff"
    # A type the browser would run or render as a page is never shown inline.
    attachment.content_type = "text/html"
    attachment.save(update_fields=["content_type"])
    assert desk_client.get(view_url).status_code == 404
    outsider = staff("center-officer", (org["center"], Role.RECEPTION_OFFICER))
    client.force_login(outsider)
    assert client.get(view_url).status_code == 404
