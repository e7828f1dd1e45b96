"""The officer's view of digitisation: progress for the dossier page, the PDF/A, the checked data and the
full-text search within the officer's scope."""

from __future__ import annotations

from typing import Any

from django.test import Client

from motcua.org.models import Agency, Role
from tests.fixtures import staff

from ..models import OcrResult, OcrStatus
from .test_ocr import media, receive_scan, scanned_page  # noqa: F401  (media is an autouse fixture)


def test_progress_pdfa_checked_data_and_search(
    catalog: Any, org: dict[str, Agency], django_capture_on_commit_callbacks: Any
) -> None:
    dossier = receive_scan(org, scanned_page(), django_capture_on_commit_callbacks)
    result = OcrResult.objects.get(attachment__dossier=dossier)
    assert result.status == OcrStatus.DONE
    client = Client(headers={"accept-language": "en"})
    officer = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    client.force_login(officer)

    progress = client.get(f"/mot-cua/ho-so/{dossier.code}/so-hoa.json").json()
    assert progress["files"] == [
        {
            "attachment": result.attachment_id,
            "status": "done",
            "label": "Digitised",
            "pages": 1,
            "pages_done": 1,
            "error": "",
        }
    ]
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert f"/mot-cua/ho-so/{dossier.code}/so-hoa/{result.pk}.pdf" in page and "GIẤY KHAI SINH" in page
    pdf = client.get(f"/mot-cua/ho-so/{dossier.code}/so-hoa/{result.pk}.pdf")
    assert pdf.status_code == 200 and pdf.getvalue().startswith(b"%PDF-")

    url = f"/mot-cua/ho-so/{dossier.code}/so-hoa/{result.pk}/du-lieu/"
    bad = client.post(url, {f"ocr{result.pk}-id_number": "123"}, follow=True)
    assert "A citizen ID number has 12 digits." in bad.content.decode()
    client.post(
        url, {f"ocr{result.pk}-id_number": "024190000123", f"ocr{result.pk}-holder": "Nguyễn Thị Hoa"}
    )
    result.refresh_from_db()
    assert result.key_fields == {"id_number": "024190000123", "holder": "Nguyễn Thị Hoa"}
    assert result.corrected_by == officer

    found = client.get("/mot-cua/tim-van-ban/", {"q": "GIAY khai sinh nguyen thi hoa"}).content.decode()
    assert dossier.code in found and "GIẤY KHAI SINH" in found
    assert (
        dossier.code
        not in client.get("/mot-cua/tim-van-ban/", {"q": "giấy đăng ký kết hôn"}).content.decode()
    )

    # Another agency's officer neither finds nor opens it.
    outsider = Client(headers={"accept-language": "en"})
    outsider.force_login(staff("justice", (org["justice"], Role.SPECIALIST)))
    assert dossier.code not in outsider.get("/mot-cua/tim-van-ban/", {"q": "khai sinh"}).content.decode()
    assert outsider.get(f"/mot-cua/ho-so/{dossier.code}/so-hoa.json").status_code == 404
    assert outsider.get(f"/mot-cua/ho-so/{dossier.code}/so-hoa/{result.pk}.pdf").status_code == 404
    assert outsider.post(url, {}).status_code == 404
