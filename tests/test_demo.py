"""The demo province loads through the real import and holds what the issue asks of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count

from motcua.accounts.models import User
from motcua.catalog.models import Component, OnlineLevel, Procedure, ProcedureVersion, VersionStatus
from motcua.org.models import Role, StaffRole


@pytest.fixture
def demo(db: Any, capsys: Any) -> str:
    call_command("demo_seed", "--if-empty")
    out: str = capsys.readouterr().out
    return out


def test_demo_catalog(demo: str) -> None:
    published = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
    assert published.count() >= 40
    assert published.values("field").distinct().count() >= 10
    levels = set(published.values_list("levels__level__code", flat=True))
    assert {"province", "commune"} <= levels
    assert {OnlineLevel.FULL, OnlineLevel.PARTIAL, OnlineLevel.NONE} <= set(
        published.values_list("online_level", flat=True)
    )
    codes = set(Procedure.objects.values_list("national_code", flat=True))
    assert {"1.001193", "3.000722", "2.002913"} <= codes
    names = " ".join(published.values_list("name_folded", flat=True))
    for topic in (
        "khai sinh",
        "khai tu",
        "ket hon",
        "chung thuc",
        "dat",
        "giay phep xay dung",
        "doanh nghiep",
        "tro cap",
        "ly lich tu phap",
    ):
        assert topic in names, topic
    assert Component.objects.exclude(result_code="").exists()
    assert Component.objects.exclude(template="").exists()
    assert ProcedureVersion.objects.filter(status=VersionStatus.DRAFT).exists()
    assert ProcedureVersion.objects.filter(status=VersionStatus.ARCHIVED).exists()
    # Real declarations as e-forms: birth, the birth group, marriage, a building permit, an organisation's.
    with_eform = set(published.exclude(eform_schema={}).values_list("procedure__national_code", flat=True))
    assert {"1.001193", "3.000722", "9.000102", "9.000601", "9.000703"} <= with_eform
    birth = published.get(procedure__national_code="1.001193")
    assert set(birth.eform_schema["properties"]) >= {"nguoi_yeu_cau", "nguoi_duoc_dang_ky", "me", "cha"}
    assert birth.components.get(code="TP5").required_when == {
        "field": "nguoi_yeu_cau.quan_he",
        "equals": "uy_quyen",
    }
    assert published.get(procedure__national_code="9.000703").for_organisations


def test_demo_accounts_cover_every_role(demo: str) -> None:
    assert set(StaffRole.objects.values_list("role", flat=True)) == set(Role.values)
    multi = StaffRole.objects.values("user").annotate(n=Count("agency", distinct=True)).filter(n__gt=1)
    assert multi.exists()
    assert "MotCua@2026" in demo and "tiepnhan" in demo and "giamsat" in demo
    assert User.objects.get(username="quantri.tuphap").check_password("MotCua@2026")
    # Applicant accounts: verified citizens of the population simulator, and an organisation.
    assert "congdan.minh" in demo and "doanhnghiep.kinhbac" in demo
    minh = User.objects.get(username="congdan.minh")
    assert minh.id_verified_at is not None and minh.phone_verified_at is not None
    assert minh.check_password("MotCua@2026")


def test_demo_seed_twice_changes_nothing(demo: str, capsys: Any) -> None:
    before = (Procedure.objects.count(), ProcedureVersion.objects.count(), User.objects.count())
    call_command("demo_seed", "--if-empty")
    assert "không nạp lại dữ liệu mẫu" in capsys.readouterr().out
    assert (Procedure.objects.count(), ProcedureVersion.objects.count(), User.objects.count()) == before


def test_demo_search_and_template(demo: str, client: Any) -> None:
    text = client.get("/thu-tuc/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in text
    component = Component.objects.exclude(template="").filter(version__status=VersionStatus.PUBLISHED).first()
    assert component is not None
    response = client.get(f"/thu-tuc/{component.version.procedure.national_code}/mau/{component.pk}/")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"PK")  # a real .docx (ZIP) file


def test_demo_dossiers_and_processes(demo: str, client: Any) -> None:
    from django.core.cache import cache

    from motcua.dossiers.models import Dossier, DossierStatus
    from motcua.workflow.models import DefinitionStatus, ProcessDefinition

    assert Dossier.objects.count() >= 150
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {
        DossierStatus.RECEIVED,
        DossierStatus.IN_PROGRESS,
        DossierStatus.WAITING_SUPPLEMENT,
        DossierStatus.FINISHED,
        DossierStatus.RETURNED,
        DossierStatus.REFUSED,
        DossierStatus.WITHDRAWN,
    } <= statuses
    from motcua.dossiers.models import ResultDocument

    # Every finished or returned dossier of a procedure with a catalog result has its approved document.
    closed = Dossier.objects.filter(status__in=[DossierStatus.FINISHED, DossierStatus.RETURNED])
    assert closed.exists()
    assert not closed.filter(result_documents__isnull=True).exists()
    assert not ResultDocument.objects.filter(approved_at__isnull=True, dossier__in=closed).exists()
    assert Dossier.objects.filter(apologised_at__isnull=False).exists()
    from motcua.signing.models import SignatureRecord, SigningCertificate

    assert SigningCertificate.objects.filter(user__username="lanhdao.bacgiang").exists()
    assert SignatureRecord.objects.exists()
    assert ProcessDefinition.objects.filter(status=DefinitionStatus.ACTIVE).count() >= 40
    from motcua.catalog.eforms import eform_validate

    # Demo dossiers of procedures with an e-form carry plausible answers that pass it.
    declared = Dossier.objects.exclude(form_data={}).select_related("procedure_version")
    assert declared.count() >= 5
    assert all(eform_validate(d.procedure_version, d.form_data) == {} for d in declared)
    dossier = Dossier.objects.select_related("applicant").first()
    assert dossier is not None
    cache.clear()
    page = client.get("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_thuc": dossier.applicant.phone[-4:]})
    assert dossier.code in page.content.decode()
    detail = client.get(f"/thu-tuc/{dossier.procedure_version.procedure.national_code}/").content.decode()
    assert "<svg" in detail and "Tiếp nhận" in detail
    from motcua.feedback.models import Rating

    # Most finished or returned dossiers are rated by their applicants, some are left to rate by hand.
    assert closed.filter(rating__isnull=False).count() >= closed.count() // 2
    assert closed.filter(rating__isnull=True).exists()
    assert len(set(Rating.objects.values_list("total", flat=True))) >= 5
    assert "Đánh giá mẫu" in demo


def test_demo_applicants_have_something_on_every_portal_page(demo: str, client: Any) -> None:
    from motcua.datastore.models import StoredDocument, StoredDocumentKind
    from motcua.dossiers.models import AttachmentSource, DossierStatus, OnlineSubmission, SubmissionStatus

    minh = User.objects.get(username="congdan.minh")
    assert set(
        StoredDocument.objects.filter(holder_number=minh.id_number).values_list("kind", flat=True)
    ) == {StoredDocumentKind.DIGITISED, StoredDocumentKind.ISSUED}
    filed = OnlineSubmission.objects.get(user=minh, status=SubmissionStatus.ACCEPTED)
    assert filed.dossier is not None and filed.dossier.status == DossierStatus.RETURNED
    assert filed.payment is not None and filed.payment.is_paid and filed.payment.receipt is not None
    assert filed.dossier.attachments.filter(source=AttachmentSource.DATA_STORE).count() == 2
    assert OnlineSubmission.objects.filter(user=minh, status=SubmissionStatus.DRAFT).exists()
    waiting = OnlineSubmission.objects.filter(status=SubmissionStatus.SUBMITTED)
    assert set(waiting.values_list("user__username", flat=True)) == {"congdan.huong", "doanhnghiep.kinhbac"}
    huong = User.objects.get(username="congdan.huong")
    client.force_login(huong)
    page = client.get("/ho-so-cua-toi/").content.decode()
    assert "Chờ bổ sung" in page or "chờ bổ sung" in page.lower()
    client.force_login(minh)
    assert "Giấy khai sinh (bản chính)" in client.get("/kho-du-lieu/").content.decode()
    assert "Hồ sơ mẫu của người nộp: 4 hồ sơ nộp trực tuyến" in demo
