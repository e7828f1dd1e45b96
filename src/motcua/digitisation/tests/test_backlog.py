"""Backlog digitisation: a ZIP of scans with a CSV of metadata, checked row by row, digitised in the
background into the personal data store, without duplicates; unsafe or malformed batches import nothing."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.datastore.models import StoredDocument
from motcua.org.models import Agency, Role
from tests.fixtures import staff

from ..backlog import batch_upload
from ..models import BacklogBatch, BacklogRecord, BatchStatus
from .test_ocr import media, scanned_page  # noqa: F401  (media is an autouse fixture)

HEADER = "ho_ten,so_dinh_danh,ma_thu_tuc,ma_ket_qua,so_van_ban,ngay_cap,hieu_luc_den,tep\n"
ROWS = [
    "Nguyễn Thị Hoa,024190000123,1.001193,KQ.G15.000031,15/2019,12/04/2019,,hoa.pdf",
    "Trần Văn Nam,024085000456,1.001193,KQ.G15.000031,16/2019,13/04/2019,,nam.pdf",
    "Lê Văn Sai,12345,1.001193,KQ.G15.000031,17/2019,14/04/2019,,hoa.pdf",
    "Phạm Thu Hà,024195000789,1.001193,KQ.G15.000031,18/2019,31/02/2019,,thieu.pdf",
    "Đỗ Minh,024090000321,9.999999,KQ.G15.999999,19/2019,15/04/2019,,nam.pdf",
    "Vũ Lan,024192000654,1.001193,KQ.G15.000031,20/2019,16/04/2019,,icon.png",
]


def _icon() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


ICON = _icon()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def batch_zip() -> bytes:
    return zip_of(
        {
            "metadata.csv": (HEADER + "\n".join(ROWS) + "\n").encode("utf-8-sig"),
            "hoa.pdf": scanned_page(["GIẤY KHAI SINH", "NGUYỄN THỊ HOA"]),
            "nam.pdf": scanned_page(["GIẤY KHAI SINH", "TRẦN VĂN NAM"]),
            "icon.png": ICON,
        }
    )


def test_a_batch_is_checked_digitised_and_not_duplicated(
    catalog: Any, org: dict[str, Agency], batch_zip: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    officer = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_upload(org["commune"], officer, "lo-2019.zip", batch_zip)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_total, batch.rows_valid, batch.rows_done) == (BatchStatus.DONE, 6, 2, 2)
    errors = {r.row: " ".join(r.errors) for r in BacklogRecord.objects.filter(batch=batch) if r.errors}
    assert set(errors) == {4, 5, 6, 7}
    assert "too small to be a scanned page (64×64 px)" in errors[7]
    assert "12 digits" in errors[4]
    assert "not a date" in errors[5] and "thieu.pdf" in errors[5]
    assert "no result KQ.G15.999999" in errors[6]
    documents = StoredDocument.objects.order_by("holder_number")
    assert [(d.holder_number, d.result_code, d.number) for d in documents] == [
        ("024085000456", "KQ.G15.000031", "16/2019"),
        ("024190000123", "KQ.G15.000031", "15/2019"),
    ]
    assert "nguyen thi hoa" in documents[1].text_folded and documents[1].title == "Giấy khai sinh"

    client = Client(headers={"accept-language": "en"})
    client.force_login(officer)
    found = client.get("/mot-cua/tim-van-ban/", {"q": "tran van nam khai sinh"}).content.decode()
    assert "024085000456" in found and "16/2019" in found and "NGUYỄN THỊ HOA" not in found
    outsider = Client(headers={"accept-language": "en"})
    outsider.force_login(staff("justice", (org["justice"], Role.SPECIALIST)))
    assert "024085000456" not in outsider.get("/mot-cua/tim-van-ban/", {"q": "tran van nam"}).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        again = batch_upload(org["commune"], officer, "lo-2019.zip", batch_zip)
    again.refresh_from_db()
    assert (again.status, again.rows_skipped, again.rows_done) == (BatchStatus.DONE, 2, 0)
    assert StoredDocument.objects.count() == 2


@pytest.mark.parametrize(
    ("files", "code_text"),
    [
        ({"../../etc/passwd": b"x", "a.csv": HEADER.encode()}, "unsafe path"),
        ({"metadata.csv": b"\x00" * (40 * 1024 * 1024)}, "ZIP bomb"),
        ({"metadata.csv": b"ten,so\nA,1\n"}, "lacks the columns"),
        ({"metadata.csv": (HEADER + ROWS[0]).encode("utf-16")}, "not in UTF-8"),
        ({"scan.pdf": b"%PDF-1.4"}, "exactly one CSV"),
    ],
)
def test_unsafe_or_malformed_batches_import_nothing(
    catalog: Any, org: dict[str, Agency], files: dict[str, bytes], code_text: str
) -> None:
    officer = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    batch = batch_upload(org["commune"], officer, "lo.zip", zip_of(files))
    assert batch.status == BatchStatus.REJECTED and code_text in batch.problem
    assert not BacklogRecord.objects.exists() and not StoredDocument.objects.exists() and not batch.archive


def test_not_a_zip_and_the_pages(catalog: Any, org: dict[str, Agency]) -> None:
    officer = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    client = Client(headers={"accept-language": "en"})
    client.force_login(officer)
    response = client.post(
        "/mot-cua/so-hoa/",
        {"agency": org["commune"].pk, "archive": SimpleUploadedFile("lo.zip", b"not a zip")},
        follow=True,
    )
    content = response.content.decode()
    assert "nothing was imported" in content and "not a readable ZIP archive" in content
    batch = BacklogBatch.objects.get()
    assert client.get(f"/mot-cua/so-hoa/{batch.pk}.json").json()["status"] == "rejected"
    # A reception officer digitises no agency's results; another agency's officer does not see the batch.
    desk = Client()
    desk.force_login(staff("desk", (org["desk"], Role.RECEPTION_OFFICER)))
    assert desk.get("/mot-cua/so-hoa/").status_code == 403
    other = Client()
    other.force_login(staff("justice", (org["justice"], Role.SPECIALIST)))
    assert other.get(f"/mot-cua/so-hoa/{batch.pk}/").status_code == 404


def test_figures_per_agency_against_the_targets(
    catalog: Any, org: dict[str, Agency], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from .test_ocr import receive_scan

    receive_scan(org, scanned_page(["GIẤY KHAI SINH"]), django_capture_on_commit_callbacks)
    settings.MOTCUA_OCR_ENABLED = False  # the second dossier's scan is not digitised
    receive_scan(org, scanned_page(["Chưa số hóa"]), django_capture_on_commit_callbacks)
    client = Client(headers={"accept-language": "en"})
    client.force_login(staff("supervisor", (org["ubnd"], Role.PROVINCIAL_SUPERVISOR)))
    assert client.get("/mot-cua/so-hoa/").status_code == 302  # a supervisor goes to the figures
    page = client.get("/mot-cua/so-hoa/chi-so/").content.decode()
    row = page[page.index(org["commune"].name) :]
    row = row[: row.index("</tr>")]
    assert ">2<" in row and ">1<" in row and "50.0%" in row and "35%" in row
    communes = page[page.index('id="commune-figures"') :]
    assert org["commune"].admin_unit.name in communes and "50.0%" in communes
