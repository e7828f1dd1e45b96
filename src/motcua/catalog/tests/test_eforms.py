"""E-forms: answers read from the posted inputs, per-field messages, the accessible HTML, what people read,
the components the answers require, and the check that keeps an unusable schema out of the catalog."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.catalog.eforms import (
    components_required,
    eform_display,
    eform_parse,
    eform_prefill,
    eform_render,
    eform_schema_check,
    eform_validate,
)
from motcua.catalog.models import Component, Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db

CCCD = "^\\d{12}$"

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["nguoi_yeu_cau", "tre", "cam_doan", "so_ban_sao"],
    "properties": {
        "nguoi_yeu_cau": {
            "type": "object",
            "title": "Người yêu cầu",
            "required": ["ho_ten", "so_dinh_danh", "quan_he", "quan_he_khac"],
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên", "minLength": 2, "maxLength": 40},
                "so_dinh_danh": {"type": "string", "title": "Số định danh cá nhân", "pattern": CCCD},
                "quan_he": {
                    "type": "string",
                    "title": "Quan hệ với trẻ",
                    "oneOf": [
                        {"const": "me", "title": "Mẹ"},
                        {"const": "cha", "title": "Cha"},
                        {"const": "khac", "title": "Người thân khác"},
                        {"const": "uy_quyen", "title": "Người được ủy quyền"},
                    ],
                },
                "quan_he_khac": {"type": "string", "title": "Ghi rõ quan hệ"},
                "email": {"type": "string", "format": "email", "title": "Thư điện tử"},
            },
        },
        "tre": {
            "type": "object",
            "title": "Trẻ",
            "required": ["ho_ten", "ngay_sinh", "gioi_tinh"],
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên"},
                "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
                "gioi_tinh": {"type": "string", "title": "Giới tính", "enum": ["Nam", "Nữ"]},
                "can_nang": {"type": "number", "title": "Cân nặng (kg)", "exclusiveMinimum": 0, "maximum": 9},
            },
        },
        "cha": {
            "type": "object",
            "title": "Cha",
            "required": ["ho_ten", "nam_sinh"],
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên"},
                "nam_sinh": {"type": "integer", "title": "Năm sinh", "minimum": 1900, "maximum": 2100},
                "xa_phuong": {"type": "string", "title": "Xã, phường nơi cư trú"},
            },
        },
        "ghi_chu": {"type": "string", "title": "Ghi chú", "maxLength": 500},
        "de_nghi_ban_sao": {"type": "boolean", "title": "Đề nghị cấp bản sao"},
        "so_ban_sao": {"type": "integer", "title": "Số bản sao", "minimum": 1, "maximum": 10},
        "da_ket_hon": {"type": "boolean", "title": "Cha mẹ đã đăng ký kết hôn"},
        "ngay_ket_hon": {"type": "string", "format": "date", "title": "Ngày đăng ký kết hôn"},
        "cam_doan": {"type": "boolean", "const": True, "title": "Tôi cam đoan lời khai là đúng sự thật"},
    },
    # A married couple gives the date of the marriage (a conditional requirement in the schema itself).
    "allOf": [
        {
            "if": {"properties": {"da_ket_hon": {"const": True}}, "required": ["da_ket_hon"]},
            "then": {"required": ["ngay_ket_hon"]},
        }
    ],
}

UI: dict[str, Any] = {
    "order": ["nguoi_yeu_cau", "tre", "cha", "de_nghi_ban_sao", "so_ban_sao"],
    "fields": {
        "nguoi_yeu_cau.ho_ten": {"prefill": "full_name", "help": "Như trên giấy tờ tùy thân."},
        "nguoi_yeu_cau.so_dinh_danh": {
            "widget": "id_number",
            "prefill": "id_number",
            "pattern_hint": "gồm đúng 12 chữ số.",
        },
        "nguoi_yeu_cau.quan_he": {"widget": "radio"},
        "nguoi_yeu_cau.quan_he_khac": {"show_when": {"field": "nguoi_yeu_cau.quan_he", "equals": "khac"}},
        "nguoi_yeu_cau.email": {"widget": "email", "prefill": "email"},
        "tre.gioi_tinh": {"widget": "radio"},
        "cha": {"help": "Để trống nếu chưa xác định được cha."},
        "cha.xa_phuong": {"widget": "commune"},
        "ghi_chu": {"widget": "textarea", "rows": 2, "placeholder": "Nếu có"},
        "so_ban_sao": {"show_when": {"field": "de_nghi_ban_sao", "is_true": True}},
    },
}

VALID: dict[str, Any] = {
    "nguoi_yeu_cau": {"ho_ten": "Nguyễn Thị Lan", "so_dinh_danh": "027196004521", "quan_he": "me"},
    "tre": {"ho_ten": "Nguyễn Minh Khôi", "ngay_sinh": "2026-05-02", "gioi_tinh": "Nam"},
    "cam_doan": True,
}


def version_with(schema: dict[str, Any] | None = None, ui: dict[str, Any] | None = None) -> ProcedureVersion:
    return ProcedureVersion(
        eform_schema=copy.deepcopy(SCHEMA if schema is None else schema),
        eform_ui=copy.deepcopy(UI if ui is None else ui),
    )


@pytest.fixture(autouse=True)
def vietnamese() -> Iterator[None]:
    # Messages reach applicants in Vietnamese: assert on what they read.
    with translation.override("vi"):
        yield


# --- parse ------------------------------------------------------------------------------------------------


def test_parse_types_the_answers_and_leaves_out_empty_and_foreign_inputs() -> None:
    post = {
        "eform-nguoi_yeu_cau.ho_ten": "  Nguyễn Thị Lan ",
        "eform-nguoi_yeu_cau.quan_he": "me",
        "eform-nguoi_yeu_cau.quan_he_khac": "cô ruột",  # hidden: the relation is not "khác"
        "eform-nguoi_yeu_cau.email": "",
        "eform-tre.ngay_sinh": "02/05/2026",
        "eform-tre.can_nang": "3,2",
        "eform-cha.nam_sinh": "1990",
        "eform-de_nghi_ban_sao": "true",
        "eform-so_ban_sao": "2",
        "eform-ghi_chu": "dòng 1\r\ndòng 2",
        "eform-unknown": "x",
        "full_name": "Nguyễn Văn An",
        "id_number": "024099012345",
    }
    assert eform_parse(version_with(), post) == {
        "nguoi_yeu_cau": {"ho_ten": "Nguyễn Thị Lan", "quan_he": "me"},
        "tre": {"ngay_sinh": "2026-05-02", "can_nang": 3.2},
        "cha": {"nam_sinh": 1990},
        "de_nghi_ban_sao": True,
        "so_ban_sao": 2,
        "ghi_chu": "dòng 1\ndòng 2",
    }


def test_parse_keeps_what_cannot_be_converted_so_that_validation_names_it() -> None:
    post = {
        "eform-cha.nam_sinh": "năm 90",
        "eform-tre.ngay_sinh": "31/02/2026",
        "eform-tre.can_nang": "3kg",
        "eform-cam_doan": "maybe",
    }
    parsed = eform_parse(version_with(), post)
    assert parsed["cha"]["nam_sinh"] == "năm 90"
    assert parsed["tre"] == {"ngay_sinh": "31/02/2026", "can_nang": "3kg"}
    errors = eform_validate(version_with(), parsed)
    assert errors["cha.nam_sinh"] == ["“Năm sinh” phải là một số nguyên."]
    assert errors["tre.ngay_sinh"] == ["“Ngày sinh” không phải là ngày hợp lệ (ngày/tháng/năm)."]
    assert errors["tre.can_nang"] == ["“Cân nặng (kg)” phải là một số."]
    assert errors["cam_doan"] == ["“Tôi cam đoan lời khai là đúng sự thật” phải được trả lời có hoặc không."]


def test_parse_of_a_query_dict_takes_the_last_value() -> None:
    from django.http import QueryDict

    post = QueryDict("eform-tre.ho_ten=A&eform-tre.ho_ten=B&eform-tre.gioi_tinh=N%E1%BB%AF")
    assert eform_parse(version_with(), post) == {"tre": {"ho_ten": "B", "gioi_tinh": "Nữ"}}


def test_a_version_without_e_form_has_no_answers_and_no_errors() -> None:
    version = version_with({}, {})
    assert eform_parse(version, {"eform-x": "1"}) == {}
    assert eform_validate(version, {"anything": 1}) == {}
    assert str(eform_render(version, {}, {})) == ""


# --- validate -------------------------------------------------------------------------------------------


def test_valid_answers_have_no_errors() -> None:
    assert eform_validate(version_with(), VALID) == {}


def test_each_missing_answer_gets_its_own_message_in_form_order() -> None:
    errors = eform_validate(version_with(), {})
    assert list(errors) == [
        "nguoi_yeu_cau.ho_ten",
        "nguoi_yeu_cau.so_dinh_danh",
        "nguoi_yeu_cau.quan_he",
        "tre.ho_ten",
        "tre.ngay_sinh",
        "tre.gioi_tinh",
        "cam_doan",
    ]
    assert errors["nguoi_yeu_cau.ho_ten"] == ["Vui lòng nhập “Họ, chữ đệm, tên”."]
    assert errors["nguoi_yeu_cau.quan_he"] == ["Vui lòng chọn “Quan hệ với trẻ”."]
    assert errors["cam_doan"] == ["Vui lòng đánh dấu “Tôi cam đoan lời khai là đúng sự thật”."]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            {"nguoi_yeu_cau": {"ho_ten": "A"}},
            "nguoi_yeu_cau.ho_ten",
            "“Họ, chữ đệm, tên” phải có ít nhất 2 ký tự.",
        ),
        (
            {"nguoi_yeu_cau": {"ho_ten": "A" * 41}},
            "nguoi_yeu_cau.ho_ten",
            "“Họ, chữ đệm, tên” chỉ được có tối đa 40 ký tự.",
        ),
        (
            {"nguoi_yeu_cau": {"so_dinh_danh": "12345"}},
            "nguoi_yeu_cau.so_dinh_danh",
            "“Số định danh cá nhân”: gồm đúng 12 chữ số.",
        ),
        (
            {"nguoi_yeu_cau": {"quan_he": "ban"}},
            "nguoi_yeu_cau.quan_he",
            "Vui lòng chọn một trong các giá trị có sẵn cho “Quan hệ với trẻ”.",
        ),
        (
            {"nguoi_yeu_cau": {"email": "an@"}},
            "nguoi_yeu_cau.email",
            "“Thư điện tử” không phải là địa chỉ thư điện tử hợp lệ.",
        ),
        (
            {"tre": {"gioi_tinh": "Khác"}},
            "tre.gioi_tinh",
            "Vui lòng chọn một trong các giá trị có sẵn cho “Giới tính”.",
        ),
        (
            {"tre": {"ngay_sinh": "2026-13-01"}},
            "tre.ngay_sinh",
            "“Ngày sinh” không phải là ngày hợp lệ (ngày/tháng/năm).",
        ),
        ({"tre": {"can_nang": 0}}, "tre.can_nang", "“Cân nặng (kg)” phải lớn hơn 0."),
        ({"tre": {"can_nang": 9.5}}, "tre.can_nang", "“Cân nặng (kg)” không được lớn hơn 9."),
        (
            {"cha": {"ho_ten": "Trần Văn Bình", "nam_sinh": 1850}},
            "cha.nam_sinh",
            "“Năm sinh” không được nhỏ hơn 1900.",
        ),
        ({"ghi_chu": 5}, "ghi_chu", "“Ghi chú” phải là văn bản."),
        ({"cam_doan": False}, "cam_doan", "Vui lòng đánh dấu “Tôi cam đoan lời khai là đúng sự thật”."),
    ],
)
def test_each_rule_of_the_schema_has_a_message_naming_the_field(
    change: dict[str, Any], path: str, message: str
) -> None:
    answers = copy.deepcopy(VALID)
    for key, value in change.items():
        if isinstance(value, dict):
            answers.setdefault(key, {}).update(value)
        else:
            answers[key] = value
    assert eform_validate(version_with(), answers) == {path: [message]}


def test_a_pattern_without_hint_still_names_the_field() -> None:
    ui = copy.deepcopy(UI)
    del ui["fields"]["nguoi_yeu_cau.so_dinh_danh"]["pattern_hint"]
    answers = copy.deepcopy(VALID)
    answers["nguoi_yeu_cau"]["so_dinh_danh"] = "abc"
    assert eform_validate(version_with(ui=ui), answers) == {
        "nguoi_yeu_cau.so_dinh_danh": ["“Số định danh cá nhân” không đúng định dạng yêu cầu."]
    }


def test_a_conditional_requirement_of_the_schema_applies_when_its_condition_holds() -> None:
    answers = {**VALID, "da_ket_hon": True}
    assert eform_validate(version_with(), answers) == {
        "ngay_ket_hon": ["Vui lòng nhập “Ngày đăng ký kết hôn”."]
    }
    assert eform_validate(version_with(), {**VALID, "da_ket_hon": False}) == {}


def test_a_field_hidden_by_its_condition_is_not_required_nor_checked() -> None:
    # "so_ban_sao" and "quan_he_khac" are in "required", but shown only when their condition holds.
    assert eform_validate(version_with(), VALID) == {}
    asked = copy.deepcopy(VALID)
    asked["nguoi_yeu_cau"]["quan_he"] = "khac"
    asked["de_nghi_ban_sao"] = True
    assert eform_validate(version_with(), asked) == {
        "nguoi_yeu_cau.quan_he_khac": ["Vui lòng nhập “Ghi rõ quan hệ”."],
        "so_ban_sao": ["Vui lòng nhập “Số bản sao”."],
    }
    # A wrong answer to a hidden field does not stop the applicant either.
    assert eform_validate(version_with(), {**VALID, "so_ban_sao": "nhiều"}) == {}


def test_an_optional_group_left_empty_is_not_required_but_once_started_it_is_complete() -> None:
    assert eform_validate(version_with(), {**VALID, "cha": {}}) == {}
    assert eform_validate(version_with(), {**VALID, "cha": {"ho_ten": "Trần Văn Bình"}}) == {
        "cha.nam_sinh": ["Vui lòng nhập “Năm sinh”."]
    }


def test_answers_that_are_not_an_object_are_refused_as_a_whole() -> None:
    assert eform_validate(version_with(), ["x"]) == {"": ["Tờ khai phải là một tập hợp các câu trả lời."]}


def test_answers_the_form_does_not_ask_for_are_named_when_the_schema_forbids_them() -> None:
    schema = copy.deepcopy(SCHEMA)
    schema["additionalProperties"] = False
    assert eform_validate(version_with(schema), {**VALID, "la": "x"}) == {
        "": ["Tờ khai có câu trả lời mà biểu mẫu không hỏi: la."]
    }


def test_a_commune_must_be_one_of_the_list(db: Any, geo: dict[str, Any]) -> None:
    answers = {**VALID, "cha": {"ho_ten": "Trần Văn Bình", "nam_sinh": 1990, "xa_phuong": "99999"}}
    assert eform_validate(version_with(), answers) == {
        "cha.xa_phuong": ["Vui lòng chọn “Xã, phường nơi cư trú” trong danh sách."]
    }
    answers["cha"]["xa_phuong"] = geo["ward"].code
    assert eform_validate(version_with(), answers) == {}


# --- render -------------------------------------------------------------------------------------------------


class FormParser(HTMLParser):
    """The elements an accessibility check needs: inputs, labels, ids, legends."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str]] = []
        self.labels: list[str] = []
        self.ids: set[str] = set()
        self.legends = 0
        self.fieldsets: list[dict[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag in ("input", "select", "textarea"):
            self.inputs.append({"tag": tag, **values})
        elif tag == "label" and "for" in values:
            self.labels.append(values["for"])
        elif tag == "legend":
            self.legends += 1
        elif tag == "fieldset":
            self.fieldsets.append(values)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def test_every_input_has_a_label_and_no_html_required_attribute(db: Any, geo: dict[str, Any]) -> None:
    html = str(eform_render(version_with(), {}, {}))
    page = parsed(html)
    assert len(page.inputs) >= 14
    for element in page.inputs:
        assert element["id"] in page.labels, element
        assert "required" not in element
        assert element["name"].startswith("eform-")
    radios = [i for i in page.inputs if i.get("type") == "radio"]
    assert {r["name"] for r in radios} == {"eform-nguoi_yeu_cau.quan_he", "eform-tre.gioi_tinh"}
    # Groups (4: requester, child, father) and radio sets (2) are fieldsets with a legend.
    assert len(page.fieldsets) == page.legends == 5
    assert sum(1 for f in page.fieldsets if f.get("role") == "radiogroup") == 2
    assert "Phường Bắc Giang" in html  # the commune picker lists the communes
    assert 'aria-required="true"' in html and "Các mục đánh dấu * là bắt buộc." in html


def test_required_fields_are_marked_with_aria_required_and_the_hints_are_applied() -> None:
    page = parsed(str(eform_render(version_with(), {}, {})))
    by_name = {i["name"]: i for i in page.inputs if i.get("type") != "radio"}
    assert by_name["eform-nguoi_yeu_cau.ho_ten"]["aria-required"] == "true"
    assert "aria-required" not in by_name["eform-ghi_chu"]
    assert by_name["eform-nguoi_yeu_cau.ho_ten"]["maxlength"] == "40"
    assert by_name["eform-nguoi_yeu_cau.ho_ten"]["autocomplete"] == "name"  # prefilled from the applicant
    assert by_name["eform-nguoi_yeu_cau.so_dinh_danh"]["inputmode"] == "numeric"
    assert by_name["eform-nguoi_yeu_cau.email"]["type"] == "email"
    assert by_name["eform-tre.ngay_sinh"]["type"] == "date"
    assert by_name["eform-cha.nam_sinh"] == by_name["eform-cha.nam_sinh"] | {
        "type": "number",
        "min": "1900",
        "max": "2100",
        "step": "1",
    }
    assert by_name["eform-ghi_chu"]["tag"] == "textarea" and by_name["eform-ghi_chu"]["rows"] == "2"
    assert by_name["eform-ghi_chu"]["placeholder"] == "Nếu có"
    assert by_name["eform-de_nghi_ban_sao"]["type"] == "checkbox"
    help_id = by_name["eform-nguoi_yeu_cau.ho_ten"]["aria-describedby"]
    assert help_id == "eform-nguoi_yeu_cau-ho_ten-help" and help_id in page.ids


def test_conditionally_required_fields_are_marked_as_the_answers_stand() -> None:
    def required(data: dict[str, Any]) -> bool:
        page = parsed(str(eform_render(version_with(), data, {})))
        field = next(i for i in page.inputs if i["name"] == "eform-ngay_ket_hon")
        return field.get("aria-required") == "true"

    assert not required(VALID)
    assert required({**VALID, "da_ket_hon": True})


def test_errors_are_linked_to_their_inputs_and_summarised_with_links() -> None:
    answers = {"nguoi_yeu_cau": {"so_dinh_danh": "12"}, "tre": {"ngay_sinh": "31/02/2026"}}
    errors = eform_validate(version_with(), answers)
    html = str(eform_render(version_with(), answers, errors))
    page = parsed(html)
    by_name = {i["name"]: i for i in page.inputs}
    field = by_name["eform-nguoi_yeu_cau.so_dinh_danh"]
    assert field["aria-invalid"] == "true" and field["value"] == "12"
    error_id = "eform-nguoi_yeu_cau-so_dinh_danh-error"
    assert error_id in field["aria-describedby"].split() and error_id in page.ids
    assert "“Số định danh cá nhân”: gồm đúng 12 chữ số." in html
    # A date typed wrong is shown as typed (a date input would show it empty), to be corrected.
    assert by_name["eform-tre.ngay_sinh"]["type"] == "text"
    assert by_name["eform-tre.ngay_sinh"]["value"] == "31/02/2026"
    radio_group = next(f for f in page.fieldsets if f.get("role") == "radiogroup")
    assert radio_group["aria-invalid"] == "true"
    assert radio_group["aria-describedby"] in page.ids
    assert f"Tờ khai có {sum(len(m) for m in errors.values())} điểm cần sửa:" in html
    assert 'href="#eform-nguoi_yeu_cau-so_dinh_danh"' in html
    assert 'href="#eform-nguoi_yeu_cau-quan_he-0"' in html  # a radio set: its first button


def test_current_answers_are_filled_in() -> None:
    answers = {
        **VALID,
        "ghi_chu": "Ghi <chú>",
        "de_nghi_ban_sao": True,
        "so_ban_sao": 2,
    }
    html = str(eform_render(version_with(), answers, {}))
    page = parsed(html)
    by_name = {i["name"]: i for i in page.inputs if i.get("type") != "radio"}
    assert by_name["eform-nguoi_yeu_cau.ho_ten"]["value"] == "Nguyễn Thị Lan"
    assert by_name["eform-so_ban_sao"]["value"] == "2"
    assert "checked" in by_name["eform-de_nghi_ban_sao"] and "checked" not in by_name["eform-da_ket_hon"]
    checked = [i["value"] for i in page.inputs if i.get("type") == "radio" and "checked" in i]
    assert checked == ["me", "Nam"]
    assert "Ghi &lt;chú&gt;</textarea>" in html


def test_show_when_fields_carry_their_condition_and_an_only_if_note() -> None:
    html = str(eform_render(version_with(), {}, {}))
    assert (
        'data-show-when="{&quot;field&quot;: &quot;de_nghi_ban_sao&quot;, &quot;is_true&quot;: true}"' in html
    )
    assert "Chỉ khai khi “Đề nghị cấp bản sao” được trả lời là có." in html
    assert "Chỉ khai khi “Quan hệ với trẻ” là “Người thân khác”." in html
    page = parsed(html)
    field = next(i for i in page.inputs if i["name"] == "eform-so_ban_sao")
    assert "eform-so_ban_sao-note" in field["aria-describedby"].split()


def test_titles_help_texts_and_answers_are_escaped() -> None:
    schema = copy.deepcopy(SCHEMA)
    schema["properties"]["ghi_chu"]["title"] = "<script>alert(1)</script>"
    schema["properties"]["tre"]["properties"]["gioi_tinh"]["enum"] = ['"><img src=x onerror=alert(1)>', "Nữ"]
    ui = copy.deepcopy(UI)
    ui["fields"]["ghi_chu"]["help"] = "<b onmouseover=alert(1)>help</b>"
    answers = {"nguoi_yeu_cau": {"ho_ten": '"><script>alert(2)</script>'}}
    errors = eform_validate(version_with(schema, ui), {"ghi_chu": 5})
    html = str(eform_render(version_with(schema, ui), answers, errors))
    assert "<script>" not in html and "<img" not in html and "<b " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in html
    assert "&lt;b onmouseover=alert(1)&gt;help&lt;/b&gt;" in html


# --- display -----------------------------------------------------------------------------------------------


def test_display_shows_labels_and_human_values_in_form_order(db: Any, geo: dict[str, Any]) -> None:
    answers = {
        **VALID,
        "tre": {**VALID["tre"], "can_nang": 3.25},
        "cha": {"ho_ten": "Trần Văn Bình", "nam_sinh": 1990, "xa_phuong": geo["ward"].code},
        "de_nghi_ban_sao": False,
        "so_ban_sao": 3,  # hidden: no copy was asked for
        "kenh": {"ma": 2},  # not in the form (e.g. sent through the API)
    }
    assert eform_display(version_with(), answers) == [
        ("Người yêu cầu › Họ, chữ đệm, tên", "Nguyễn Thị Lan"),
        ("Người yêu cầu › Số định danh cá nhân", "027196004521"),
        ("Người yêu cầu › Quan hệ với trẻ", "Mẹ"),
        ("Trẻ › Họ, chữ đệm, tên", "Nguyễn Minh Khôi"),
        ("Trẻ › Ngày sinh", "02/05/2026"),
        ("Trẻ › Giới tính", "Nam"),
        ("Trẻ › Cân nặng (kg)", "3,25"),
        ("Cha › Họ, chữ đệm, tên", "Trần Văn Bình"),
        ("Cha › Năm sinh", "1990"),
        ("Cha › Xã, phường nơi cư trú", "Phường Bắc Giang"),
        ("Đề nghị cấp bản sao", "Không"),
        ("Tôi cam đoan lời khai là đúng sự thật", "Có"),
        ("kenh", '{"ma": 2}'),
    ]


def test_display_of_yes_no_radio_buttons_and_of_nothing() -> None:
    ui = copy.deepcopy(UI)
    ui["fields"]["da_ket_hon"] = {"widget": "radio"}
    version = version_with(ui=ui)
    assert ("Cha mẹ đã đăng ký kết hôn", "Có") in eform_display(version, {"da_ket_hon": True})
    html = str(eform_render(version, {"da_ket_hon": False}, {}))
    assert 'value="false" checked> Không' in html and 'value="true"> Có' in html
    assert eform_display(version, {}) == [] and eform_display(version, None) == []


# --- components required by the answers ---------------------------------------------------------------------


@pytest.fixture
def birth(catalog: Any) -> ProcedureVersion:
    version = Procedure.objects.get(national_code="1.001193").current_version
    assert version is not None
    ProcedureVersion.objects.filter(pk=version.pk).update(eform_schema=SCHEMA, eform_ui=UI)
    version.refresh_from_db()
    return version


def test_components_required_follow_the_rules_over_the_answers(birth: ProcedureVersion) -> None:
    tp1 = Component.objects.get(version=birth, code="TP1")
    tp2 = Component.objects.get(version=birth, code="TP2")
    assert tp2.required_when == {}
    # Without a rule a conditional component stays optional (its condition text is shown).
    assert components_required(birth, {**VALID, "da_ket_hon": True}) == {tp1.pk}
    Component.objects.filter(pk=tp2.pk).update(required_when={"field": "da_ket_hon", "is_true": True})
    assert components_required(birth, {**VALID, "da_ket_hon": True}) == {tp1.pk, tp2.pk}
    assert components_required(birth, {**VALID, "da_ket_hon": False}) == {tp1.pk}
    assert components_required(birth, {}) == {tp1.pk}


@pytest.mark.parametrize(
    ("rule", "answers", "required"),
    [
        (
            {"field": "nguoi_yeu_cau.quan_he", "equals": "uy_quyen"},
            {"nguoi_yeu_cau": {"quan_he": "uy_quyen"}},
            True,
        ),
        (
            {"field": "nguoi_yeu_cau.quan_he", "equals": "uy_quyen"},
            {"nguoi_yeu_cau": {"quan_he": "me"}},
            False,
        ),
        (
            {"field": "nguoi_yeu_cau.quan_he", "in": ["cha", "me"]},
            {"nguoi_yeu_cau": {"quan_he": "cha"}},
            True,
        ),
        ({"field": "de_nghi_ban_sao", "is_true": False}, {}, True),
        ({"field": "ghi_chu", "not_empty": True}, {"ghi_chu": "x"}, True),
        ({"field": "ghi_chu", "not_empty": True}, {"ghi_chu": ""}, False),
        ({"field": "ghi_chu", "not_empty": False}, {}, True),
        (
            {"all": [{"field": "da_ket_hon", "is_true": True}, {"field": "ghi_chu", "not_empty": True}]},
            {"da_ket_hon": True},
            False,
        ),
        (
            {"any": [{"field": "da_ket_hon", "is_true": True}, {"field": "ghi_chu", "not_empty": True}]},
            {"ghi_chu": "x"},
            True,
        ),
        ({"not": {"field": "da_ket_hon", "is_true": True}}, {"da_ket_hon": True}, False),
        # An answer to a hidden field does not count: no copy asked for, so the number of copies is hidden.
        ({"field": "so_ban_sao", "not_empty": True}, {"so_ban_sao": 2}, False),
        # True is not 1.
        ({"field": "so_ban_sao", "equals": 1}, {"de_nghi_ban_sao": True, "so_ban_sao": True}, False),
    ],
)
def test_conditions(
    birth: ProcedureVersion, rule: dict[str, Any], answers: dict[str, Any], required: bool
) -> None:
    tp2 = Component.objects.get(version=birth, code="TP2")
    Component.objects.filter(pk=tp2.pk).update(required_when=rule)
    assert (tp2.pk in components_required(birth, answers)) is required


def test_prefill_takes_the_applicants_details_that_fit() -> None:
    applicant = {"full_name": "Nguyễn Thị Lan", "id_number": "027196004521", "email": "", "phone": "0912"}
    assert eform_prefill(version_with(), applicant) == {
        "nguoi_yeu_cau": {"ho_ten": "Nguyễn Thị Lan", "so_dinh_danh": "027196004521"}
    }
    ui = copy.deepcopy(UI)
    ui["fields"]["tre.gioi_tinh"]["prefill"] = "sex"
    # "male" is not one of the field's choices: the applicant answers it.
    assert "tre" not in eform_prefill(version_with(ui=ui), {"sex": "male"})


def test_prefill_starts_from_the_defaults_outside_optional_groups() -> None:
    schema = copy.deepcopy(SCHEMA)
    schema["properties"]["tre"]["properties"]["gioi_tinh"]["default"] = "Nữ"
    schema["properties"]["cha"]["properties"]["nam_sinh"]["default"] = 1990  # would start the father's group
    schema["properties"]["so_ban_sao"]["default"] = 1  # hidden until a copy is asked for
    assert eform_prefill(version_with(schema), {}) == {"tre": {"gioi_tinh": "Nữ"}}
    schema["properties"]["tre"]["properties"]["gioi_tinh"]["default"] = "Khác"
    assert eform_schema_check(schema, UI) == [
        "Trường “tre.gioi_tinh”: giá trị “default” không phải là câu trả lời hợp lệ cho trường."
    ]


# --- round trip ------------------------------------------------------------------------------------------

names = st.text(
    alphabet="abcdeghiklmnopqrstuvxyàáạảãâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ ", min_size=2, max_size=40
)


@settings(max_examples=60, deadline=None)
@given(
    ho_ten=names.filter(lambda text: len(text.strip()) >= 2),
    so=st.from_regex(r"\A\d{12}\Z"),
    quan_he=st.sampled_from(["me", "cha", "uy_quyen"]),
    ngay=st.dates(),
    gioi_tinh=st.sampled_from(["Nam", "Nữ"]),
    can_nang=st.one_of(st.none(), st.integers(1, 9), st.decimals("0.01", "9", places=2).map(float)),
    ban_sao=st.one_of(st.none(), st.integers(1, 10)),
)
def test_answers_rendered_then_posted_come_back_the_same_and_valid(
    ho_ten: str,
    so: str,
    quan_he: str,
    ngay: Any,
    gioi_tinh: str,
    can_nang: float | None,
    ban_sao: int | None,
) -> None:
    answers: dict[str, Any] = {
        "nguoi_yeu_cau": {"ho_ten": ho_ten.strip(), "so_dinh_danh": so, "quan_he": quan_he},
        "tre": {"ho_ten": ho_ten.strip(), "ngay_sinh": ngay.isoformat(), "gioi_tinh": gioi_tinh},
        "cam_doan": True,
    }
    if can_nang is not None:
        answers["tre"]["can_nang"] = can_nang
    if ban_sao is not None:
        answers.update(de_nghi_ban_sao=True, so_ban_sao=ban_sao)
    page = parsed(str(eform_render(version_with(), answers, {})))
    post: dict[str, str] = {}
    for element in page.inputs:
        if element.get("type") in ("radio", "checkbox"):
            if "checked" in element:
                post[element["name"]] = element["value"]
        elif element["tag"] != "select":
            post[element["name"]] = element.get("value", "")
    assert eform_parse(version_with(), post) == answers
    assert eform_validate(version_with(), answers) == {}


# --- schema check ----------------------------------------------------------------------------------------


def test_the_sample_and_the_empty_e_form_pass_the_check() -> None:
    assert eform_schema_check(SCHEMA, UI) == []
    assert eform_schema_check({}, {}) == []


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ([], "Lược đồ biểu mẫu điện tử phải là một đối tượng JSON"),
        ({"type": 5}, "Không phải JSON Schema hợp lệ (Draft 2020-12) tại type"),
        ({"$schema": "http://json-schema.org/draft-07/schema#"}, "MotCua đọc JSON Schema Draft 2020-12"),
        ({"type": "array"}, "Gốc của lược đồ phải là “type”: “object”."),
        ({"type": "object", "properties": {}}, "Lược đồ không có “properties”"),
        ({"type": "object", "properties": {"a": {"type": "string"}}}, "Trường “a” chưa có “title”"),
        (
            {"type": "object", "properties": {"a": {"type": "array", "title": "A"}}},
            "Trường “a”: kiểu array không được hỗ trợ",
        ),
        ({"type": "object", "properties": {"a": {"title": "A"}}}, "Trường “a”: kiểu — không được hỗ trợ"),
        (
            {"type": "object", "properties": {"a": {"type": ["string", "null"], "title": "A"}}},
            "Trường “a”: chỉ khai một “type”.",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string", "format": "uri", "title": "A"}}},
            "Trường “a”: định dạng uri không được hỗ trợ",
        ),
        (
            {"type": "object", "properties": {"a": {"$ref": "#/$defs/x", "title": "A"}}},
            "“$ref” không được hỗ trợ",
        ),
        (
            {"type": "object", "properties": {"họ tên": {"type": "string", "title": "A"}}},
            "Tên thuộc tính “họ tên”",
        ),
        (
            {"type": "object", "required": ["b"], "properties": {"a": {"type": "string", "title": "A"}}},
            "“required” nêu “b”, không phải là thuộc tính của biểu mẫu.",
        ),
        (
            {
                "type": "object",
                "properties": {"g": {"type": "object", "title": "G", "properties": {}}},
            },
            "Nhóm “g” không có “properties”.",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "title": "A"}},
                "allOf": [{"if": {"properties": {"x": {"const": 1}}}, "then": {"required": ["a"]}}],
            },
            "Một điều kiện (if/then) nêu “x”",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string", "title": "A", "oneOf": [{"type": "string"}]}},
            },
            "chỉ được hỗ trợ dưới dạng danh sách lựa chọn",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string", "title": "A", "pattern": "("}}},
            "Không phải JSON Schema hợp lệ (Draft 2020-12) tại properties/a/pattern",
        ),
    ],
)
def test_each_schema_problem_is_named(schema: Any, problem: str) -> None:
    problems = eform_schema_check(schema, {})
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    ("ui", "problem"),
    [
        ([], "Gợi ý trình bày phải là một đối tượng JSON"),
        ({"sections": []}, "Gợi ý: khóa “sections” không được hỗ trợ"),
        ({"order": "tre"}, "“order” phải là danh sách đường dẫn trường."),
        ({"order": ["me"]}, "Gợi ý, order: trường “me” không tồn tại."),
        ({"order": ["tre", "tre"]}, "Gợi ý, order: “tre” được liệt kê hai lần."),
        ({"fields": []}, "“fields” phải ánh xạ"),
        ({"fields": {"tre.ten": {}}}, "Gợi ý: trường “tre.ten” không tồn tại."),
        ({"fields": {"tre": "x"}}, "Gợi ý của “tre” phải là một đối tượng."),
        ({"fields": {"tre": {"widget": "text"}}}, "gợi ý “widget” không được hỗ trợ"),
        ({"fields": {"ghi_chu": {"colour": "red"}}}, "gợi ý “colour” không được hỗ trợ"),
        ({"fields": {"ghi_chu": {"help": 5}}}, "“help” phải là văn bản."),
        ({"fields": {"ghi_chu": {"widget": "slider"}}}, "kiểu nhập “slider” không tồn tại"),
        (
            {"fields": {"ghi_chu": {"widget": "checkbox"}}},
            "kiểu nhập “checkbox” không phù hợp với trường kiểu string",
        ),
        (
            {"fields": {"cha.nam_sinh": {"widget": "date"}}},
            "kiểu nhập “date” không phù hợp với trường kiểu integer",
        ),
        (
            {"fields": {"tre.gioi_tinh": {"widget": "text"}}},
            "không phù hợp với trường kiểu string có lựa chọn",
        ),
        ({"fields": {"tre.ho_ten": {"widget": "date"}}}, "kiểu nhập ngày cần “format”: “date”"),
        ({"fields": {"ghi_chu": {"rows": 50}}}, "“rows” phải là số nguyên từ 1 đến 20."),
        ({"fields": {"ghi_chu": {"autocomplete": "<x>"}}}, "“autocomplete” phải là một mã tự điền"),
        ({"fields": {"ghi_chu": {"prefill": "ho_ten"}}}, "“prefill” phải nêu một thông tin của người nộp"),
        (
            {"fields": {"ghi_chu": {"show_when": {"field": "x", "equals": 1}}}},
            "điều kiện nêu trường không tồn tại “x”",
        ),
        (
            {"fields": {"ghi_chu": {"show_when": {"field": "cha", "not_empty": True}}}},
            "điều kiện nêu nhóm “cha”",
        ),
        (
            {"fields": {"ghi_chu": {"show_when": {"field": "tre.gioi_tinh", "equals": "nam"}}}},
            "“nam” không phải là một giá trị của “tre.gioi_tinh”",
        ),
        (
            {"fields": {"ghi_chu": {"show_when": {"field": "ghi_chu", "not_empty": True}}}},
            "một trường không thể phụ thuộc vào chính nó",
        ),
        (
            {"fields": {"ghi_chu": {"show_when": {"field": "de_nghi_ban_sao"}}}},
            "điều kiện nêu một “field” và một phép thử",
        ),
        ({"fields": {"ghi_chu": {"show_when": {"all": []}}}}, "“all” cần một danh sách điều kiện không rỗng"),
        ({"fields": {"ghi_chu": {"show_when": {"all": [], "any": []}}}}, "phải đứng riêng"),
        (
            {"fields": {"ghi_chu": {"show_when": {"field": "cha.nam_sinh", "is_true": True}}}},
            "“is_true” kiểm tra một trường có/không",
        ),
        (
            {"fields": {"ghi_chu": {"show_when": {"field": "cha.nam_sinh", "not_empty": "yes"}}}},
            "“not_empty” nhận true hoặc false",
        ),
        (
            {"fields": {"ghi_chu": {"show_when": {"field": "cha.nam_sinh", "in": []}}}},
            "“in” cần một danh sách giá trị không rỗng",
        ),
        (
            {"fields": {"ghi_chu": {"show_when": {"field": "cha.nam_sinh", "equals": "1990"}}}},
            "“1990” không thể là câu trả lời cho “cha.nam_sinh”",
        ),
        ({"fields": {"ghi_chu": {"show_when": "ban_sao"}}}, "điều kiện phải là một đối tượng"),
    ],
)
def test_each_hint_problem_is_named(ui: Any, problem: str) -> None:
    problems = eform_schema_check(SCHEMA, ui)
    assert any(problem in p for p in problems), problems


def test_hints_need_a_schema_and_rules_need_known_fields() -> None:
    assert eform_schema_check({}, {"order": []}) == [
        "Có gợi ý trình bày nhưng thủ tục chưa có lược đồ biểu mẫu điện tử."
    ]
    assert eform_schema_check(
        SCHEMA, UI, required_when={"TP5": {"field": "nguoi_yeu_cau.uy_quyen", "equals": True}}
    ) == ["Thành phần TP5, quy tắc: điều kiện nêu trường không tồn tại “nguoi_yeu_cau.uy_quyen”"]
    assert (
        eform_schema_check(
            SCHEMA, UI, required_when={"TP5": {"field": "nguoi_yeu_cau.quan_he", "equals": "uy_quyen"}}
        )
        == []
    )
