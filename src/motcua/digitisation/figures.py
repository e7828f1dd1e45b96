"""Digitisation figures (chỉ tiêu số hóa) per agency and per commune, against configurable targets.

* Dossiers with a digitised component: dossiers received in the period that hold at least one scan turned
  into a searchable PDF/A, over all dossiers received in the period (QĐ 766: "số hóa thành phần hồ sơ").
* Results in digital form: results issued through MotCua (approved result documents) plus earlier results
  digitised into the personal data store, still in force today, per issuing agency.
Targets come from ``MOTCUA_DIGITISATION_TARGETS`` (percent per level code, e.g. province 50, commune 35).
One aggregate query per table, whatever the number of dossiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import Cast

from motcua.datastore.models import StoredDocument
from motcua.dossiers.models import Dossier, ResultDocument
from motcua.geo.models import AdministrativeUnit
from motcua.org.models import Agency

from .models import OcrResult, OcrStatus


@dataclass(frozen=True)
class FigureRow:
    agency: Agency
    received: int
    digitised: int
    results_in_force: int
    target: Decimal | None

    @property
    def share(self) -> Decimal:
        return (
            (Decimal(100) * self.digitised / self.received).quantize(Decimal("0.1"))
            if self.received
            else Decimal(0)
        )

    @property
    def meets_target(self) -> bool | None:
        return None if self.target is None else self.share >= self.target


def digitisation_figures(
    agencies: list[Agency], start: datetime, end: datetime, today: date
) -> list[FigureRow]:
    ids = [a.pk for a in agencies]
    digitised = Exists(OcrResult.objects.filter(attachment__dossier=OuterRef("pk"), status=OcrStatus.DONE))
    counts: dict[int, Any] = {
        row["competent_agency"]: row
        for row in Dossier.objects.filter(
            competent_agency__in=ids, received_at__gte=start, received_at__lt=end
        )
        .annotate(has_scan=Cast(digitised, IntegerField()))
        .values("competent_agency")
        .annotate(received=Count("id"), digitised=Sum("has_scan"))
        .order_by()
    }
    in_force = Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    issued = dict(
        ResultDocument.objects.filter(in_force, approved_at__isnull=False, dossier__competent_agency__in=ids)
        .values("dossier__competent_agency")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("dossier__competent_agency", "n")
    )
    stored = dict(
        StoredDocument.objects.filter(in_force, issuer__in=ids)
        .values("issuer")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("issuer", "n")
    )
    targets = settings.MOTCUA_DIGITISATION_TARGETS
    rows = []
    for agency in agencies:
        row = counts.get(agency.pk, {})
        target = targets.get(agency.level.code) if agency.level_id else None
        rows.append(
            FigureRow(
                agency=agency,
                received=int(row.get("received") or 0),
                digitised=int(row.get("digitised") or 0),
                results_in_force=int(issued.get(agency.pk, 0)) + int(stored.get(agency.pk, 0)),
                target=Decimal(target) if target is not None else None,
            )
        )
    return rows


@dataclass(frozen=True)
class CommuneRow:
    commune: AdministrativeUnit
    received: int
    digitised: int
    target: Decimal | None

    @property
    def share(self) -> Decimal:
        return (
            (Decimal(100) * self.digitised / self.received).quantize(Decimal("0.1"))
            if self.received
            else Decimal(0)
        )

    @property
    def meets_target(self) -> bool | None:
        return None if self.target is None else self.share >= self.target


def commune_figures(agencies: list[Agency], start: datetime, end: datetime) -> list[CommuneRow]:
    """The same share per commune of the applicants' addresses (dossiers of ``agencies``), against the
    commune-level target: where the province's digitisation stands commune by commune."""
    digitised = Exists(OcrResult.objects.filter(attachment__dossier=OuterRef("pk"), status=OcrStatus.DONE))
    rows = list(
        Dossier.objects.filter(
            competent_agency__in=[a.pk for a in agencies],
            received_at__gte=start,
            received_at__lt=end,
            applicant__commune__isnull=False,
        )
        .annotate(has_scan=Cast(digitised, IntegerField()))
        .values("applicant__commune")
        .annotate(received=Count("id"), digitised=Sum("has_scan"))
        .order_by()
    )
    communes = AdministrativeUnit.objects.in_bulk([row["applicant__commune"] for row in rows])
    target = settings.MOTCUA_DIGITISATION_TARGETS.get("commune")
    result = [
        CommuneRow(
            commune=communes[row["applicant__commune"]],
            received=int(row["received"] or 0),
            digitised=int(row["digitised"] or 0),
            target=Decimal(target) if target is not None else None,
        )
        for row in rows
        if row["applicant__commune"] in communes
    ]
    return sorted(result, key=lambda r: (r.share, r.commune.name))
