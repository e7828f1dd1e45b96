"""What the applicant is told, and when: receipt, supplement request, refusal, apology, result ready.

Messages go through the notification outbox (motcua.integrations): queued inside the action's transaction,
sent by the background worker after commit, retried on failure. The texts are Vietnamese because they go
to the applicant whatever language the officer's screen uses."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from motcua.integrations.services import notification_queue

from .models import Dossier, DossierEvent

TEMPLATES: dict[str, str] = {
    "received": "Hồ sơ {code} ({procedure}) đã được tiếp nhận. Hẹn trả kết quả: {due}. Tra cứu: {url}",
    "supplement_requested": "Hồ sơ {code} cần bổ sung: {missing}. Vui lòng bổ sung để tiếp tục giải quyết. Tra cứu: {url}",
    "refused": "Hồ sơ {code} không được tiếp nhận/giải quyết. Lý do: {comment}. Tra cứu: {url}",
    "apologised": "Xin lỗi ông/bà: hồ sơ {code} chậm so với hẹn. Ngày hẹn trả mới: {due}. Tra cứu: {url}",
    "result_ready": "Hồ sơ {code} đã có kết quả. Mời ông/bà nhận kết quả theo hình thức đã đăng ký. Tra cứu: {url}",
}


def dossier_notify(dossier: Dossier, event: DossierEvent) -> int:
    """Queue an SMS and an e-mail (when the applicant gave them) for a public event; returns how many."""
    template = TEMPLATES.get(event.action)
    if template is None or not event.public:
        return 0
    applicant = dossier.applicant
    missing = ", ".join(str(item) for item in event.data.get("missing_items", [])) or event.comment
    text = template.format(
        code=dossier.code,
        procedure=dossier.procedure_version.name,
        due=timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y"),
        missing=missing,
        comment=event.comment,
        url=f"{settings.MOTCUA_PUBLIC_URL}/tra-cuu-ho-so/?ma={dossier.code}",
    )
    queued = 0
    for channel, recipient in (("sms", applicant.phone), ("email", applicant.email)):
        if not recipient:
            continue
        try:
            notification_queue(
                channel=channel,
                recipient=recipient,
                subject=f"Hồ sơ {dossier.code}",
                body=text,
                reference=dossier.code,
            )
            queued += 1
        except ValidationError:
            # A contact the channel cannot use (e.g. a landline for SMS) must not block the officer's action.
            continue
    return queued
