"""Who may use the screens: anonymous users log in first; an officer of another unit learns nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from motcua.accounts.models import User
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from .conftest import receive, vn


@pytest.fixture
def dossier_urls(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> list[str]:
    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    attachment = dossier.attachments.get()
    base = f"/mot-cua/ho-so/{dossier.code}/"
    return [base, f"{base}tep/{attachment.pk}/", f"{base}mau-01.pdf"]


def test_anonymous_users_are_sent_to_login(client: Client, dossier_urls: list[str]) -> None:
    for path in ["/mot-cua/", "/mot-cua/tiep-nhan/", "/mot-cua/ho-so/", *dossier_urls]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/dang-nhap/?next="), path
    assert client.post(dossier_urls[0], {"hanh_dong": "tu-choi"}).status_code == 302


def test_another_units_officer_gets_404(
    client: Client, dossier_urls: list[str], center_officer: User, org: dict[str, Agency]
) -> None:
    client.force_login(center_officer)
    for path in dossier_urls:
        assert client.get(path).status_code == 404, path
    assert client.post(dossier_urls[0], {"hanh_dong": "tu-choi", "tu-choi-reason": "x"}).status_code == 404
    # Their inbox does not list it either.
    assert "/mot-cua/ho-so/0" not in client.get("/mot-cua/ho-so/").content.decode()
    # A user with no role at all may not open the inbox.
    nobody = staff("nobody")
    client.force_login(nobody)
    assert client.get("/mot-cua/ho-so/").status_code == 403
    assert client.get(dossier_urls[0]).status_code == 404


def test_competent_agency_sees_and_acts_monitor_only_sees(
    client: Client, dossier_urls: list[str], org: dict[str, Agency]
) -> None:
    specialist = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    client.force_login(specialist)
    page = client.get(dossier_urls[0]).content.decode()
    assert "Refuse the dossier" in page
    supervisor = staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR))
    client.force_login(supervisor)
    page = client.get(dossier_urls[0]).content.decode()
    assert "You may view this dossier but not act on it." in page
    assert client.post(dossier_urls[0], {"hanh_dong": "tu-choi", "tu-choi-reason": "x"}).status_code == 403


def test_views_of_personal_data_are_logged(desk_client: Client, dossier_urls: list[str]) -> None:
    from motcua.audit.models import AccessLog

    for path in dossier_urls:
        assert desk_client.get(path).status_code == 200, path
    logged = list(AccessLog.objects.values_list("channel", "action", "user__username"))
    assert logged.count(("web", "view", "desk-officer")) == 1
    assert ("web", "download", "desk-officer") in logged and ("web", "print", "desk-officer") in logged


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the view record is sent ahead of its answer on PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
def test_dossier_page_view_is_committed_while_the_page_renders(
    desk_client: Client, dossier_urls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from motcua.audit import services
    from motcua.audit.models import AccessLog

    early: list[str] = []
    before_query = services._PendingRecord.before_query

    def spy(self: Any, execute: Any, sql: str, *args: Any) -> Any:
        early.append(sql)
        return before_query(self, execute, sql, *args)

    # What a process reads once (the menu's receiving units) is read by a first page.
    assert desk_client.get(dossier_urls[0]).status_code == 200
    monkeypatch.setattr(services._PendingRecord, "before_query", spy)
    page = desk_client.get(dossier_urls[0])
    assert page.status_code == 200
    # Committed (this test runs in autocommit), and the page read nothing more after sending it.
    assert (
        list(AccessLog.objects.values_list("channel", "action", "user__username"))
        == [("web", "view", "desk-officer")] * 2
    )
    assert early == []


def test_supplement_and_refusal_slips(
    desk_client: Client, catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    import io

    from pypdf import PdfReader

    from motcua.dossiers.services import dossier_refuse, dossier_supplement_request

    def text(response: Any) -> str:
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.content))
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())

    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    base = f"/mot-cua/ho-so/{dossier.code}/"
    assert desk_client.get(base + "mau-02.pdf").status_code == 404  # no request yet
    assert desk_client.get(base + "mau-03.pdf").status_code == 404  # not refused
    dossier_supplement_request(
        dossier, desk_officer, ["Giấy chứng sinh", "Sổ hộ khẩu"], "Thiếu giấy tờ", now=vn(2026, 3, 2, 10)
    )
    slip = text(desk_client.get(base + "mau-02.pdf"))
    assert (
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in slip
        and "Giấy chứng sinh" in slip
        and "Sổ hộ khẩu" in slip
    )
    assert dossier.code in slip
    dossier.refresh_from_db()
    dossier_refuse(dossier, desk_officer, "Không thuộc thẩm quyền giải quyết")
    slip = text(desk_client.get(base + "mau-03.pdf"))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in slip and "Không thuộc thẩm quyền giải quyết" in slip


def test_every_back_office_page_needs_a_login(db: None, client: Any) -> None:
    """A view added without ``login_required`` (or lost in a merge) is caught here."""
    from django.urls import URLPattern, reverse

    from motcua.backoffice.urls import urlpatterns

    samples = {
        "code": "000.00.01.H24-260302-0001",
        "attachment_id": 1,
        "document_id": 1,
        "decision_id": 1,
        "pk": 1,
        "file_id": 1,
    }
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        arguments = {name: samples[name] for name in pattern.pattern.regex.groupindex}
        url = reverse(f"backoffice:{pattern.name}", kwargs=arguments)
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next="), url


def test_an_applicant_account_opens_no_back_office_page(db: None, client: Any) -> None:
    """Citizens and organisations log in on the same page as officers: none of the officers' pages, nor the
    officers' data behind them, is theirs (no role, so no capability; any page that forgot to ask is caught)."""
    from django.urls import URLPattern, reverse
    from django.utils import timezone

    from motcua.accounts.models import AccountKind, User
    from motcua.backoffice.urls import urlpatterns

    applicant = User.objects.create_user(
        "congdan",
        password="pw-Test-123456",
        kind=AccountKind.CITIZEN,
        full_name="Nguyễn Văn An",
        id_number="024099012345",
        id_verified_at=timezone.now(),
    )
    client.force_login(applicant)
    samples = {"code": "000.00.01.H24-260302-0001", "attachment_id": 1, "document_id": 1, "decision_id": 1}
    samples.update({"pk": 1, "file_id": 1})
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        arguments = {name: samples[name] for name in pattern.pattern.regex.groupindex}
        url = reverse(f"backoffice:{pattern.name}", kwargs=arguments)
        response = client.get(url, follow=True)
        assert response.status_code in (403, 404, 405), (url, response.redirect_chain, response.status_code)


def test_every_menu_entry_opens_for_every_role(client: Client, catalog: Any, org: dict[str, Agency]) -> None:
    """The menu shows an entry only to officers its page lets in, and /mot-cua/ lands each on a page they
    may open (a catalog administrator has no inbox)."""
    import re

    checked = 0
    for role in Role:
        for place in ("ubnd", "center", "justice", "commune", "desk"):
            officer = staff(f"{role.value}-{place}", (org[place], role))
            client.force_login(officer)
            landing = client.get("/mot-cua/", follow=True)
            if landing.status_code == 403:
                continue
            assert landing.status_code == 200, (role, place)
            html = landing.content.decode()
            menu = re.search(r'<nav class="bo-nav".*?</nav>', html, re.S)
            assert menu is not None, (role, place)
            for link in re.findall(r'href="([^"]+)"', menu.group(0)):
                assert client.get(link).status_code in (200, 302), (role, place, link)
                checked += 1
    assert checked > 50
