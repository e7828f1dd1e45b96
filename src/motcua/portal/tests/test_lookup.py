from __future__ import annotations

from typing import Any

from django.test import Client


def test_home_lists_fields_and_search(client: Client, catalog: Any) -> None:
    text = client.get("/").content.decode()
    assert 'name="q"' in text and "Hộ tịch" in text and "Xây dựng" in text


def test_search_page_finds_without_diacritics(client: Client, catalog: Any) -> None:
    for q in ("dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "khai sinh"):
        text = client.get("/thu-tuc/", {"q": q}).content.decode()
        assert "Đăng ký khai sinh" in text and "Đăng ký kết hôn" not in text, q


def test_search_page_filters_and_empty_result(client: Client, catalog: Any) -> None:
    text = client.get("/thu-tuc/", {"level": "province"}).content.decode()
    assert "Cấp giấy phép xây dựng công trình" in text and "Đăng ký khai sinh" not in text
    text = client.get("/thu-tuc/", {"q": "khong co thu tuc nay"}).content.decode()
    assert 'class="empty"' in text


def test_pagination(client: Client, catalog: Any, settings: Any) -> None:
    settings.MOTCUA_PAGE_SIZE = 2
    first = client.get("/thu-tuc/").content.decode()
    assert 'rel="next"' in first and "trang=2" in first
    second = client.get("/thu-tuc/", {"trang": 2}).content.decode()
    assert "Đăng ký khai sinh" in second and 'rel="prev"' in second
    assert client.get("/thu-tuc/", {"trang": "abc"}).status_code == 200


def test_procedure_page_has_what_an_applicant_needs(client: Client, catalog: Any) -> None:
    text = client.get("/thu-tuc/1.001193/").content.decode()
    for expected in (
        "Đăng ký khai sinh",
        "Tờ khai",
        "Nếu cha mẹ đã đăng ký kết hôn",
        "KQ.G15.000032",
        "Luật Hộ tịch 2014",
        "Ủy ban nhân dân cấp xã",
        "0,5",
        "Giấy khai sinh",
    ):
        assert expected in text, expected


def test_building_permit_page_shows_fee(client: Client, catalog: Any) -> None:
    text = client.get("/thu-tuc/9.000002/").content.decode()
    assert "150.000" in text and "Sở Xây dựng" in text


def test_template_download_is_an_attachment(client: Client, catalog: Any) -> None:
    from motcua.catalog.models import Component

    component = Component.objects.get(
        version__procedure__national_code="1.001193", code="TP1", version__status="published"
    )
    response = client.get(f"/thu-tuc/1.001193/mau/{component.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"PK\x03\x04 demo"  # type: ignore[attr-defined]
    other = Component.objects.get(version__procedure__national_code="1.001193", code="TP2")
    assert client.get(f"/thu-tuc/1.001193/mau/{other.pk}/").status_code == 404
    assert client.get(f"/thu-tuc/9.000001/mau/{component.pk}/").status_code == 404


def test_unknown_procedure_is_404(client: Client, catalog: Any) -> None:
    assert client.get("/thu-tuc/1.999999/").status_code == 404


def test_pages_do_not_need_login(client: Client, catalog: Any) -> None:
    for url in ("/", "/thu-tuc/", "/thu-tuc/1.001193/"):
        assert client.get(url).status_code == 200
