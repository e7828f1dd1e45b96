"""Demo signing: the demo's own CA, a certificate per agency leader, and a few results signed through the
real path (a one-time code sent to the leader's phone through the SMS simulator, then ``results_sign``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from motcua.accounts.models import User
from motcua.integrations.models import Notification
from motcua.org.models import RECEIVING_KINDS, Agency, AgencyKind, Role, StaffRole

from .ca import certificate_issue, demo_ca_ensure
from .models import SigningCertificate
from .otp import SIGN, code_issue
from .services import results_sign, signable_documents


@dataclass
class DemoSigningReport:
    certificates: int = 0
    signed: int = 0
    seals: int = 0


def _title(kind: str) -> str:
    if kind in (AgencyKind.COMMUNE_COMMITTEE, AgencyKind.PROVINCIAL_COMMITTEE):
        return "Chủ tịch"
    return "Giám đốc"


def demo_signing_create(per_leader: int = 3) -> DemoSigningReport:
    report = DemoSigningReport()
    authority = demo_ca_ensure()
    # An electronic seal per receiving unit: its slips (Mẫu 01–05) are sealed when printed.
    for unit in Agency.objects.filter(kind__in=RECEIVING_KINDS, is_active=True):
        if not SigningCertificate.objects.filter(agency=unit, user__isnull=True, is_active=True).exists():
            certificate_issue(authority, None, unit, "Con dấu điện tử")
            report.seals += 1
    for role in StaffRole.objects.filter(role=Role.AGENCY_LEADER).select_related("user", "agency"):
        user: User = role.user
        if not SigningCertificate.objects.filter(user=user, is_active=True).exists():
            certificate_issue(authority, user, role.agency, _title(role.agency.kind))
            report.certificates += 1
        documents = signable_documents(user)[:per_leader]
        if not documents or not (user.phone or user.email):
            continue
        code_issue(user, SIGN)
        message = Notification.objects.filter(reference=f"otp:{user.pk}").order_by("-id").first()
        found = re.search(r"\b(\d{6})\b", message.body) if message is not None else None
        if found is None:
            continue
        report.signed += len(results_sign(documents, user, found.group(1)).signed)
    return report
