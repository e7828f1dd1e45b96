"""The demo ratings: made through ``rating_submit`` with the applicants' accounts, once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.feedback.demo import demo_rater_account, demo_ratings_create
from motcua.feedback.indices import INDEX_CODES
from motcua.feedback.models import Rating, RatingOfficer

from .conftest import ID_NUMBER

pytestmark = pytest.mark.django_db


def test_demo_ratings_use_the_applicants_accounts(finished: Dossier) -> None:
    report = demo_ratings_create(share=1.0)
    assert (report.rated, report.accounts) == (1, 1)
    rating = Rating.objects.get()
    account = User.objects.get(username=f"danhgia-{ID_NUMBER}")
    assert rating.rater == account and account.is_applicant and not account.has_usable_password()
    assert rating.total == sum(rating.score(code) for code in INDEX_CODES)
    assert finished.finished_at is not None
    assert (
        finished.finished_at + timedelta(hours=2)
        <= rating.created_at
        <= finished.finished_at + timedelta(hours=72)
    )
    assert RatingOfficer.objects.filter(rating=rating, officer__username="desk-officer").exists()
    # Run again: nothing left to rate, no account added.
    assert demo_ratings_create(share=1.0).rated == 0 and User.objects.filter(kind="citizen").count() == 1


def test_an_existing_verified_account_is_reused(finished: Dossier, citizen: User) -> None:
    assert demo_rater_account(finished) == citizen
    demo_ratings_create(share=1.0)
    assert Rating.objects.get().rater == citizen
