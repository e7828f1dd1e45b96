"""The e-form in the catalog admin: edited as JSON beside a live preview, refused when unusable, copied into
new versions, immutable once published."""

from __future__ import annotations

import copy
import html
import json
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from motcua.catalog.models import Component, Procedure, ProcedureVersion, VersionStatus
from motcua.catalog.services import version_create_draft, version_save
from motcua.org.models import Agency, Role
from tests.fixtures import BIRTH_EFORM_SCHEMA, BIRTH_EFORM_UI, BIRTH_TP2_RULE, staff

PREVIEW = "/quan-tri/catalog/procedureversion/eform-preview/"


class FormFields(HTMLParser):
    """The values a browser would post for the change form as it is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        name = values.get("name", "")
        if tag == "input" and name and "disabled" not in values:
            kind = values.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in values:
                    self.data[name] = values.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.data[name] = values.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in values:
            self.data[self._select] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def change_url(version: ProcedureVersion) -> str:
    return f"/quan-tri/catalog/procedureversion/{version.pk}/change/"


def shown_form(client: Client, version: ProcedureVersion) -> dict[str, str]:
    parser = FormFields()
    parser.feed(client.get(change_url(version)).content.decode())
    data = parser.data
    data["eform_schema"] = data["eform_schema"].lstrip("\n")
    data["eform_ui"] = data["eform_ui"].lstrip("\n")
    data.pop("_addanother", None)
    data["_continue"] = "1"
    return data


@pytest.fixture
def justice_admin(client: Client, org: dict[str, Agency]) -> Client:
    client.force_login(staff("qt", (org["justice"], Role.AGENCY_ADMIN)))
    return client


@pytest.fixture
def draft(catalog: Any) -> ProcedureVersion:
    return version_create_draft(Procedure.objects.get(national_code="1.001193"))


def test_a_valid_e_form_is_saved_from_the_admin(justice_admin: Client, draft: ProcedureVersion) -> None:
    page = justice_admin.get(change_url(draft)).content.decode()
    assert 'id="eform-preview"' in page and "catalog/eform_admin.js" in page
    assert "Biểu mẫu điện tử (tờ khai)" in page
    data = shown_form(justice_admin, draft)
    data["eform_schema"] = json.dumps(BIRTH_EFORM_SCHEMA, ensure_ascii=False)
    data["eform_ui"] = json.dumps(BIRTH_EFORM_UI)
    response = justice_admin.post(change_url(draft), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.eform_schema == BIRTH_EFORM_SCHEMA and draft.eform_ui == BIRTH_EFORM_UI
    # Shown again as indented JSON, with the rendered form as the first preview.
    page = justice_admin.get(change_url(draft)).content.decode()
    assert '  "type": "object",' in html.unescape(page)
    assert 'for="eform-tre-ho_ten"' in page


def test_an_unusable_schema_cannot_be_saved_and_the_problem_is_named(
    justice_admin: Client, draft: ProcedureVersion
) -> None:
    data = shown_form(justice_admin, draft)
    schema = copy.deepcopy(BIRTH_EFORM_SCHEMA)
    del schema["properties"]["tre"]["properties"]["ho_ten"]["title"]
    data["eform_schema"] = json.dumps(schema)
    response = justice_admin.post(change_url(draft), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Trường “tre.ho_ten” chưa có “title”" in text
    draft.refresh_from_db()
    assert draft.eform_schema == {}

    data["eform_schema"] = "{not json"
    assert "JSON" in justice_admin.post(change_url(draft), data).content.decode()
    data["eform_schema"] = json.dumps(BIRTH_EFORM_SCHEMA)
    data["eform_ui"] = json.dumps({"fields": {"tre.ten": {"widget": "text"}}})
    text = justice_admin.post(change_url(draft), data).content.decode()
    assert "Gợi ý: trường “tre.ten” không tồn tại." in text
    draft.refresh_from_db()
    assert draft.eform_schema == {} and draft.eform_ui == {}


def test_a_components_rule_is_checked_against_the_schema(
    justice_admin: Client, draft: ProcedureVersion
) -> None:
    data = shown_form(justice_admin, draft)
    data["eform_schema"] = json.dumps(BIRTH_EFORM_SCHEMA)
    tp2 = next(k.removesuffix("-code") for k, v in data.items() if k.endswith("-code") and v == "TP2")
    data[f"{tp2}-required_when"] = json.dumps({"field": "cha_me_ket_hon", "is_true": True})
    text = justice_admin.post(change_url(draft), data).content.decode()
    assert "điều kiện nêu trường không tồn tại “cha_me_ket_hon”" in text
    tp1 = next(k.removesuffix("-code") for k, v in data.items() if k.endswith("-code") and v == "TP1")
    data[f"{tp2}-required_when"] = json.dumps(BIRTH_TP2_RULE)
    data[f"{tp1}-required_when"] = json.dumps(BIRTH_TP2_RULE)
    text = justice_admin.post(change_url(draft), data).content.decode()
    assert "Chỉ thành phần có điều kiện mới có quy tắc" in text
    data[f"{tp1}-required_when"] = ""
    assert justice_admin.post(change_url(draft), data).status_code == 302
    assert Component.objects.get(version=draft, code="TP2").required_when == BIRTH_TP2_RULE
    assert Component.objects.get(version=draft, code="TP1").required_when == {}


def test_the_preview_renders_the_texts_or_lists_their_problems(
    justice_admin: Client, draft: ProcedureVersion
) -> None:
    answer = justice_admin.post(
        PREVIEW, {"schema": json.dumps(BIRTH_EFORM_SCHEMA), "ui": json.dumps(BIRTH_EFORM_UI)}
    ).json()
    assert answer["problems"] == []
    assert 'for="eform-tre-ho_ten"' in answer["html"] and 'type="radio"' in answer["html"]
    answer = justice_admin.post(
        PREVIEW, {"schema": '{"type": "object", "properties": {"a": {"type": "string"}}}'}
    ).json()
    assert answer == {
        "problems": ["Trường “a” chưa có “title”: người nộp đọc tiêu đề này làm nhãn của trường."],
        "html": "",
    }
    answer = justice_admin.post(PREVIEW, {"schema": '{"type": "object",\n "properties": }', "ui": "{"}).json()
    assert answer["html"] == "" and len(answer["problems"]) == 2
    assert answer["problems"][0].startswith("Lược đồ không phải JSON hợp lệ (dòng 2, cột")
    assert justice_admin.post(PREVIEW, {"schema": "", "ui": ""}).json() == {"problems": [], "html": ""}
    assert justice_admin.get(PREVIEW).status_code == 405
    # Nothing is stored by a preview.
    draft.refresh_from_db()
    assert draft.eform_schema == {}


def test_the_preview_is_for_catalog_managers_only(
    client: Client, org: dict[str, Agency], catalog: Any
) -> None:
    body = {"schema": json.dumps(BIRTH_EFORM_SCHEMA), "ui": "{}"}
    response = client.post(PREVIEW, body)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(staff("tn", (org["center"], Role.RECEPTION_OFFICER)))
    assert client.post(PREVIEW, body).status_code == 403


def test_a_published_e_form_is_read_only_and_its_new_version_carries_it(
    justice_admin: Client, eform_catalog: Any
) -> None:
    published = Procedure.objects.get(national_code="1.001193").current_version
    assert published is not None and published.eform_schema == BIRTH_EFORM_SCHEMA
    page = justice_admin.get(change_url(published)).content.decode()
    assert 'name="eform_schema"' not in page and 'for="eform-tre-ho_ten"' in page
    published.eform_schema = {}
    with pytest.raises(ValidationError):
        version_save(published)
    assert ProcedureVersion.objects.get(pk=published.pk).eform_schema == BIRTH_EFORM_SCHEMA

    response = justice_admin.post(f"/quan-tri/catalog/procedureversion/{published.pk}/new-draft/")
    draft = ProcedureVersion.objects.get(procedure=published.procedure, status=VersionStatus.DRAFT)
    assert response["Location"].endswith(change_url(draft))
    assert draft.eform_schema == BIRTH_EFORM_SCHEMA and draft.eform_ui == BIRTH_EFORM_UI
    assert draft.components.get(code="TP2").required_when == BIRTH_TP2_RULE
    assert 'name="eform_schema"' in justice_admin.get(change_url(draft)).content.decode()


def test_the_services_refuse_an_unusable_e_form_too(draft: ProcedureVersion) -> None:
    draft.eform_schema = {"type": "object", "properties": {"a": {"type": "array", "title": "A"}}}
    with pytest.raises(ValidationError) as info:
        version_save(draft)
    assert "eform_schema" in info.value.message_dict
    assert ProcedureVersion.objects.get(pk=draft.pk).eform_schema == {}
