"""The applicant is told of receipt, supplement requests and refusal, after the action commits."""

from __future__ import annotations

from typing import Any

from django.core import mail

from motcua.accounts.models import User
from motcua.dossiers.services import dossier_receive, dossier_refuse, dossier_supplement_request
from motcua.integrations.models import Notification, SimulatedMessage
from motcua.org.models import Agency

from .test_receive import receive_kwargs


def test_receipt_supplement_and_refusal_are_notified(
    catalog: Any,
    org: dict[str, Agency],
    desk_officer: User,
    person: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = {**person, "email": "an@example.vn"}
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_receive(**receive_kwargs(desk_officer, org, person))
    sms = SimulatedMessage.objects.get()
    assert sms.recipient == "0912345678" and dossier.code in sms.body and "đã được tiếp nhận" in sms.body
    assert "11:30 03/03/2026" in sms.body  # the appointment printed on the receipt
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["an@example.vn"]
    with django_capture_on_commit_callbacks(execute=True):
        dossier_supplement_request(dossier, desk_officer, ["Giấy chứng sinh"], "Thiếu giấy chứng sinh")
    assert "cần bổ sung: Giấy chứng sinh" in SimulatedMessage.objects.order_by("-id")[0].body
    dossier.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        dossier_refuse(dossier, desk_officer, "Không đủ điều kiện")
    assert "Lý do: Không đủ điều kiện" in SimulatedMessage.objects.order_by("-id")[0].body
    assert Notification.objects.filter(reference=dossier.code).count() == 6


def test_an_unusable_phone_does_not_block_the_receipt(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any]
) -> None:
    dossier = dossier_receive(**receive_kwargs(desk_officer, org, {**person, "phone": "02223821000"}))
    assert dossier.pk and not Notification.objects.filter(channel="sms").exists()
