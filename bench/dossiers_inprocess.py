"""Where a dossier request's time goes, measured inside one process on the 1,000,000-dossier database.

    .venv/bin/python bench/dossiers_inprocess.py [--requests 40] [--profile SCENARIO] [--only TEXT]

Runs each scenario of ``bench/dossiers_scale.py`` (which builds ``motcua_bench_dossiers``) through Django's
test client with the production settings (DEBUG off, prepared statements on), and prints per scenario the
number of SQL queries, the median wall time and the median time spent in SQL. No server, no load generator,
no queueing: this is the service time that the 16-client figures multiply. ``--profile NAME`` prints the
top functions by cumulative time (cProfile) for the scenario whose label starts with NAME.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.catalog_lookup import OUT  # noqa: E402
from bench.dossiers_scale import PG_NAME, creation_body, sample_codes, token_for  # noqa: E402


def configure() -> None:
    os.environ.update(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{PG_NAME}",
            "MOTCUA_ENV": "production",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "k" * 40,
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "MOTCUA_DATA_DIR": str(OUT),
            "MOTCUA_PROVINCE_CODE": "24",
            "MOTCUA_TRACKING_RATE": "100000000/60",
        }
    )
    os.environ.setdefault("DATABASE_PREPARED_STATEMENTS", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from motcua.startup import settle

    settle()  # as a server process does before serving (wsgi.py)


class SqlTimer:
    """A database execute wrapper that counts queries and sums their time."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0
            self.count += 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--profile", default="")
    parser.add_argument("--only", default="", help="run only the scenarios whose label contains this text")
    parser.add_argument("--queries", default="", help="print the SQL of one request of this scenario")
    args = parser.parse_args()
    configure()
    from django.db import connection
    from django.test import Client

    from motcua.accounts.models import User

    token = token_for("tiepnhan")
    codes = sample_codes(500, "000.00.01.H24")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    officer = Client()
    officer.force_login(User.objects.get(username="tiepnhan"))
    public = Client()
    body = creation_body()
    rng = random.Random(7)
    scenarios: list[tuple[str, Callable[[], Any], int]] = [
        ("API dossier list", lambda: api.get("/api/v1/dossiers?status=in_progress"), 200),
        ("API dossier detail", lambda: api.get(f"/api/v1/dossiers/{rng.choice(codes)[0]}"), 200),
        (
            "public tracking page",
            lambda: public.get("/tra-cuu-ho-so/?ma={}&xac_thuc={}".format(*rng.choice(codes))),
            200,
        ),
        ("inbox first page", lambda: officer.get("/mot-cua/ho-so/"), 200),
        ("dossier page", lambda: officer.get(f"/mot-cua/ho-so/{rng.choice(codes)[0]}/"), 200),
        (
            "API create dossier",
            lambda: api.post("/api/v1/dossiers", body, content_type="application/json"),
            201,
        ),
    ]
    print(f"{'scenario':<24} {'queries':>8} {'wall ms':>8} {'SQL ms':>8} {'Python ms':>10}")
    for label, call, expect in scenarios:
        if args.only not in label:
            continue
        for _ in range(5):  # warm: templates, prepared statements, caches
            response = call()
            assert response.status_code == expect, (label, response.status_code, response.content[:300])
        if args.queries and label.startswith(args.queries):
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                call()
            for query in captured.captured_queries:
                print(
                    f"-- {query['time']} s\n{query['sql'][: int(os.environ.get('BENCH_SQL_CHARS', '600'))]}"
                )
        walls, sqls, counts = [], [], []
        profiler = cProfile.Profile() if args.profile and label.startswith(args.profile) else None
        for _ in range(args.requests):
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                t0 = time.perf_counter()
                if profiler:
                    profiler.enable()
                call()
                if profiler:
                    profiler.disable()
                walls.append(time.perf_counter() - t0)
            sqls.append(timer.seconds)
            counts.append(timer.count)
        wall, sql = statistics.median(walls) * 1000, statistics.median(sqls) * 1000
        print(f"{label:<24} {max(counts):8d} {wall:8.1f} {sql:8.1f} {wall - sql:10.1f}", flush=True)
        if profiler:
            stats = pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative"))
            stats.print_stats(int(os.environ.get("BENCH_LINES", "45")))
            if os.environ.get("BENCH_CALLERS"):  # who calls the functions matching this text
                stats.print_callers(os.environ["BENCH_CALLERS"])


if __name__ == "__main__":
    main()
