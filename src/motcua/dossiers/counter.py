"""Decisions at the counter that receive no dossier (NĐ 61/2018 Art. 19, TT 01/2018 Mẫu 02 and 03).

Reception ends in exactly one of three ways: the dossier is received (``services.dossier_receive``, Mẫu 01),
the applicant is asked to complete it first (Mẫu 02), or it is refused (Mẫu 03). In the last two no dossier
exists and no dossier code is issued; the decision is still numbered and kept, so a desk's refusals can be
counted and the applicant can show the slip when they come back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureVersion
from motcua.org.models import Agency
from motcua.org.scoping import AnyUser, Capability, can

from .models import CounterDecision, CounterDecisionKind
from .services import _officer


def counter_decision_issue(
    *,
    officer: AnyUser,
    unit: Agency,
    procedure_version: ProcedureVersion,
    kind: str,
    applicant_name: str,
    applicant_id_number: str = "",
    applicant_phone: str = "",
    applicant_email: str = "",
    missing_items: Sequence[str] = (),
    reason: str = "",
    now: datetime | None = None,
) -> CounterDecision:
    """Record a Mẫu 02 (``completion``: every missing item at once) or a Mẫu 03 (``refusal``: the reason)
    given at the desk of ``unit``. Every problem is reported at once; nothing is written then."""
    user = _officer(officer)
    now = now or timezone.now()
    if not can(user, Capability.DOSSIER_RECEIVE, unit):
        raise ValidationError(
            _("You may not receive dossiers at %(unit)s.") % {"unit": unit.name}, code="forbidden"
        )
    errors: list[ValidationError] = []
    if kind not in CounterDecisionKind.values:
        raise ValidationError(_("Unknown decision at the counter."), code="kind")
    name = (applicant_name or "").strip()
    if not name:
        errors.append(ValidationError(_("The applicant's name is required."), code="name_required"))
    id_number = (applicant_id_number or "").strip()
    if id_number and not (id_number.isdigit() and len(id_number) == 12):
        errors.append(ValidationError(_("A citizen ID number has 12 digits."), code="id_number"))
    email = (applicant_email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(ValidationError(_("Enter a valid e-mail address."), code="email"))
    items = [str(item).strip() for item in missing_items if str(item).strip()]
    reason = (reason or "").strip()
    if kind == CounterDecisionKind.COMPLETION and not items:
        errors.append(
            ValidationError(
                _("List every missing item (at least one): the applicant is asked once for all of them."),
                code="missing_items",
            )
        )
    if kind == CounterDecisionKind.REFUSAL and not reason:
        errors.append(ValidationError(_("A refusal must state its reason."), code="reason_required"))
    if errors:
        raise ValidationError(errors)
    return CounterDecision.objects.create(
        kind=kind,
        unit=unit,
        procedure_version=procedure_version,
        applicant_name=name[:200],
        applicant_id_number=id_number,
        applicant_phone=(applicant_phone or "").strip()[:20],
        applicant_email=email,
        missing_items=items if kind == CounterDecisionKind.COMPLETION else [],
        reason=reason,
        issued_at=now,
        officer=user,
    )


__all__ = ["counter_decision_issue"]
