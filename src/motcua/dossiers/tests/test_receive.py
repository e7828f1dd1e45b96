"""Receipt (Mẫu 01): a valid dossier is coded, routed, dated and stored; every refusal writes nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from motcua.accounts.models import User
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import (
    Applicant,
    Attachment,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    DossierStatus,
    PausePeriod,
)
from motcua.dossiers.services import competent_agency_for, dossier_receive
from motcua.org.models import Agency, Role
from motcua.workdays.selectors import working_calendar
from tests.fixtures import staff

from .conftest import PDF, stored_files, version_of, vn

RECEIVED_AT = vn(2026, 3, 2, 9, 0)  # a Monday


def receive_kwargs(officer: User, org: dict[str, Agency], person: dict[str, Any]) -> dict[str, Any]:
    return {
        "officer": officer,
        "receiving_unit": org["desk"],
        "procedure_version": version_of("1.001193"),
        "applicant": dict(person),
        "channel": "counter",
        "form_data": {"child_name": "Nguyễn Văn Bình"},
        "files": {"TP1": [("Tờ khai khai sinh.pdf", PDF)]},
        "received_at": RECEIVED_AT,
    }


def test_receive_creates_a_coded_routed_dated_dossier(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], media_root: Path
) -> None:
    dossier = dossier_receive(**receive_kwargs(desk_officer, org, person))
    dossier.refresh_from_db()
    assert dossier.code == "001.00.41.H24-260302-0001"
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.receiving_unit == org["desk"]
    assert dossier.competent_agency == org["commune"]  # commune-level procedure → the applicant's commune
    assert dossier.created_by == desk_officer and dossier.lock_version == 0
    assert dossier.form_data == {"child_name": "Nguyễn Văn Bình"}
    # 0.5 working day from Monday: counting starts Tuesday 07:30, due Tuesday 11:30.
    version = version_of("1.001193")
    assert version.statutory_time == Decimal("0.5")
    expected = working_calendar().deadline(RECEIVED_AT, version.statutory_time, version.time_unit)
    assert dossier.due_at == expected == vn(2026, 3, 3, 11, 30)
    applicant = dossier.applicant
    assert (applicant.full_name, applicant.id_number, applicant.commune_id) == (
        "Nguyễn Văn An",
        "024099012345",
        person["commune"].pk,
    )
    (attachment,) = dossier.attachments.all()
    assert attachment.original_name == "Tờ khai khai sinh.pdf"
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.size == len(PDF)
    assert attachment.content_type == "application/pdf"
    assert attachment.page_count == 2
    assert attachment.source == "scan" and attachment.digitised  # scanned at the counter
    assert attachment.component is not None and attachment.component.code == "TP1"
    # Stored under a generated name, never the uploaded one.
    stored_name = str(attachment.file.name)
    assert stored_name.startswith("dossiers/") and stored_name.endswith(".pdf")
    assert "khai" not in stored_name
    assert (media_root / stored_name).read_bytes() == PDF
    (event,) = DossierEvent.objects.filter(dossier=dossier)
    assert (event.action, event.to_status, event.public, event.actor) == (
        "received",
        "received",
        True,
        desk_officer,
    )
    assert event.data["code"] == dossier.code


def test_online_upload_is_not_marked_digitised(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    dossier = dossier_receive(**{**receive_kwargs(desk_officer, org, person), "channel": "online"})
    attachment = dossier.attachments.get()
    assert attachment.source == "upload" and not attachment.digitised
    assert dossier.channel == "online"


def test_second_dossier_of_the_day_gets_the_next_number(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    first = dossier_receive(**receive_kwargs(desk_officer, org, person))
    second = dossier_receive(**receive_kwargs(desk_officer, org, person))
    assert (first.code[-4:], second.code[-4:]) == ("0001", "0002")


def test_named_agency_routing(catalog: Any, org: dict[str, Agency], person: dict[str, Any]) -> None:
    officer = staff("center-officer", (org["center"], Role.RECEPTION_OFFICER))
    dossier = dossier_receive(
        **{
            **receive_kwargs(officer, org, person),
            "receiving_unit": org["center"],
            "procedure_version": version_of("9.000002"),
        }
    )
    assert dossier.competent_agency == org["construction"]
    assert dossier.code.startswith("000.00.01.H24-260302-")


def test_any_centre_may_receive_a_commune_procedure(
    catalog: Any, org: dict[str, Agency], person: dict[str, Any]
) -> None:
    # "Không phụ thuộc địa giới hành chính": the province centre receives, the commune settles.
    officer = staff("center-officer", (org["center"], Role.RECEPTION_OFFICER))
    dossier = dossier_receive(**{**receive_kwargs(officer, org, person), "receiving_unit": org["center"]})
    assert (dossier.receiving_unit, dossier.competent_agency) == (org["center"], org["commune"])


def test_routing_without_a_commune_is_refused(catalog: Any, org: dict[str, Agency]) -> None:
    with pytest.raises(ValidationError) as info:
        competent_agency_for(version_of("1.001193"), None, org["desk"])
    assert info.value.code == "routing_no_commune"


Change = Callable[[dict[str, Any], dict[str, Any]], None]


def _center_officer(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["officer"] = staff("center-officer", (ctx["org"]["center"], Role.RECEPTION_OFFICER))


def _department_as_unit(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    justice = ctx["org"]["justice"]
    kw["officer"] = staff("justice-officer", (justice, Role.RECEPTION_OFFICER))
    kw["receiving_unit"] = justice


def _archived_version(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["procedure_version"] = ProcedureVersion.objects.get(procedure__national_code="9.000002", number=1)


def _outside_area(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    version = version_of("1.001193")
    ProcedureVersion.objects.filter(pk=version.pk).update(any_center_may_receive=False)
    kw["procedure_version"] = ProcedureVersion.objects.get(pk=version.pk)
    kw["receiving_unit"] = ctx["org"]["center"]
    kw["officer"] = staff("center-officer", (ctx["org"]["center"], Role.RECEPTION_OFFICER))


def _not_in_force(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["received_at"] = vn(2025, 6, 2, 9, 0)  # the version is in force from 1 Jul 2025


def _no_required_file(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["files"] = {}


def _disguised_file(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["files"] = {"TP1": [("x.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)]}


def _unknown_component(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["files"] = {**kw["files"], "TP7": [("x.pdf", PDF)]}


def _bad_citizen_id(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["applicant"]["id_number"] = "003099012345"


def _century_mismatch(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["applicant"]["id_number"] = "024299012345"  # 2 = born 2000–2099, but the date of birth is 1999


def _unknown_applicant_field(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["applicant"]["nickname"] = "An"


def _organisation_applicant(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["applicant"] = {
        "kind": "organisation",
        "full_name": "Công ty TNHH An Bình",
        "tax_code": "0100233488",
        "representative": "Nguyễn Văn An",
        "commune": ctx["geo"]["ward"],
    }


def _commune_without_committee(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["applicant"]["commune"] = ctx["geo"]["other_ward"]


def _bad_channel(kw: dict[str, Any], ctx: dict[str, Any]) -> None:
    kw["channel"] = "fax"


REFUSALS: list[tuple[str, Change, str]] = [
    ("officer of another unit", _center_officer, "forbidden"),
    ("not a receiving unit", _department_as_unit, "not_receiving_unit"),
    ("archived version", _archived_version, "version_not_published"),
    ("version not yet in force", _not_in_force, "version_not_in_force"),
    ("outside the competent area", _outside_area, "outside_area"),
    ("missing required component", _no_required_file, "missing_component"),
    ("executable named x.pdf", _disguised_file, "file_content_mismatch"),
    ("unknown component", _unknown_component, "unknown_component"),
    ("unknown province code", _bad_citizen_id, "citizen_id_province"),
    ("century mismatch", _century_mismatch, "citizen_id_birth_year"),
    ("unknown applicant field", _unknown_applicant_field, "applicant_fields"),
    ("organisation on a citizens' procedure", _organisation_applicant, "applicant_kind"),
    ("no commune committee", _commune_without_committee, "routing_no_committee"),
    ("unknown channel", _bad_channel, "channel"),
]


@pytest.mark.parametrize(("case", "change", "code"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_write_nothing(
    catalog: Any,
    geo: dict[str, Any],
    org: dict[str, Agency],
    desk_officer: User,
    person: dict[str, Any],
    media_root: Path,
    case: str,
    change: Change,
    code: str,
) -> None:
    kwargs = receive_kwargs(desk_officer, org, person)
    change(kwargs, {"org": org, "geo": geo})
    with pytest.raises(ValidationError) as info:
        dossier_receive(**kwargs)
    errors = info.value.error_list
    assert all(e.message for e in errors)
    assert code in {e.code for e in errors}, info.value.messages
    for model in (Dossier, Applicant, Attachment, DossierEvent, DossierCodeCounter, PausePeriod):
        assert model.objects.count() == 0, (case, model)
    assert stored_files(media_root) == []


def test_every_problem_is_reported_at_once(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    kwargs = receive_kwargs(desk_officer, org, person)
    kwargs["files"] = {}
    kwargs["applicant"]["id_number"] = "12345"
    with pytest.raises(ValidationError) as info:
        dossier_receive(**kwargs)
    codes = {e.code for e in info.value.error_list}
    assert {"missing_component", "citizen_id_format"} <= codes
    assert any("Applicant, citizen ID number:" in m for m in info.value.messages)


def test_a_failure_after_files_were_stored_removes_them(
    catalog: Any,
    org: dict[str, Agency],
    desk_officer: User,
    person: dict[str, Any],
    media_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from motcua.dossiers import services

    def boom(*args: Any, **kwargs: Any) -> DossierEvent:
        raise RuntimeError("crash while logging")

    monkeypatch.setattr(services, "dossier_event_add", boom)
    with pytest.raises(RuntimeError):
        dossier_receive(**receive_kwargs(desk_officer, org, person))
    assert Dossier.objects.count() == 0 and Attachment.objects.count() == 0
    assert DossierCodeCounter.objects.count() == 0  # the number is given back with the transaction
    assert stored_files(media_root) == []


def test_the_declaration_is_checked_against_the_e_form_at_receipt(
    eform_catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], media_root: Path
) -> None:
    from tests.fixtures import BIRTH_ANSWERS

    kwargs = receive_kwargs(desk_officer, org, person)
    kwargs["form_data"] = {"quan_he": "ban", "cam_doan": True}
    with pytest.raises(ValidationError) as info:
        dossier_receive(**kwargs)
    declaration = [e for e in info.value.error_list if e.code == "declaration"]
    assert [e.message for e in declaration] == [
        "Declaration › Trẻ được đăng ký khai sinh: Enter “Họ, chữ đệm và tên”.",
        "Declaration › Trẻ được đăng ký khai sinh: Enter “Ngày sinh”.",
        "Declaration: Choose one of the values offered for “Quan hệ với trẻ”.",
    ]
    assert not Dossier.objects.exists() and not stored_files(media_root)

    # The answers decide the conditional components: married parents bring their marriage certificate.
    kwargs["form_data"] = {**BIRTH_ANSWERS, "cha_me_da_ket_hon": True}
    with pytest.raises(ValidationError, match=r"make “Giấy chứng nhận kết hôn của cha mẹ” \(TP2\) required"):
        dossier_receive(**kwargs)
    kwargs["files"] = {**kwargs["files"], "TP2": [("ket-hon.pdf", PDF)]}
    assert dossier_receive(**kwargs).form_data == kwargs["form_data"]


def test_a_dossier_from_the_national_portal_keeps_its_own_declaration(
    eform_catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    kwargs = receive_kwargs(desk_officer, org, person)
    kwargs["channel"] = "national_portal"
    dossier = dossier_receive(**kwargs)
    assert dossier.form_data == {"child_name": "Nguyễn Văn Bình"}


def test_compiled_routing_reads_equal_their_querysets(catalog: Any, org: dict[str, Agency]) -> None:
    from motcua.catalog.models import Component, ProcedureLevel
    from motcua.dossiers.services import _COMMITTEE_OF, _COMPONENTS_OF, _LEVELS_OF
    from motcua.geo.models import AdministrativeUnit
    from motcua.org.models import AgencyKind

    def related(level: ProcedureLevel) -> tuple[Any, ...]:
        agencies = (level.implementing_agency, level.competent_agency)
        return (level.pk, level.level, *agencies, *[a.level if a else None for a in agencies])

    versions = list(ProcedureVersion.objects.all())
    assert versions
    for version in [*versions, ProcedureVersion(pk=0)]:
        expected = ProcedureLevel.objects.filter(version=version).select_related(
            "level", "implementing_agency__level", "competent_agency__level"
        )
        assert [related(pl) for pl in _LEVELS_OF.objects(version_id=version.pk)] == [
            related(pl) for pl in expected
        ]
        assert _COMPONENTS_OF.objects(version_id=version.pk) == list(
            Component.objects.filter(version=version)
        )
    units = list(AdministrativeUnit.objects.all())
    assert any(_COMMITTEE_OF.object(admin_unit_id=u.pk) for u in units)
    for unit in units:
        committee = (
            Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE, admin_unit=unit, is_active=True)
            .select_related("level")
            .order_by("pk")
            .first()
        )
        found = _COMMITTEE_OF.object(admin_unit_id=unit.pk)
        assert found == committee
        assert committee is None or (found is not None and found.level == committee.level)
