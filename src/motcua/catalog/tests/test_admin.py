"""The catalog admin as agency administrators use it: scoped lists, read-only published versions, new drafts."""

from __future__ import annotations

from typing import Any

from django.test import Client

from motcua.catalog.models import Procedure, ProcedureVersion, VersionStatus
from motcua.org.models import Agency, Role
from tests.fixtures import staff


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_agency_admin_sees_only_own_procedures(client: Client, org: dict[str, Agency], catalog: Any) -> None:
    login(client, staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    page = client.get("/quan-tri/catalog/procedure/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "1.001193" in text and "9.000001" in text and "9.000002" not in text
    other = Procedure.objects.get(national_code="9.000002")
    assert client.get(f"/quan-tri/catalog/procedure/{other.pk}/change/").status_code in (302, 404)
    assert client.get(
        f"/quan-tri/catalog/procedureversion/{other.current_version_id}/change/"
    ).status_code in (302, 404)


def test_supervisor_reads_all_but_edits_nothing(client: Client, org: dict[str, Agency], catalog: Any) -> None:
    login(client, staff("gs", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR)))
    text = client.get("/quan-tri/catalog/procedure/").content.decode()
    assert "9.000002" in text and "1.001193" in text
    draft_url = f"/quan-tri/catalog/procedureversion/{Procedure.objects.get(national_code='1.001193').current_version_id}/new-draft/"
    client.post(draft_url)
    assert not ProcedureVersion.objects.filter(status=VersionStatus.DRAFT).exists()


def test_officer_without_catalog_role_has_no_catalog_admin(
    client: Client, org: dict[str, Agency], catalog: Any
) -> None:
    login(client, staff("tn", (org["center"], Role.RECEPTION_OFFICER)))
    assert client.get("/quan-tri/catalog/procedure/").status_code == 200  # may read (catalog_view)
    assert client.get("/quan-tri/catalog/procedure/add/").status_code == 403


def test_edit_published_creates_new_version_then_publish(
    client: Client, org: dict[str, Agency], catalog: Any
) -> None:
    login(client, staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    procedure = Procedure.objects.get(national_code="1.001193")
    published = procedure.current_version
    assert published is not None
    page = client.get(f"/quan-tri/catalog/procedureversion/{published.pk}/change/").content.decode()
    assert "new-draft" in page and 'name="name"' not in page  # read-only, with the "edit" button
    response = client.post(f"/quan-tri/catalog/procedureversion/{published.pk}/new-draft/")
    draft = ProcedureVersion.objects.get(procedure=procedure, status=VersionStatus.DRAFT)
    assert response["Location"].endswith(f"/procedureversion/{draft.pk}/change/")
    assert 'name="name"' in client.get(response["Location"]).content.decode()
    client.post(f"/quan-tri/catalog/procedureversion/{draft.pk}/publish/")
    procedure.refresh_from_db()
    assert procedure.current_version_id == draft.pk
    published.refresh_from_db()
    assert published.status == VersionStatus.ARCHIVED


def test_admin_pages_render_in_vietnamese(client: Client, org: dict[str, Agency], catalog: Any) -> None:
    login(client, staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    text = client.get("/quan-tri/catalog/procedureversion/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Phiên bản thủ tục" in text


def test_import_page_all_or_nothing(client: Client, org: dict[str, Agency], catalog_data: Any) -> None:
    import io
    import json
    import zipfile

    from motcua.accounts.models import User

    login(client, User.objects.create_superuser("root", "r@x.vn", "pw-Test-123456"))
    bad = json.loads(json.dumps(catalog_data))
    bad["procedures"][2]["owner_agency"] = "000.00.77.H24"
    upload = io.BytesIO(json.dumps(bad).encode())
    upload.name = "catalog.json"
    text = client.post("/quan-tri/catalog/procedure/import/", {"file": upload}).content.decode()
    assert "000.00.77.H24" in text and not Procedure.objects.exists()

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../to-khai.docx", b"PK template")
    archive.seek(0)
    archive.name = "templates.zip"
    good = io.BytesIO(json.dumps(catalog_data).encode())
    good.name = "catalog.json"
    response = client.post("/quan-tri/catalog/procedure/import/", {"file": good, "templates": archive})
    assert response.status_code == 200 and Procedure.objects.count() == 3
    component = ProcedureVersion.objects.get(procedure__national_code="1.001193").components.get(code="TP1")
    assert component.template.read() == b"PK template" and ".." not in str(component.template.name)

    exported = client.get("/quan-tri/catalog/procedure/export.json", {"province": "24"})
    assert exported["Content-Disposition"].startswith("attachment;")
    assert len(json.loads(exported.content)["procedures"]) == 3
    csv_text = client.get("/quan-tri/catalog/procedure/export.csv").content.decode("utf-8-sig")
    assert csv_text.count("\n") == 4


def test_import_page_is_for_global_administrators(client: Client, org: dict[str, Agency]) -> None:
    login(client, staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    assert client.get("/quan-tri/catalog/procedure/import/").status_code == 403
    assert client.get("/quan-tri/catalog/procedure/export.json", {"province": "24"}).status_code == 403


def test_csv_update_page(client: Client, org: dict[str, Agency], catalog: Any) -> None:
    import io

    login(client, staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    exported = client.get("/quan-tri/catalog/procedure/export.csv").content.decode("utf-8-sig")
    assert "9.000002" not in exported  # only the agency's own procedures
    upload = io.BytesIO(exported.replace("Đăng ký kết hôn", "Đăng ký kết hôn (mới)").encode("utf-8-sig"))
    upload.name = "list.csv"
    response = client.post("/quan-tri/catalog/procedure/import-csv/", {"file": upload})
    assert response.status_code == 200
    assert ProcedureVersion.objects.get(status=VersionStatus.DRAFT).name == "Đăng ký kết hôn (mới)"
    login(client, staff("tn", (org["center"], Role.RECEPTION_OFFICER)))
    assert client.get("/quan-tri/catalog/procedure/import-csv/").status_code == 403


def test_login_page_and_index_for_anonymous_and_staff(client: Client, org: dict[str, Agency]) -> None:
    assert client.get("/quan-tri/login/").status_code == 200
    assert client.get("/quan-tri/").status_code == 302
    login(client, staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    text = client.get("/quan-tri/").content.decode()
    assert "Thủ tục" in text or "thủ tục" in text


def test_add_procedure_in_admin_then_first_version(
    client: Client, org: dict[str, Agency], catalog: Any
) -> None:
    from motcua.catalog.models import Field

    login(client, staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    province = org["justice"].admin_unit
    response = client.post(
        "/quan-tri/catalog/procedure/add/",
        {
            "province": province.pk,
            "national_code": "9.123456",
            "is_sample_code": "on",
            "local_code": "",
            "owner_agency": org["justice"].pk,
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
        },
    )
    procedure = Procedure.objects.get(national_code="9.123456")
    assert procedure.local_code == "9.123456.000.00.12.H24"
    assert response["Location"].endswith(f"/procedureversion/add/?procedure={procedure.pk}")
    # The same code again is refused with a form error, not a crash.
    again = client.post(
        "/quan-tri/catalog/procedure/add/",
        {
            "province": province.pk,
            "national_code": "9.123456",
            "local_code": "",
            "owner_agency": org["justice"].pk,
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
        },
    )
    assert again.status_code == 200 and Procedure.objects.filter(national_code="9.123456").count() == 1
    # Another agency is not offered as owner.
    other = client.post(
        "/quan-tri/catalog/procedure/add/",
        {
            "province": province.pk,
            "national_code": "9.654321",
            "owner_agency": org["construction"].pk,
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
        },
    )
    assert other.status_code == 200 and not Procedure.objects.filter(national_code="9.654321").exists()
    assert Field.objects.exists()


def test_agency_cycle_is_a_form_error(client: Client, org: dict[str, Agency]) -> None:
    from motcua.accounts.models import User

    login(client, User.objects.create_superuser("root", "r@x.vn", "pw-Test-123456"))
    justice = org["justice"]
    response = client.post(
        f"/quan-tri/org/agency/{justice.pk}/change/",
        {
            "code": justice.code,
            "name": justice.name,
            "kind": justice.kind,
            "parent": org["justice_div"].pk,
            "level": justice.level_id,
            "admin_unit": justice.admin_unit_id,
            "is_active": "on",
            "staff_roles-TOTAL_FORMS": 0,
            "staff_roles-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    justice.refresh_from_db()
    assert justice.parent_id == org["ubnd"].pk
