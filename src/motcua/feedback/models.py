"""Satisfaction ratings (đánh giá mức độ hài lòng, TT 01/2018 Art. 13–15); the petitions (PAKN) will live here
too.

``Rating``
    One per dossier (unique), given by an account that may follow the dossier once its result is ready. The
    nine scores are columns named by the index codes of ``indices.INDICES`` (2/1/0, checked by the database
    too) so that every figure is one aggregate over one table; ``total`` is their sum (also checked). The
    ``computed_*`` columns keep what MotCua's record said for the indices it can compute, beside what the
    applicant chose (see docs/ratings.md). ``competent_agency`` is copied from the dossier so the
    per-agency figures and lists read one index, ``(competent_agency, created_at, id)``.
``RatingOfficer``
    The officers a rating concerns: who received the dossier, who acted on its process steps, who returned
    the result, each with the agency where they acted. ``created_at`` is the rating's, copied, so an officer's
    figures and list are one range scan of ``(officer, created_at, rating)`` or ``(agency, created_at)``.
Ratings are never edited: a second submission returns the first rating or is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .indices import INDICES, SCORES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("Public-service portal")
    KIOSK = "kiosk", _("Rating device at the counter")


def _score_field(verbose_name: StrOrPromise) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(verbose_name, choices=[(s, str(s)) for s in SCORES])


def _computed_field(verbose_name: StrOrPromise) -> models.PositiveSmallIntegerField[int | None, int | None]:
    return models.PositiveSmallIntegerField(
        verbose_name, null=True, blank=True, choices=[(s, str(s)) for s in SCORES]
    )


class Rating(models.Model):
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="rating", verbose_name=_("dossier")
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("rated by")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=RatingChannel.choices)
    competent_agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("competent agency")
    )
    # The nine indices of TT 01/2018 Art. 13, in its order (the column names are the index codes).
    total_time = _score_field(_("total time"))
    agency_time = _score_field(_("time of each agency"))
    contacts = _score_field(_("contacts to complete the dossier"))
    agencies = _score_field(_("agencies contacted"))
    one_stop = _score_field(_("one-stop practice"))
    publication = _score_field(_("publication"))
    attitude = _score_field(_("officers' attitude"))
    feedback = _score_field(_("feedback handling"))
    online = _score_field(_("online service"))
    total = models.PositiveSmallIntegerField(_("total"))
    # What the dossier's record gave for the indices MotCua computes (None: not computable for this dossier).
    computed_total_time = _computed_field(_("total time, from the record"))
    computed_contacts = _computed_field(_("contacts, from the record"))
    computed_agencies = _computed_field(_("agencies contacted, from the record"))
    computed_online = _computed_field(_("online service, from the record"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="RatingOfficer",
        related_name="+",
        verbose_name=_("officers concerned"),
    )

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{index.code}__lte": max(SCORES)}), name=f"rating_{index.code}_range"
                )
                for index in INDICES
            ),
            models.CheckConstraint(
                condition=Q(total=sum((F(index.code) for index in INDICES[1:]), start=F(INDICES[0].code))),
                name="rating_total_is_the_sum",
            ),
        ]
        indexes = [
            # Figures per agency over a period, and the list of an agency's ratings (keyset on created_at, id).
            models.Index(fields=("competent_agency", "created_at", "id"), name="rating_agency_period"),
            # The province-wide list of the provincial supervisor.
            models.Index(fields=("created_at", "id"), name="rating_period"),
        ]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.total}"

    def score(self, code: str) -> int:
        value: int = getattr(self, code)
        return value

    @property
    def staff_score(self) -> int:
        from .indices import staff_indices

        return sum(self.score(index.code) for index in staff_indices())


class OfficerPart(models.TextChoices):
    RECEIPT = "receipt", _("Received the dossier")
    HANDLING = "handling", _("Handled a process step")
    RETURN = "return", _("Returned the result")


class RatingOfficer(models.Model):
    rating = models.ForeignKey(
        Rating, on_delete=models.CASCADE, related_name="officer_links", verbose_name=_("rating")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    part = models.CharField(_("part in the dossier"), max_length=10, choices=OfficerPart.choices)
    created_at = models.DateTimeField(_("rated at"))

    class Meta:
        ordering = ("-created_at", "-rating")
        constraints = [
            models.UniqueConstraint(fields=("rating", "officer"), name="rating_officer_unique"),
        ]
        indexes = [
            # One officer's list of ratings (keyset on created_at, rating).
            models.Index(fields=("officer", "created_at", "rating"), name="rating_officer_period"),
            # Figures per officer of the agencies in a scope, over a period.
            models.Index(fields=("agency", "created_at"), name="rating_officer_agency"),
        ]
        verbose_name = _("officer concerned by a rating")
        verbose_name_plural = _("officers concerned by ratings")

    def __str__(self) -> str:
        return f"{self.rating_id} · {self.officer_id}"
