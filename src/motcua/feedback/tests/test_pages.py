"""The rating pages: the applicant's form (who, when, once, bad input, CSRF) and the back office's figures,
lists and Excel export (the permission matrix, the scope, what the tables and the workbook say)."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.audit.models import AccessLog
from motcua.dossiers.models import Dossier
from motcua.feedback.models import Rating
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from .conftest import all_scores, citizen_account, clone_dossiers, rate_directly, receive, vn

pytestmark = pytest.mark.django_db

MARCH = {"tu_ngay": "2026-03-01", "den_ngay": "2026-03-31"}
FIGURES = "/mot-cua/danh-gia/"
LIST = "/mot-cua/danh-gia/phieu/"
EXPORT = "/mot-cua/danh-gia/xuat-excel/"
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def rate_url(dossier: Dossier) -> str:
    return f"/ho-so-cua-toi/{dossier.code}/danh-gia/"


def form_data(scores: dict[str, Any], comment: str = "") -> dict[str, str]:
    return {**{code: str(value) for code, value in scores.items()}, "comment": comment}


# --- the applicant's page -------------------------------------------------------------------------------


def test_the_form_asks_nine_questions_with_the_record_preselected(
    client: Client, finished: Dossier, citizen: User
) -> None:
    client.force_login(citizen)
    response = client.get(rate_url(finished))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<fieldset") == 9 and page.count("<legend>") == 9
    assert "Attitude of the officers when guiding you" in page and "Caused trouble or harassed you" in page
    # Each answer is a labelled radio button; the on-time record pre-selects 2 points for question 1.
    assert re.search(r'<input type="radio" name="total_time" value="2"[^>]*checked', page)
    assert not re.search(r'<input type="radio" name="attitude" value="\d"[^>]*checked', page)
    assert 'for="id_attitude_0"' in page and 'aria-describedby="q-total_time-record"' in page
    assert page.count('name="attitude"') == 3


def test_a_rating_sent_from_the_page_shows_on_the_dossier(
    client: Client, finished: Dossier, citizen: User
) -> None:
    client.force_login(citizen)
    response = client.post(rate_url(finished), form_data(all_scores(2, attitude=1), "Tốt"), follow=True)
    assert response.redirect_chain[-1][0] == f"/ho-so-cua-toi/{finished.code}/"
    page = response.content.decode()
    assert "your rating (17 of 18 points) was recorded" in page
    assert "You rated this dossier: 17 points. Thank you." in page
    assert "Rate the handling of this dossier" not in page
    rating = Rating.objects.get()
    assert (rating.total, rating.comment, rating.rater) == (17, "Tốt", citizen)
    # The same form sent again changes nothing; the page no longer offers a form.
    again = client.post(rate_url(finished), form_data(all_scores(2, attitude=1), "Tốt"), follow=True)
    assert "was recorded" in again.content.decode() and Rating.objects.count() == 1
    other = client.post(rate_url(finished), form_data(all_scores(0)), follow=True)
    assert "was already rated on" in other.content.decode()
    assert Rating.objects.get().total == 17
    shown = client.get(rate_url(finished), follow=True)
    assert "You have already rated this dossier." in shown.content.decode()


def test_the_dossier_page_offers_the_rating_only_when_the_result_is_ready(
    client: Client,
    catalog: Any,
    org: dict[str, Agency],
    desk_officer: User,
    citizen: User,
    person: dict[str, Any],
    finished: Dossier,
) -> None:
    running = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    client.force_login(citizen)
    assert (
        "Rate the handling of this dossier" in client.get(f"/ho-so-cua-toi/{finished.code}/").content.decode()
    )
    assert "Rate the handling" not in client.get(f"/ho-so-cua-toi/{running.code}/").content.decode()
    early = client.get(rate_url(running))
    assert early.status_code == 200 and "once its result is ready" in early.content.decode()
    assert "<fieldset" not in early.content.decode()
    refused = client.post(rate_url(running), form_data(all_scores()))
    assert (
        refused.status_code == 400 and "it can be rated once its result is ready" in refused.content.decode()
    )
    assert not Rating.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({k: v for k, v in all_scores().items() if k != "online"}, "Choose one of the answers."),
        (all_scores(attitude=5), "Choose one of the answers."),
        ({**all_scores(), "attitude": "x"}, "Choose one of the answers."),
        ({**all_scores(), "comment": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_input_on_the_page_changes_nothing(
    client: Client, finished: Dossier, citizen: User, data: dict[str, Any], message: str
) -> None:
    client.force_login(citizen)
    response = client.post(rate_url(finished), {k: str(v) for k, v in data.items()})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Your rating was not recorded" in page and 'role="alert"' in page
    assert not Rating.objects.exists()


def test_who_may_open_the_rating_page(
    client: Client, finished: Dossier, citizen: User, desk_officer: User
) -> None:
    url = rate_url(finished)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
    assert client.post(url, form_data(all_scores())).status_code == 302
    client.force_login(desk_officer)
    assert client.get(url).status_code == 403
    client.force_login(citizen_account("0912000222", "024099054321"))
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(all_scores())).status_code == 404
    client.force_login(citizen)
    assert client.get("/ho-so-cua-toi/000.00.00.H24-260101-9999/danh-gia/").status_code == 404
    assert not Rating.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(finished: Dossier, citizen: User) -> None:
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.force_login(citizen)
    assert client.post(rate_url(finished), form_data(all_scores())).status_code == 403
    page = client.get(rate_url(finished))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    ok = client.post(rate_url(finished), {**form_data(all_scores()), "csrfmiddlewaretoken": token.group(1)})
    assert ok.status_code == 302 and Rating.objects.count() == 1


# --- the back office -----------------------------------------------------------------------------------


@pytest.fixture
def rated(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], citizen: User
) -> dict[str, Any]:
    """Three ratings of the commune (one "not satisfied"), one of the justice department, in March 2026."""
    template = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    specialist = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    justice_specialist = staff("justice-specialist", (org["justice_div"], Role.SPECIALIST))
    commune = clone_dossiers(template, 3)
    justice = clone_dossiers(template, 1, org["justice"])
    links = [(desk_officer, org["desk"], "receipt"), (specialist, org["commune"], "handling")]
    rate_directly(commune[:2], citizen, vn(2026, 3, 5, 10), links)
    rate_directly(commune[2:], citizen, vn(2026, 3, 6, 10), links, **dict.fromkeys(all_scores(), 0))
    Rating.objects.filter(dossier=commune[2]).update(comment="Phải đi lại nhiều lần")
    rate_directly(
        justice, citizen, vn(2026, 3, 7, 10), [(justice_specialist, org["justice_div"], "handling")]
    )
    return {"template": template, "commune": commune, "justice": justice, "specialist": specialist}


ALLOWED = {Role.HEAD_OF_DIVISION, Role.AGENCY_LEADER, Role.AGENCY_ADMIN, Role.PROVINCIAL_SUPERVISOR}


@pytest.mark.parametrize("role", list(Role))
def test_permission_matrix_of_the_back_office_pages_and_api(
    client: Client, rated: dict[str, Any], org: dict[str, Agency], role: Role
) -> None:
    user = staff(f"matrix-{role}", (org["commune"], role))
    client.force_login(user)
    expected = 200 if role in ALLOWED else 403
    for url in (FIGURES, LIST, EXPORT):
        assert client.get(url, MARCH).status_code == expected, (role, url)
    assert (
        client.get("/api/v1/ratings/figures", {"start": "2026-03-01", "end": "2026-03-31"}).status_code
        == expected
    )


def test_anonymous_citizens_and_superusers(client: Client, rated: dict[str, Any], citizen: User) -> None:
    for url in (FIGURES, LIST, EXPORT):
        response = client.get(url, MARCH)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"], url
    assert client.get("/api/v1/ratings/figures").status_code == 401
    client.force_login(citizen)
    for url in (FIGURES, LIST, EXPORT):
        assert client.get(url, MARCH).status_code == 403, url
    assert client.get("/api/v1/ratings/figures").status_code == 403
    client.force_login(User.objects.create_superuser("root", "root@example.vn", "pw-Test-123456"))
    page = client.get(FIGURES, MARCH).content.decode()
    assert "Ủy ban nhân dân phường Bắc Giang" in page and "Sở Tư pháp" in page


def test_the_figures_page_shows_bands_and_links_to_the_ratings(
    client: Client, rated: dict[str, Any], org: dict[str, Agency]
) -> None:
    leader = staff("commune-leader-2", (org["commune"], Role.AGENCY_LEADER))
    client.force_login(leader)
    response = client.get(FIGURES, MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    # Commune: 18, 18, 0 → 12.00, "Good"; the justice department is outside the leader's scope.
    assert "Ủy ban nhân dân phường Bắc Giang" in page and "Sở Tư pháp" not in page
    assert "12.00" in page and '<span class="badge band-good">Good</span>' in page
    assert 'aria-current="page"' in page and ">Ratings</a>" in page
    link = f'href="/mot-cua/danh-gia/phieu/?co_quan={org["commune"].pk}&amp;tu_ngay=2026-03-01&amp;den_ngay=2026-03-31"'
    assert link in page
    # Officers: the desk officer and the specialist, 2 of 3 ratings with all duties done.
    assert "desk-officer" in page and "commune-specialist" in page and "66.7%" in page
    assert "justice-specialist" not in page
    listing = client.get(LIST, {"co_quan": str(org["commune"].pk), **MARCH}).content.decode()
    assert listing.count("<tr>") == 4  # the header and three ratings
    assert "Phải đi lại nhiều lần" in listing and rated["commune"][2].code in listing
    officer_list = client.get(LIST, {"can_bo": str(rated["specialist"].pk), **MARCH}).content.decode()
    assert "Ratings concerning commune-specialist" in officer_list and officer_list.count("<tr>") == 4


def test_scope_and_bad_filters(client: Client, rated: dict[str, Any], org: dict[str, Agency]) -> None:
    leader = staff("commune-leader-2", (org["commune"], Role.AGENCY_LEADER))
    justice_officer = User.objects.get(username="justice-specialist")
    client.force_login(leader)
    assert client.get(FIGURES, {"co_quan": str(org["justice"].pk), **MARCH}).status_code == 404
    assert client.get(LIST, {"co_quan": str(org["justice"].pk), **MARCH}).status_code == 404
    assert client.get(LIST, {"can_bo": str(justice_officer.pk), **MARCH}).status_code == 404
    assert client.get(EXPORT, {"co_quan": str(org["justice"].pk), **MARCH}).status_code == 404
    assert client.get(FIGURES, {"co_quan": "abc", **MARCH}).status_code == 404
    assert client.get(LIST, {"sau": "not-a-cursor", **MARCH}).status_code == 404
    backwards = client.get(FIGURES, {"tu_ngay": "2026-03-31", "den_ngay": "2026-03-01"})
    assert backwards.status_code == 400
    assert "The end date must not be before the start date." in backwards.content.decode()
    wrong = client.get(FIGURES, {"tu_ngay": "31/13/2026", "den_ngay": "2026-03-01"})
    assert wrong.status_code == 400 and "Enter a valid date" in wrong.content.decode()
    assert client.get(EXPORT, {"tu_ngay": "2026-03-31", "den_ngay": "2026-03-01"}).status_code == 400


def test_the_list_pages_by_keyset(client: Client, rated: dict[str, Any], org: dict[str, Agency]) -> None:
    from motcua.feedback import views

    leader = staff("commune-leader-2", (org["commune"], Role.AGENCY_LEADER))
    client.force_login(leader)
    views.PAGE_SIZE, size = 2, views.PAGE_SIZE
    try:
        first = client.get(LIST, {"co_quan": str(org["commune"].pk), **MARCH}).content.decode()
        cursor = re.search(r'href="\?([^"]*sau=[^"]+)" rel="next"', first)
        assert cursor is not None and first.count("<tr>") == 3
        second = client.get(f"{LIST}?{cursor.group(1).replace('&amp;', '&')}").content.decode()
        assert second.count("<tr>") == 2 and 'rel="next"' not in second
        codes = set(re.findall(r'class="code" href="/mot-cua/ho-so/([^/]+)/"', first + second))
        assert codes == {d.code for d in rated["commune"]}
    finally:
        views.PAGE_SIZE = size


def test_the_figures_page_needs_the_same_queries_for_few_or_many_ratings(
    client: Client, rated: dict[str, Any], org: dict[str, Agency], citizen: User
) -> None:
    leader = staff("commune-leader-2", (org["commune"], Role.AGENCY_LEADER))
    client.force_login(leader)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, MARCH).status_code == 200
        return len(captured)

    queries(FIGURES)  # what a process reads once (the menu's receiving units) is read here
    before = {url: queries(url) for url in (FIGURES, LIST, EXPORT)}
    more = clone_dossiers(rated["template"], 30, org["commune"])
    rate_directly(
        more, citizen, vn(2026, 3, 9), [(User.objects.get(username="desk-officer"), org["desk"], "receipt")]
    )
    assert {url: queries(url) for url in (FIGURES, LIST, EXPORT)} == before


def xlsx_sheets(content: bytes) -> dict[str, list[list[str]]]:
    """Every sheet's rows as text, by sheet name (inline strings, as constant-memory mode writes them)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        names = [sheet.get("name", "") for sheet in book.iter(f"{SHEET}sheet")]
        sheets: dict[str, list[list[str]]] = {}
        for number, name in enumerate(names, start=1):
            root = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{number}.xml"))
            rows = []
            for row in root.iter(f"{SHEET}row"):
                cells = []
                for cell in row.iter(f"{SHEET}c"):
                    if cell.get("t") == "inlineStr":
                        cells.append("".join(t.text or "" for t in cell.iter(f"{SHEET}t")))
                    else:
                        value = cell.find(f"{SHEET}v")
                        cells.append(value.text or "" if value is not None else "")
                rows.append(cells)
            sheets[name] = rows
    return sheets


def test_the_excel_export(client: Client, rated: dict[str, Any], org: dict[str, Agency]) -> None:
    supervisor = staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR))
    client.force_login(supervisor)
    response = client.get(EXPORT, MARCH)
    assert response.status_code == 200
    assert 'filename="danh-gia-20260301-20260331.xlsx"' in response["Content-Disposition"]
    sheets = xlsx_sheets(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert list(sheets) == ["Agencies", "Officers", "Ratings", "Indices"]
    agencies = sheets["Agencies"]
    assert agencies[0] == ["Satisfaction ratings per agency (TT 01/2018)"]
    assert agencies[1] == ["All agencies — 01/03/2026 – 31/03/2026"]
    assert agencies[2][:5] == ["Agency", "Ratings", "Average total (of 18)", "Band", "Not satisfied"]
    rows = {row[0]: row for row in agencies[3:]}
    assert rows["Ủy ban nhân dân phường Bắc Giang"][1:5] == ["3", "12", "Good", "1"]
    assert rows["Sở Tư pháp"][1:4] == ["1", "18", "Excellent"]
    officers = {row[0]: row for row in sheets["Officers"][3:]}
    assert officers["commune-specialist"][1:3] == ["Ủy ban nhân dân phường Bắc Giang", "3"]
    assert officers["commune-specialist"][5:7] == ["2", "66.7"]
    ratings = sheets["Ratings"][3:]
    assert len(ratings) == 4
    assert {row[1] for row in ratings} == {d.code for d in rated["commune"] + rated["justice"]}
    assert any(row[-1] == "Phải đi lại nhiều lần" and row[-2] == "0" for row in ratings)
    assert sheets["Indices"][2][1].startswith("Total time taken to settle the procedure")
    log = AccessLog.objects.get(object_type="ratings")
    assert log.user == supervisor and "xlsx" in log.detail


def test_the_back_office_pages_speak_vietnamese(
    client: Client, rated: dict[str, Any], org: dict[str, Agency]
) -> None:
    vietnamese = Client(headers={"accept-language": "vi"})
    vietnamese.force_login(staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR)))
    page = vietnamese.get(FIGURES, MARCH).content.decode()
    assert "Đánh giá mức độ hài lòng" in page and "Xuất sắc" in page and "Tốt" in page
    assert "Theo cơ quan" in page and "Theo cán bộ" in page
