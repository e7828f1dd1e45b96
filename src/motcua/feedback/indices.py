"""The satisfaction indices of TT 01/2018 (Art. 13–15), as data: what the applicant is asked, what each score
means, which indices measure the officers, and the bands an agency's average falls in.

Art. 13 lists nine indices, each scored 2, 1 or 0 points (18 at most). The questions and the meaning of each
score follow the wording of the article and of the provinces' rating forms built on it; the texts are English
message ids whose Vietnamese (the wording the applicant reads) is in the catalog. The bands and the staff
indices come from settings (``MOTCUA_RATING_BANDS``, ``MOTCUA_RATING_STAFF_INDICES``,
``MOTCUA_RATING_STAFF_THRESHOLD``) because part of them is only [M] (see docs/ratings.md).

A band is decided exactly, on the sum of the totals and the number of ratings (``sum >= lower × count``), never
on a rounded average: 14.99 is "good", 15 is "excellent".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # Type-checking only: django-stubs is a development dependency.
    from django_stubs_ext import StrOrPromise

# The points an index may score, best first (the order of the choices on the form).
SCORES: tuple[int, ...] = (2, 1, 0)
POINTS_LABELS: dict[int, StrOrPromise] = {2: _("2 points"), 1: _("1 point"), 0: _("0 points")}


@dataclass(frozen=True)
class Index:
    code: str
    number: int
    title: StrOrPromise
    # What the applicant chooses for 2, 1 and 0 points, in that order.
    options: tuple[tuple[int, StrOrPromise], ...]
    # MotCua pre-selects a score computed from the dossier's record (``services.rating_computed_scores``).
    computed: bool = False

    @property
    def field(self) -> str:
        """The column of ``Rating`` holding the applicant's score."""
        return self.code


INDICES: tuple[Index, ...] = (
    Index(
        "total_time",
        1,
        _("Total time taken to settle the procedure, compared with the statutory time"),
        (
            (2, _("The result came before or on the appointment date")),
            (1, _("Late, but the agency apologised in writing and set a new date")),
            (0, _("Late, without a written apology")),
        ),
        computed=True,
    ),
    Index(
        "agency_time",
        2,
        _("Time taken by each agency involved (cooperating agencies included), compared with the rules"),
        (
            (2, _("Every agency did its part on time")),
            (1, _("An agency was late, but apologised in writing")),
            (0, _("An agency was late, without an apology")),
        ),
    ),
    Index(
        "contacts",
        3,
        _(
            "Number of times you had to contact the receiving desk to complete the dossier (online contacts "
            "included)"
        ),
        (
            # NĐ 61/2018: what is missing is listed all at once, in writing (Mẫu 02 of TT 01/2018), so one round
            # of completion is what the rules allow and still scores in full.
            (2, _("At most once (nothing to add, or everything added in one go)")),
            (1, _("Twice")),
            (0, _("Three times or more")),
        ),
        computed=True,
    ),
    Index(
        "agencies",
        4,
        _(
            "Number of agencies, units or organisations you had to contact to complete the dossier (online "
            "contacts included)"
        ),
        (
            (2, _("Only the one-stop desk where the dossier was filed")),
            (1, _("One other agency or unit as well")),
            (0, _("Two or more other agencies or units")),
        ),
        computed=True,
    ),
    Index(
        "one_stop",
        5,
        _("Receipt, settlement and return of the result through the one-stop desk"),
        (
            (2, _("Filed and collected at the one-stop desk (or online), as the rules require")),
            (1, _("Only partly: some step had to be done outside the one-stop desk")),
            (0, _("Not through the one-stop desk")),
        ),
    ),
    Index(
        "publication",
        6,
        _("Publication of the administrative procedure"),
        (
            (2, _("Published in full and correctly (documents, time limit, fees, forms)")),
            (1, _("Published, but incomplete or not quite correct")),
            (0, _("Not published")),
        ),
    ),
    Index(
        "attitude",
        7,
        _("Attitude of the officers when guiding you, receiving and settling the dossier"),
        (
            (2, _("Polite, helpful and responsible")),
            (1, _("Not polite enough or not helpful")),
            (0, _("Caused trouble or harassed you")),
        ),
    ),
    Index(
        "feedback",
        8,
        _("How your feedback and petitions were received and answered"),
        (
            (2, _("No feedback to give, or it was received and answered in full")),
            (1, _("Received and answered, but not satisfactorily")),
            (0, _("Not received or not answered")),
        ),
    ),
    Index(
        "online",
        9,
        _("Progress and quality of the competent agency's online public service"),
        (
            (2, _("Filed and received the result online, smoothly and on time")),
            (1, _("Only partly online (filing or result), or with difficulties")),
            (0, _("The online service was not offered or did not work")),
        ),
        computed=True,
    ),
)

INDEX_BY_CODE: dict[str, Index] = {index.code: index for index in INDICES}
INDEX_CODES: tuple[str, ...] = tuple(INDEX_BY_CODE)
MAX_TOTAL = max(SCORES) * len(INDICES)

# The words of the agency bands of TT 01/2018 (Art. 14–15 [M] for the article); their lower bounds are
# ``MOTCUA_RATING_BANDS``.
BAND_LABELS: dict[str, StrOrPromise] = {
    "excellent": _("Excellent"),
    "good": _("Good"),
    "fair": _("Fair"),
    "average": _("Average"),
    "poor": _("Poor"),
}


@dataclass(frozen=True)
class Band:
    code: str
    lower: Decimal

    @property
    def label(self) -> StrOrPromise:
        return BAND_LABELS[self.code]


def bands() -> list[Band]:
    """The bands, highest first; the last one starts at 0."""
    return [Band(code, Decimal(lower)) for code, lower in settings.MOTCUA_RATING_BANDS]


def band_for(total_sum: int, count: int) -> Band | None:
    """The band of ``count`` ratings whose totals add up to ``total_sum`` (None without ratings).

    Compared on the sum, not on a rounded average, so a boundary is exact (TT 01/2018: "từ 15 điểm trở lên")."""
    if count <= 0:
        return None
    all_bands = bands()
    for band in all_bands:
        if Decimal(total_sum) >= band.lower * count:
            return band
    return all_bands[-1]


def staff_indices() -> tuple[Index, ...]:
    """The indices an officer's own score adds up [M]: TT 01/2018 Art. 14–15 (see docs/ratings.md)."""
    return tuple(INDEX_BY_CODE[code] for code in settings.MOTCUA_RATING_STAFF_INDICES)


def staff_threshold() -> int:
    """From this score on the staff indices, an officer has done 100% of their duties on the dossier."""
    return int(settings.MOTCUA_RATING_STAFF_THRESHOLD)


def settings_check() -> None:
    """Refuse to start with bands or staff indices that do not exist, or a threshold no rating can reach."""
    unknown = [code for code, _lower in settings.MOTCUA_RATING_BANDS if code not in BAND_LABELS]
    if unknown:
        raise ImproperlyConfigured(
            f"MOTCUA_RATING_BANDS: unknown band {', '.join(unknown)}; the bands are {', '.join(BAND_LABELS)}"
        )
    codes = list(settings.MOTCUA_RATING_STAFF_INDICES)
    wrong = [code for code in codes if code not in INDEX_BY_CODE]
    if wrong or not codes or len(set(codes)) != len(codes):
        raise ImproperlyConfigured(
            "MOTCUA_RATING_STAFF_INDICES must list distinct index codes among "
            f"{', '.join(INDEX_CODES)}; got {', '.join(codes) or 'nothing'}"
        )
    threshold = settings.MOTCUA_RATING_STAFF_THRESHOLD
    if not 0 < threshold <= max(SCORES) * len(codes):
        raise ImproperlyConfigured(
            f"MOTCUA_RATING_STAFF_THRESHOLD must be between 1 and {max(SCORES) * len(codes)} "
            f"(the most the staff indices give), got {threshold}"
        )
