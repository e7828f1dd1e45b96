"""Writes of the satisfaction ratings: ``rating_submit``, and what MotCua's record says for the indices it can
compute (``rating_computed_scores``) and which officers a rating concerns (``rating_officers``).

A rating is given once per dossier: the dossier's row is locked while the rating is checked and written, and
the unique constraint on ``Rating.dossier`` catches whatever would slip past the lock. Submitting the same
rating twice (a double click, a resent page) returns the first one; a different second rating is refused.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import AccountKind, User
from motcua.documents.timeliness import Timeliness, timeliness
from motcua.dossiers.models import Channel, Dossier, DossierAction, DossierEvent, DossierStatus
from motcua.dossiers.online import dossiers_of_applicant
from motcua.dossiers.services import RETURNED, ReturnMethod
from motcua.org.scoping import AnyUser, Capability, can
from motcua.workflow.models import StepInstance

from .indices import INDEX_CODES, INDICES, SCORES
from .models import OfficerPart, Rating, RatingChannel, RatingOfficer

# The longest comment kept with a rating, in characters.
MAX_COMMENT = 2000
# The result is ready (finished) or handed over (returned): only then is the settlement rated (TT 01/2018 Art. 13).
RATEABLE_STATUSES = (DossierStatus.FINISHED, DossierStatus.RETURNED)
ONLINE_CHANNELS = (Channel.ONLINE, Channel.NATIONAL_PORTAL)


# --- what the record says ---------------------------------------------------------------------------


def _total_time(dossier: Dossier) -> int | None:
    """Index 1: before or on the appointment day, 2; late with an apology (Mẫu 04) and by its new date, 1;
    otherwise 0. Measured against the statutory date (the one an apology replaced), by calendar day as on the
    slips (``documents.timeliness``)."""
    if dossier.finished_at is None:
        return None
    statutory = dossier.due_before_apology or dossier.due_at
    if timeliness(dossier.finished_at, statutory) is not Timeliness.LATE:
        return 2
    if (
        dossier.apologised_at is not None
        and timeliness(dossier.finished_at, dossier.due_at) is not Timeliness.LATE
    ):
        return 1
    return 0


def _contacts(dossier: Dossier) -> int:
    """Index 3: each supplement request after receipt is one more contact to complete the dossier."""
    if dossier.supplement_count <= 1:
        return 2
    return 1 if dossier.supplement_count == 2 else 0


def _places_and_online_return(dossier: Dossier) -> tuple[int, bool]:
    """Index 4 and half of index 9 from the history: the places where the applicant met officers, and whether
    the result was sent online.

    The applicant meets the receiving unit at receipt. A supplement brought on paper, or a result collected
    at the counter, from an officer who does not work at the receiving unit's desk means a visit to the
    competent agency as well."""
    events = list(
        DossierEvent.objects.filter(
            dossier=dossier, action__in=(DossierAction.SUPPLEMENT_RECEIVED, RETURNED)
        ).select_related("actor")
    )
    places = {dossier.receiving_unit_id}
    returned_online = False
    for event in events:
        if event.action == RETURNED and event.data.get("method") == ReturnMethod.ONLINE:
            returned_online = True
            continue
        in_person = (event.action == RETURNED and event.data.get("method") == ReturnMethod.COUNTER) or (
            event.action == DossierAction.SUPPLEMENT_RECEIVED and not event.data.get("online")
        )
        actor = event.actor
        if (
            in_person
            and actor is not None
            and not can(actor, Capability.DOSSIER_RECEIVE, dossier.receiving_unit)
        ):
            places.add(dossier.competent_agency_id)
    return len(places), returned_online


def rating_computed_scores(dossier: Dossier) -> dict[str, int | None]:
    """The scores MotCua's record gives the indices it can compute (None where the record says nothing).

    Index 9 (online service) is 2 when the dossier was filed and its result returned online, 1 when only one
    of the two was; a dossier filed and collected on paper says nothing about the online service."""
    places, returned_online = _places_and_online_return(dossier)
    online_steps = int(dossier.channel in ONLINE_CHANNELS) + int(returned_online)
    return {
        "total_time": _total_time(dossier),
        "contacts": _contacts(dossier),
        "agencies": 2 if places == 1 else (1 if places == 2 else 0),
        "online": {2: 2, 1: 1}.get(online_steps),
    }


@dataclass(frozen=True)
class OfficerLink:
    officer_id: int
    agency_id: int
    part: OfficerPart


def rating_officers(dossier: Dossier) -> list[OfficerLink]:
    """The officers a rating of ``dossier`` concerns, each once (their first part in the dossier): the officer
    who received it, those who acted on its process steps (in the agency of the step), and the officer who
    returned the result (at the receiving unit)."""
    links: dict[int, OfficerLink] = {}

    def add(user_id: int | None, agency_id: int, part: OfficerPart) -> None:
        if user_id is not None and user_id not in links:
            links[user_id] = OfficerLink(user_id, agency_id, part)

    add(dossier.created_by_id, dossier.receiving_unit_id, OfficerPart.RECEIPT)
    steps = (
        StepInstance.objects.filter(dossier=dossier, ended_by__isnull=False)
        .order_by("started_at", "id")
        .values_list("ended_by", "agency")
    )
    for user_id, agency_id in steps:
        add(user_id, agency_id, OfficerPart.HANDLING)
    returner = (
        DossierEvent.objects.filter(dossier=dossier, action=RETURNED, actor__isnull=False)
        .order_by("at", "id")
        .values_list("actor", flat=True)
        .first()
    )
    add(returner, dossier.receiving_unit_id, OfficerPart.RETURN)
    applicants = set(
        User.objects.filter(pk__in=list(links)).exclude(kind=AccountKind.STAFF).values_list("pk", flat=True)
    )
    return [link for user_id, link in links.items() if user_id not in applicants]


# --- submitting ---------------------------------------------------------------------------------------


def scores_check(scores: Mapping[str, object]) -> dict[str, int]:
    """The nine scores as integers, or a ValidationError naming every missing or invalid index."""
    errors: list[ValidationError] = []
    if not isinstance(scores, Mapping):
        raise ValidationError(_("The scores must be given per index."), code="scores_type")
    unknown = sorted(str(key) for key in scores if key not in INDEX_CODES)
    if unknown:
        errors.append(
            ValidationError(
                _("Unknown index %(codes)s: the indices are %(known)s.")
                % {"codes": ", ".join(unknown), "known": ", ".join(INDEX_CODES)},
                code="unknown_index",
            )
        )
    checked: dict[str, int] = {}
    for index in INDICES:
        value = scores.get(index.code)
        if value is None or value == "":
            errors.append(
                ValidationError(
                    _("Index %(number)d (%(title)s): choose one of the answers.")
                    % {"number": index.number, "title": index.title},
                    code="missing_index",
                )
            )
            continue
        score = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and value.strip().isdigit():
            score = int(value.strip())
        if score not in SCORES:
            errors.append(
                ValidationError(
                    _("Index %(number)d (%(title)s): the score must be 2, 1 or 0, not %(value)s.")
                    % {"number": index.number, "title": index.title, "value": str(value)[:20]},
                    code="invalid_score",
                )
            )
            continue
        assert score is not None
        checked[index.code] = score
    if errors:
        raise ValidationError(errors)
    return checked


def _same(rating: Rating, rater: User, scores: Mapping[str, int], comment: str) -> bool:
    return (
        rating.rater_id == rater.pk
        and all(rating.score(code) == value for code, value in scores.items())
        and rating.comment == comment
    )


def _already_rated(rating: Rating) -> ValidationError:
    return ValidationError(
        _("Dossier %(code)s was already rated on %(date)s; a rating cannot be changed.")
        % {
            "code": rating.dossier.code,
            "date": timezone.localtime(rating.created_at).strftime("%d/%m/%Y"),
        },
        code="already_rated",
    )


def rating_submit(
    dossier: Dossier,
    user: AnyUser,
    scores: Mapping[str, object],
    comment: str = "",
    *,
    channel: str = RatingChannel.PORTAL,
    now: datetime | None = None,
) -> Rating:
    """Rate the settlement of ``dossier`` (TT 01/2018 Art. 13): the nine scores (2/1/0) and a comment.

    Only an applicant account that may follow the dossier (``dossiers_of_applicant``), only once the result
    is finished or returned, once. Resubmitting the same rating returns it; any other second rating is
    refused (code ``already_rated``). Bad input changes nothing."""
    if not isinstance(user, User) or not user.is_active or not user.is_applicant:
        raise ValidationError(
            _("Log in with the citizen or organisation account the dossier was filed from to rate it."),
            code="forbidden",
        )
    if channel not in RatingChannel.values:
        raise ValidationError(_("Unknown rating channel %(channel)r.") % {"channel": channel}, code="channel")
    if not isinstance(comment, str):
        raise ValidationError(_("The comment must be text."), code="comment_type")
    comment = comment.strip()
    now = now or timezone.now()
    with transaction.atomic():
        current = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("receiving_unit", "competent_agency")
            .get(pk=dossier.pk)
        )
        if not dossiers_of_applicant(user).filter(pk=current.pk).exists():
            raise ValidationError(
                _("Dossier %(code)s is not one of yours: only its applicant rates it.")
                % {"code": current.code},
                code="forbidden",
            )
        existing = Rating.objects.select_related("dossier").filter(dossier=current).first()
        if existing is not None:
            # Invalid scores cannot be a resubmission of the stored rating: the answer is the same refusal.
            with contextlib.suppress(ValidationError):
                if _same(existing, user, scores_check(scores), comment):
                    return existing
            raise _already_rated(existing)
        if current.status not in RATEABLE_STATUSES:
            raise ValidationError(
                _("Dossier %(code)s is %(status)s: it can be rated once its result is ready.")
                % {"code": current.code, "status": current.get_status_display()},
                code="too_early",
            )
        checked = scores_check(scores)
        if len(comment) > MAX_COMMENT:
            raise ValidationError(
                _("The comment is %(length)d characters long; at most %(max)d are kept.")
                % {"length": len(comment), "max": MAX_COMMENT},
                code="comment_too_long",
            )
        computed = rating_computed_scores(current)
        rating = Rating(
            dossier=current,
            rater=user,
            channel=channel,
            competent_agency_id=current.competent_agency_id,
            total=sum(checked.values()),
            comment=comment,
            created_at=now,
            **checked,
            **{f"computed_{code}": value for code, value in computed.items()},
        )
        try:
            with transaction.atomic():
                rating.save()
        except IntegrityError:
            # Another request rated the dossier between the check and the write (the lock covers this on
            # PostgreSQL; the constraint covers it everywhere).
            existing = Rating.objects.select_related("dossier").get(dossier=current)
            if _same(existing, user, checked, comment):
                return existing
            raise _already_rated(existing) from None
        RatingOfficer.objects.bulk_create(
            RatingOfficer(
                rating=rating,
                officer_id=link.officer_id,
                agency_id=link.agency_id,
                part=link.part,
                created_at=now,
            )
            for link in rating_officers(current)
        )
    return rating
