"""Demo ratings: most of the demo's finished and returned dossiers rated by their applicants, through
``rating_submit``, with a realistic spread (mostly content, some late or unhappy, a few very unhappy).

A rating needs the applicant's account. ``demo_ratings_create`` takes the function that gives it
(``account_for``); the default, ``demo_rater_account``, reuses the verified account holding the applicant's ID
number when one exists and otherwise creates a minimal one (no password: it only exists to have rated).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from motcua.accounts.models import AccountKind, User
from motcua.dossiers.models import ApplicantKind, Dossier

from .indices import INDICES
from .services import RATEABLE_STATUSES, rating_computed_scores, rating_submit

# What applicants write, by how the handling went for them.
COMMENTS: dict[str, tuple[str, ...]] = {
    "content": (
        "Cán bộ hướng dẫn tận tình, trả kết quả đúng hẹn.",
        "Thủ tục nhanh gọn, tôi rất hài lòng.",
        "Nộp trực tuyến thuận tiện, không phải đi lại nhiều.",
    ),
    "mixed": (
        "Cần niêm yết rõ hơn các khoản phí, lệ phí.",
        "Khu vực chờ đông, nên bố trí thêm ghế ngồi.",
    ),
    "unhappy": (
        "Phải bổ sung giấy tờ nhiều lần, mất thời gian.",
        "Trả kết quả chậm so với giấy hẹn, không được báo trước.",
    ),
}


@dataclass
class DemoRatingsReport:
    rated: int = 0
    accounts: int = 0


def demo_rater_account(dossier: Dossier) -> User:
    """The applicant's verified account: the existing one with the applicant's ID number, or a new minimal
    demo account (username ``danhgia-<ID number>``, no usable password)."""
    applicant = dossier.applicant
    account = User.objects.filter(id_number=applicant.id_number, id_verified_at__isnull=False).first()
    if account is not None:
        return account
    account = User(
        username=f"danhgia-{applicant.id_number}",
        kind=AccountKind.CITIZEN,
        full_name=applicant.full_name,
        id_number=applicant.id_number,
        id_verified_at=timezone.now(),
        date_of_birth=applicant.date_of_birth,
        phone=applicant.phone,
    )
    account.set_unusable_password()
    account.save()
    return account


def _service(agency_code: str) -> tuple[int, int, int]:
    """How often an agency's applicants leave content, mixed or unhappy: agencies differ, so the demo's
    figures fall in several bands."""
    return ((75, 20, 5), (50, 35, 15), (25, 40, 35))[sum(map(ord, agency_code)) % 3]


def _score(rng: random.Random, mood: str, computed: int | None) -> int:
    """What an applicant in ``mood`` answers; where the record gives a score, they mostly keep it."""
    if computed is not None and rng.random() < 0.9:
        return computed
    weights = {"content": (88, 10, 2), "mixed": (55, 35, 10), "unhappy": (20, 40, 40)}[mood]
    return rng.choices((2, 1, 0), weights=weights)[0]


def demo_ratings_create(
    share: float = 0.7,
    *,
    seed: int = 2026,
    account_for: Callable[[Dossier], User] = demo_rater_account,
) -> DemoRatingsReport:
    """Rate about ``share`` of the finished and returned dossiers of people (some stay unrated, to be rated
    by hand), a few hours to three days after the result, never in the future."""
    rng = random.Random(seed)
    report = DemoRatingsReport()
    now = timezone.now()
    dossiers = (
        Dossier.objects.filter(
            status__in=RATEABLE_STATUSES, applicant__kind=ApplicantKind.PERSON, rating__isnull=True
        )
        .exclude(applicant__id_number="")
        .select_related("applicant", "receiving_unit", "competent_agency")
        .order_by("finished_at", "id")
    )
    for dossier in dossiers:
        if rng.random() >= share:
            continue
        accounts_before = User.objects.filter(id_number=dossier.applicant.id_number).exists()
        account = account_for(dossier)
        report.accounts += int(not accounts_before)
        mood = rng.choices(("content", "mixed", "unhappy"), weights=_service(dossier.competent_agency.code))[
            0
        ]
        computed = rating_computed_scores(dossier)
        scores = {index.code: _score(rng, mood, computed.get(index.code)) for index in INDICES}
        ready = dossier.returned_at or dossier.finished_at or now
        moment = min(ready + timedelta(hours=rng.randint(2, 72)), now)
        comment = rng.choice(COMMENTS[mood]) if rng.random() < 0.4 else ""
        rating_submit(dossier, account, scores, comment, now=moment)
        report.rated += 1
    return report
