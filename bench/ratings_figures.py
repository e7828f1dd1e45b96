"""Benchmark: satisfaction-rating figures and lists with many ratings on PostgreSQL.

    .venv/bin/python bench/ratings_figures.py [--ratings 1000000] [--repeat 5]

1. Builds `motcua_bench_ratings` once: migrate, the demo province, then `--ratings` returned dossiers (copies
   of a demo dossier spread over the demo's competent agencies and receiving units, received over one year)
   each with a rating (random scores, mostly high) and two officers (the desk's receiver, the agency's
   handler), all through bulk inserts and ``INSERT … SELECT``; skipped when the data is there. Then
   ``VACUUM (ANALYZE)``.
2. Times the selectors the pages and the API call (median of `--repeat` runs, warm cache) for the provincial
   supervisor (the whole province, one year) and for a commune's leader (one commune), counts their queries,
   and prints the plan of the per-agency aggregate.
No server and no network; every loop is bounded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_NAME = "motcua_bench_ratings"


def setup() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]).fetchone():
            conn.execute(f"CREATE DATABASE {PG_NAME}")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()


def build(total: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from motcua.accounts.models import User
    from motcua.dossiers.models import Dossier
    from motcua.feedback.indices import INDEX_CODES
    from motcua.feedback.models import Rating
    from motcua.org.models import Agency, AgencyKind, Role, StaffRole

    call_command("migrate", verbosity=0)
    if not Agency.objects.exists():
        call_command("demo_seed", verbosity=0)
    present = Rating.objects.count()
    if present >= total:
        print(f"data present: {present:,} ratings")
        return
    started = time.perf_counter()
    template = Dossier.objects.filter(rating__isnull=True).order_by("id").first()
    assert template is not None
    units = list(Agency.objects.filter(kind__in=[AgencyKind.SERVICE_CENTER, AgencyKind.ONE_STOP_DESK]))
    competent = list(
        Agency.objects.filter(kind__in=[AgencyKind.DEPARTMENT, AgencyKind.COMMUNE_COMMITTEE]).order_by("id")
    )
    receivers = {
        role.agency_id: role.user_id for role in StaffRole.objects.filter(role=Role.RECEPTION_OFFICER)
    }
    handler = User.objects.get(username="admin")
    now = timezone.now()
    made = Dossier.objects.filter(code__startswith="BENCH-").count()
    batch = 20_000
    while made < total:
        rows = []
        for number in range(made, min(made + batch, total)):
            copy = Dossier()
            for field in Dossier._meta.concrete_fields:
                if not field.primary_key:
                    setattr(copy, field.attname, getattr(template, field.attname))
            received = now - timedelta(days=number % 365, minutes=number % 1440)
            unit = units[number % len(units)]
            copy.pk = None
            copy.code = f"BENCH-{number:08d}"
            copy.receiving_unit = unit
            copy.competent_agency = competent[number % len(competent)]
            copy.created_by_id = receivers.get(unit.pk, template.created_by_id)
            copy.status = "returned"
            copy.received_at = received
            copy.due_at = received + timedelta(days=3)
            copy.finished_at = received + timedelta(days=2)
            copy.returned_at = received + timedelta(days=2, hours=4)
            copy.form_data = {}
            rows.append(copy)
        with transaction.atomic():
            Dossier.objects.bulk_create(rows, batch_size=5000)
        made += len(rows)
        print(f"dossiers: {made:,} ({time.perf_counter() - started:.0f} s)", flush=True)
    scores = ", ".join(
        f"(CASE WHEN random() < 0.8 THEN 2 WHEN random() < 0.7 THEN 1 ELSE 0 END) AS {code}"
        for code in INDEX_CODES
    )
    columns = ", ".join(INDEX_CODES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO feedback_rating (dossier_id, rater_id, channel, competent_agency_id, {columns}, total,
                                         comment, created_at)
            SELECT s.id, %s, 'portal', s.competent_agency_id, {columns}, {" + ".join(INDEX_CODES)}, '',
                   s.returned_at + interval '5 hours'
            FROM (SELECT d.id, d.competent_agency_id, d.returned_at, {scores}
                  FROM dossiers_dossier d LEFT JOIN feedback_rating r ON r.dossier_id = d.id
                  WHERE d.code LIKE 'BENCH-%%' AND r.id IS NULL) s
            """,
            [handler.pk],
        )
        cursor.execute(
            """
            INSERT INTO feedback_ratingofficer (rating_id, officer_id, agency_id, part, created_at)
            SELECT r.id, d.created_by_id, d.receiving_unit_id, 'receipt', r.created_at
            FROM feedback_rating r JOIN dossiers_dossier d ON d.id = r.dossier_id
            WHERE d.code LIKE 'BENCH-%%' AND d.created_by_id IS NOT NULL
            UNION ALL
            SELECT r.id, %s, r.competent_agency_id, 'handling', r.created_at
            FROM feedback_rating r JOIN dossiers_dossier d ON d.id = r.dossier_id
            WHERE d.code LIKE 'BENCH-%%' AND d.created_by_id IS DISTINCT FROM %s
            ON CONFLICT DO NOTHING
            """,
            [handler.pk, handler.pk],
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) feedback_rating, feedback_ratingofficer, dossiers_dossier")
    print(f"built {Rating.objects.count():,} ratings in {time.perf_counter() - started:.0f} s")


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, int, Any]:
    """Median milliseconds, number of queries, and the last result of ``run``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    durations = []
    result = None
    queries = 0
    for _ in range(repeat):
        connection.queries_log.clear()  # the bulk build filled the log: a full log counts nothing new
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            result = run()
            durations.append((time.perf_counter() - began) * 1000)
        queries = len(captured)
    return statistics.median(durations), queries, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    setup()
    build(options.ratings)

    from django.db import connection
    from django.db.models import Count, Sum

    from motcua.accounts.models import User
    from motcua.feedback.models import Rating
    from motcua.feedback.selectors import Period, agency_figures, officer_figures, ratings_page
    from motcua.org.models import Agency

    today = date.today()
    year = Period(today - timedelta(days=364), today)
    quarter = Period(today - timedelta(days=90), today)
    print(
        f"ratings: {Rating.objects.count():,}; machine: {os.cpu_count()} cores; PostgreSQL {connection.pg_version}"
    )
    for username in ("giamsat", "lanhdao.bacgiang"):
        for label, period in (("1 year", year), ("90 days", quarter)):

            def fresh(name: str = username) -> User:
                return User.objects.get(username=name)  # a new role cache, as a new request has

            for name, run in (
                ("agency_figures", lambda p=period: agency_figures(fresh(), p)),
                ("officer_figures", lambda p=period: officer_figures(fresh(), p)),
                ("ratings_page (first)", lambda p=period: ratings_page(fresh(), p, size=50).items),
            ):
                ms, queries, result = timed(run, options.repeat)
                print(
                    f"{username:<18} {label:<8} {name:<22} {ms:8.1f} ms  {queries} queries  {len(result)} rows"
                )
    commune = Agency.objects.get(code="000.00.41.H24")
    page = ratings_page(User.objects.get(username="giamsat"), year, agency=commune, size=50)
    for _ in range(100):
        if page.next_after is None:
            break
        page = ratings_page(
            User.objects.get(username="giamsat"), year, agency=commune, after=page.next_after, size=50
        )
    ms, queries, _result = timed(
        lambda: ratings_page(
            User.objects.get(username="giamsat"), year, agency=commune, after=page.next_after, size=50
        ),
        options.repeat,
    )
    print(f"giamsat            1 year   ratings_page (page 101) {ms:8.1f} ms  {queries} queries")
    low, high = year.bounds()
    qs = (
        Rating.objects.filter(
            created_at__gte=low, created_at__lt=high, competent_agency__path__startswith=commune.path
        )
        .values("competent_agency")
        .annotate(n=Count("id"), total=Sum("total"))
    )
    print(qs.explain(analyze=True))


if __name__ == "__main__":
    main()
