from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog import selectors
from motcua.catalog.transfer import catalog_import
from motcua.core.text import fold
from tests.fixtures import SAMPLE_CATALOG, _version


def names(q: str = "", **filters: Any) -> list[str]:
    return [v.name for v in selectors.published_versions(selectors.ProcedureFilters(q=q, **filters))]


def test_fold_handles_d_with_stroke_and_marks() -> None:
    assert fold("ĐĂNG KÝ KHAI SINH") == "dang ky khai sinh"
    assert fold("Đăng ký  khai-sinh!") == "dang ky khai sinh"
    assert fold("Chứng thực bản sao") == "chung thuc ban sao"


@pytest.mark.parametrize(
    "query",
    ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "khai sinh", "Đăng ký khai sinh", "KHAI   sinh", "1.001193"],
)
def test_search_ignores_diacritics_and_case(catalog: Any, query: str) -> None:
    assert names(query) == ["Đăng ký khai sinh"]


def test_search_short_terms_and_multiple_words(catalog: Any) -> None:
    assert names("dang ky") == ["Đăng ký kết hôn", "Đăng ký khai sinh"]
    assert names("ket hon") == ["Đăng ký kết hôn"]
    assert names("giay phep xay dung") == ["Cấp giấy phép xây dựng công trình"]
    assert names("xay dung khai sinh") == []
    assert names("   ") == names()


def test_search_finds_by_field_name(catalog: Any) -> None:
    assert names("ho tich") == ["Đăng ký kết hôn", "Đăng ký khai sinh"]


def test_filters(catalog: Any) -> None:
    assert names(field="G10-XD01") == ["Cấp giấy phép xây dựng công trình"]
    assert names(level="province") == ["Cấp giấy phép xây dựng công trình"]
    assert names(level="commune") == ["Đăng ký kết hôn", "Đăng ký khai sinh"]
    assert names(agency="000.00.13.H24") == ["Cấp giấy phép xây dựng công trình"]
    assert names(online_level="partial") == ["Cấp giấy phép xây dựng công trình", "Đăng ký kết hôn"]
    assert names("dang ky", online_level="full") == ["Đăng ký khai sinh"]
    assert names(province="24") == names() and names(province="01") == []


def test_only_published_versions_are_listed(catalog: Any) -> None:
    # The archived first version of the building permit is not listed; only version 2 is.
    versions = list(selectors.published_versions(selectors.ProcedureFilters(q="xay dung")))
    assert [v.number for v in versions] == [2]


def _many(n: int) -> dict[str, Any]:
    data = json.loads(json.dumps(SAMPLE_CATALOG))
    data["procedures"] = [
        {
            "national_code": f"8.{i:06d}",
            "is_sample_code": True,
            "owner_agency": "000.00.12.H24",
            "versions": [_version(f"Thủ tục mẫu số {i} về hộ tịch", "G15-HT01")],
        }
        for i in range(n)
    ]
    return data


def test_query_count_does_not_grow_with_rows(org: Any, client: Any) -> None:
    catalog_import(json.dumps(_many(5)))
    with CaptureQueriesContext(connection) as few:
        assert client.get("/thu-tuc/", {"q": "ho tich"}).status_code == 200
    catalog_import(json.dumps(_many(45)))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/thu-tuc/", {"q": "ho tich"})
    assert response.status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as api_queries:
        assert client.get("/api/v1/procedures", {"q": "ho tich", "page_size": 40}).json()["count"] == 45
    assert len(api_queries) <= 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm index exists on PostgreSQL only")
def test_postgresql_trigram_index_exists(catalog: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'catalog_version_search_trgm'")
        row = cursor.fetchone()
    assert row is not None and "gin_trgm_ops" in row[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table exists on SQLite only")
def test_sqlite_fts_follows_updates(catalog: Any) -> None:
    from motcua.catalog.models import ProcedureVersion

    ProcedureVersion.objects.filter(name="Đăng ký khai sinh").update(search_text="giay chung sinh")
    assert names("khai sinh") == []
    assert names("chung sinh") == ["Đăng ký khai sinh"]
