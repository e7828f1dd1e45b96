"""Fixtures of the signing tests: a data directory of their own, the demo CA, a leader with a certificate
and an approved result document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone, translation

from motcua.accounts.models import User
from motcua.catalog.models import Result
from motcua.documents.pdf import render_pdf
from motcua.dossiers.models import Dossier, ResultDocument
from motcua.dossiers.results import result_document_add, result_documents_approve
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.conftest import PDF, version_of
from motcua.integrations.models import Notification
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from ..backends import signing_backends
from ..ca import Authority, certificate_issue, demo_ca_ensure
from ..pades import StampInfo, pdf_sign


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_SIGNING_TRUST_ROOTS = []
    with translation.override("en"):
        yield tmp_path / "data"


@pytest.fixture
def authority(db: None) -> Authority:
    return demo_ca_ensure()


@pytest.fixture
def leader(org: dict[str, Agency], authority: Authority) -> User:
    user = staff("leader", (org["commune"], Role.AGENCY_LEADER))
    user.full_name = "Trần Thị Lãnh Đạo"
    user.phone = "0987654321"
    user.save()
    certificate_issue(authority, user, org["commune"], "Chủ tịch")
    return user


@pytest.fixture
def approved(catalog: Any, org: dict[str, Agency], leader: User) -> ResultDocument:
    desk = staff("desk", (org["desk"], Role.RECEPTION_OFFICER))
    dossier = dossier_receive(
        officer=desk,
        receiving_unit=org["desk"],
        procedure_version=version_of("1.001193"),
        applicant={
            "kind": "person",
            "full_name": "Nguyễn Văn An",
            "id_number": "024099012345",
            "date_of_birth": datetime(1999, 5, 1).date(),
            "sex": "male",
            "phone": "0912345678",
            "commune": org["commune"].admin_unit,
        },
        channel="counter",
        form_data={},
        files={"TP1": [("to-khai.pdf", PDF)]},
    )
    result = Result.objects.get(version=dossier.procedure_version)
    document = result_document_add(dossier, leader, result=result)
    result_documents_approve(Dossier.objects.get(pk=dossier.pk), leader)
    document.refresh_from_db()
    return document


def sent_code(user: User) -> str:
    message = Notification.objects.filter(reference=f"otp:{user.pk}").order_by("-id").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None
    return found.group(1)


def signed_sample(authority: Authority, user: User, agency: Agency) -> bytes:
    certificate = certificate_issue(authority, user, agency, "Phó Chủ tịch")
    signer = signing_backends["pkcs12"].signer_for(certificate)
    content = render_pdf("documents/result_generated.html", {"title": "Giấy phép", "number": "1/GP"})
    stamp = StampInfo(
        user.get_username(), "Phó Chủ tịch", agency.name, "http://127.0.0.1:8000/xac-thuc/x/", timezone.now()
    )
    return pdf_sign(content, signer, stamp, field_name="Signature1", reason="Thử")
