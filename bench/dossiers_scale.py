"""Benchmark: dossier reads and creation with 1,000,000 dossiers on PostgreSQL.

    .venv/bin/python bench/dossiers_scale.py [--dossiers 1000000] [--clients 16] [--seconds 20]
                                             [--driver wrk|python] [--workers 2] [--only TEXT] [--repeat N]

1. Builds `motcua_bench_dossiers` once: migrate, the demo province (organisation, catalog, processes), then
   `--dossiers` dossiers spread over two years, the demo's receiving units and competent agencies, every
   procedure and every status (≈70% returned), 400,000 applicants, two history events each. Bulk inserts;
   takes a few minutes the first time, skipped when the data is there. Then ``VACUUM (ANALYZE)``, as
   autovacuum would do in production.
2. Starts a production-style server (gunicorn, 2 sync workers, DEBUG off, prepared statements on unless
   DATABASE_PREPARED_STATEMENTS says otherwise) on 127.0.0.1.
3. With `--clients` concurrent clients for `--seconds` per scenario — through wrk (Debian package ``wrk``,
   the default when installed: one C process, little CPU taken from the server) or, with
   ``--driver python``, threads of this process — the dossier
   API list (first page of an officer's scope) and detail, the public tracking page, the officers' inbox and
   dossier page (session login) when the back office is installed, and dossier creation through the API.
   Prints requests/s, p50/p95/p99 latency and the largest worker's resident memory.
Loopback only; every loop is bounded in time and count.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.catalog_lookup import OUT, PORT, rss_mb, start_server  # noqa: E402

PG_NAME = "motcua_bench_dossiers"
STATUSES = [
    ("returned", 70),
    ("finished", 5),
    ("in_progress", 9),
    ("received", 5),
    ("waiting_supplement", 4),
    ("refused", 5),
    ("withdrawn", 2),
]
OPEN_STATUSES = ("received", "in_progress", "waiting_supplement")
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >>"
    b" endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]).fetchone():
            conn.execute(f"CREATE DATABASE {PG_NAME}")


def build(total: int) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from motcua.catalog.models import ProcedureVersion, VersionStatus
    from motcua.dossiers.models import Applicant, Dossier, DossierCodeCounter, DossierEvent
    from motcua.geo.models import AdministrativeUnit
    from motcua.org.models import Agency, AgencyKind

    call_command("migrate", verbosity=0)
    if not Agency.objects.exists():
        call_command("demo_seed", verbosity=0)
    present = Dossier.objects.count()
    if present >= total:
        print(f"data present: {present:,} dossiers")
        vacuum()
        return
    started = time.perf_counter()
    rng = random.Random(766)
    versions = list(
        ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("procedure")
    )
    units = list(Agency.objects.filter(kind__in=[AgencyKind.SERVICE_CENTER, AgencyKind.ONE_STOP_DESK]))
    competent = list(Agency.objects.filter(kind__in=[AgencyKind.DEPARTMENT, AgencyKind.COMMUNE_COMMITTEE]))
    communes = list(AdministrativeUnit.objects.filter(parent__code="24"))
    weights = [w for _, w in STATUSES]
    names = [s for s, _ in STATUSES]
    now = timezone.now()
    start = now - timedelta(days=730)
    applicants_total = max(1, total * 2 // 5)
    batch = 20_000
    applicant_ids: list[int] = list(Applicant.objects.values_list("id", flat=True))
    while len(applicant_ids) < applicants_total:
        rows = []
        for _ in range(min(batch, applicants_total - len(applicant_ids))):
            year = rng.randint(1950, 2004)
            rows.append(
                Applicant(
                    kind="person",
                    full_name=f"Công dân mẫu {rng.randint(1, 10**9)}",
                    id_number=f"027{0 if year < 2000 else 2}{year % 100:02d}{rng.randint(0, 999999):06d}",
                    phone=f"09{rng.randint(10**7, 10**8 - 1)}",
                    commune=rng.choice(communes),
                )
            )
        applicant_ids += [a.pk for a in Applicant.objects.bulk_create(rows, batch_size=5000)]
    print(f"applicants: {len(applicant_ids):,}")
    sequence: dict[tuple[int, str], int] = {
        (c.unit_id, c.day.strftime("%y%m%d")): c.last for c in DossierCodeCounter.objects.all()
    }
    made = present
    while made < total:
        dossiers = []
        for _ in range(min(batch, total - made)):
            unit = rng.choice(units)
            received = start + timedelta(seconds=rng.randint(0, 730 * 86400))
            day = timezone.localtime(received).strftime("%y%m%d")
            key = (unit.pk, day)
            sequence[key] = sequence.get(key, 0) + 1
            status = rng.choices(names, weights)[0]
            if status in OPEN_STATUSES and received < now - timedelta(days=60):
                status = "returned"  # what is still open was received recently; older dossiers are settled
            version = rng.choice(versions)
            due = received + timedelta(days=float(version.statutory_time) * 1.4 + 1)
            finished = (
                due - timedelta(hours=rng.randint(-48, 72)) if status in ("returned", "finished") else None
            )
            dossiers.append(
                Dossier(
                    code=f"{unit.code}-{day}-{sequence[key]:04d}",
                    procedure_version=version,
                    receiving_unit=unit,
                    competent_agency=rng.choice(competent),
                    applicant_id=rng.choice(applicant_ids),
                    channel=rng.choice(["counter", "online", "online", "national_portal", "postal"]),
                    status=status,
                    received_at=received,
                    due_at=due,
                    finished_at=finished,
                    returned_at=finished + timedelta(hours=4) if finished and status == "returned" else None,
                )
            )
        with transaction.atomic():
            created = Dossier.objects.bulk_create(dossiers, batch_size=5000)
            DossierEvent.objects.bulk_create(
                (
                    DossierEvent(
                        dossier=d, at=d.received_at, action="received", to_status="received", public=True
                    )
                    for d in created
                ),
                batch_size=10_000,
            )
            DossierEvent.objects.bulk_create(
                (
                    DossierEvent(
                        dossier=d,
                        at=d.finished_at or d.received_at + timedelta(hours=2),
                        action="status",
                        from_status="received",
                        to_status=d.status,
                        public=True,
                    )
                    for d in created
                    if d.status != "received"
                ),
                batch_size=10_000,
            )
        made += len(dossiers)
        print(f"dossiers: {made:,} ({time.perf_counter() - started:.0f} s)", flush=True)
    # Receipts made during the benchmark continue each unit's daily sequence, as in production.
    by_code = {u.pk: u for u in units}
    DossierCodeCounter.objects.all().delete()
    DossierCodeCounter.objects.bulk_create(
        (
            DossierCodeCounter(unit=by_code[unit_id], day=datetime.strptime(day, "%y%m%d").date(), last=last)
            for (unit_id, day), last in sequence.items()
        ),
        batch_size=5000,
    )
    vacuum()
    print(f"built {Dossier.objects.count():,} dossiers in {time.perf_counter() - started:.0f} s")


def vacuum() -> None:
    """What autovacuum does on a production server (it may be off on a bench machine): statistics for the
    planner and the visibility map that lets the inbox indexes answer without reading the table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def creation_body(received_at: datetime | None = None) -> bytes:
    """The API creation request: a birth registration from the national portal with its required PDFs,
    received now or at ``received_at``."""
    from motcua.catalog.models import Procedure

    version = Procedure.objects.get(national_code="1.001193", province__code="24").current_version
    assert version is not None
    body = {
        "procedure": "1.001193",
        "receiving_unit": "000.00.01.H24",
        "channel": "national_portal",
        "applicant": {
            "full_name": "Nguyễn Văn An",
            "id_number": "027099012345",
            "phone": "0912345678",
            "commune": "07210",
        },
        "files": [
            {"component": c.code, "name": f"{c.code}.pdf", "content_base64": base64.b64encode(PDF).decode()}
            for c in version.components.all()
            if c.requirement == "required"
        ],
    }
    if received_at is not None:
        body["received_at"] = received_at.isoformat()
    return json.dumps(body).encode()


def creation_bodies(days: int = 400) -> list[bytes]:
    """Creation requests received at 09:00 on each of the last ``days`` days: a unit issues at most 9,999
    codes a day (TT 01/2018 ``NNNN``), which the runs of one day would otherwise use up."""
    from motcua.workdays.calendar import VIETNAM_TZ

    today = datetime.now(VIETNAM_TZ).replace(hour=9, minute=0, second=0, microsecond=0)
    return [creation_body(today - timedelta(days=n)) for n in range(1, days + 1)]


def token_for(username: str) -> str:
    from motcua.accounts.models import User
    from motcua.accounts.tokens import token_issue

    return token_issue(User.objects.get(username=username), "bench")[1]


def sample_codes(n: int, unit_code: str) -> list[tuple[str, str]]:
    """Random dossiers received at ``unit_code`` (the benchmark officer's desk, so within its scope)."""
    from motcua.dossiers.models import Dossier

    rows = (
        Dossier.objects.filter(receiving_unit__code=unit_code)
        .order_by("?")
        .values_list("code", "applicant__phone")[:n]
    )
    return [(code, phone[-4:]) for code, phone in rows]


def request(
    conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> int:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def drive(
    make: Any, clients: int, seconds: float, expect: int = 200, max_requests: int = 100_000
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=20)
        local, bad = [], 0
        while time.perf_counter() < stop_at and len(local) < max_requests // clients:
            method, path, body, headers = make(rng)
            t0 = time.perf_counter()
            try:
                if request(conn, method, path, body, headers) != expect:
                    bad += 1
            except OSError:
                bad += 1
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=20)
            local.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(local)
            errors += bad

    t = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0.0

    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": pct(0.5),
        "p95": pct(0.95),
        "p99": pct(0.99),
    }


@dataclass(frozen=True)
class Scenario:
    label: str
    paths: list[str]  # each request takes one at random
    headers: dict[str, str]
    method: str = "GET"
    bodies: list[bytes] | None = None  # each request takes one at random
    expect: int = 200

    def make(self, rng: random.Random) -> tuple[str, str, bytes | None, dict[str, str]]:
        return (
            self.method,
            rng.choice(self.paths),
            rng.choice(self.bodies) if self.bodies else None,
            self.headers,
        )


def _lua_string(value: str | bytes) -> str:
    text = value.decode() if isinstance(value, bytes) else value
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for this ASCII-safe text


WRK_SCRIPT = """
local paths = {%(paths)s}
local bodies = {%(bodies)s}
local method, expect = %(method)s, %(expect)d
local headers = {%(headers)s}
local threads, counter = {}, 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(1000 + id)
  bad = 0
end
function request()
  local body = nil
  if #bodies > 0 then body = bodies[math.random(#bodies)] end
  return wrk.format(method, paths[math.random(#paths)], headers, body)
end
function response(status, hdrs, resp)
  if status ~= expect then bad = bad + 1 end
end
function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT %%d %%f %%f %%f %%f %%d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    wrong + e.connect + e.read + e.write + e.timeout))
end
"""


def drive_wrk(scenario: Scenario, clients: int, seconds: float) -> dict[str, float]:
    """The scenario through wrk (C, event loop): the load generator then takes a small share of the two
    cores that the server and PostgreSQL need, where 16 Python threads took a fifth to a third."""
    script = OUT / "wrk-scenario.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "paths": ",".join(_lua_string(p) for p in scenario.paths),
            "method": _lua_string(scenario.method),
            "bodies": ",".join(_lua_string(b) for b in scenario.bodies or []),
            "expect": scenario.expect,
            "headers": ",".join(f"[{_lua_string(k)}]={_lua_string(v)}" for k, v in scenario.headers.items()),
        }
    )
    threads = max(1, min(2, clients))
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "20s",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    requests, duration, p50, p95, p99, errors = line.split()[1:]
    return {
        "requests": int(requests),
        "errors": int(errors),
        "rps": int(requests) / float(duration),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
    }


def _process_tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        children = subprocess.run(
            ["pgrep", "-P", str(current)], capture_output=True, text=True
        ).stdout.split()
        todo.extend(int(child) for child in children)
    return found


def cpu_times(server_pid: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the server's processes and by PostgreSQL's backends of
    the bench database: per request, they tell the server's work from PostgreSQL's and from the waits.
    They still move with the VM's speed (by up to a third between runs here).

    A process that ended meanwhile is counted too, through its parent's times of ended children: a
    backend is replaced every ``DATABASE_CONN_MAX_AGE`` seconds, and before 2026-12-06 (third session)
    the time of a backend that ended during a run was lost (PostgreSQL's figure was then 0.1–0.4 ms
    instead of about 0.9). The postmaster's ended children are those of every database: the bench's own
    are the only busy ones while it runs.
    """
    tick = os.sysconf("SC_CLK_TCK")

    def stat(pid: int) -> list[str]:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended between the listing and the read
            return []

    def own(pid: int) -> float:
        fields = stat(pid)
        return (int(fields[11]) + int(fields[12])) / tick if fields else 0.0

    def ended_children(pid: int) -> float:
        fields = stat(pid)
        return (int(fields[13]) + int(fields[14])) / tick if fields else 0.0

    listed = subprocess.run(["pgrep", "-f", f"postgres: .* {PG_NAME} "], capture_output=True, text=True)
    backends = [int(pid) for pid in listed.stdout.split()]
    postmaster = next((int(fields[1]) for pid in backends if (fields := stat(pid))), 0)
    return {
        "server": sum(own(pid) for pid in _process_tree(server_pid)) + ended_children(server_pid),
        "postgres": sum(own(pid) for pid in backends) + (ended_children(postmaster) if postmaster else 0.0),
    }


def cpu_per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request for the server and for PostgreSQL between two ``cpu_times``."""
    return {name: (after[name] - before[name]) * 1000 / max(1, requests) for name in after}


def _spin(n: int) -> int:
    return sum(i * i % 7 for i in range(n))


def cpu_reference() -> float:
    """Milliseconds that two processes take to run a fixed Python loop side by side: the speed of this
    machine's two cores at the moment. The VM's speed changes by up to a quarter from one minute to the
    next; a round whose reference is slower ran on a slower machine."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [10_000, 10_000]))
        started = time.perf_counter()
        list(pool.map(_spin, [3_000_000, 3_000_000]))
        return (time.perf_counter() - started) * 1000


def session_cookie(username: str, password: str) -> str:
    """The cookies an officer's browser holds after logging in: the session and the CSRF token (without
    the latter every page would make and set a new one, which a browser never asks for)."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    conn.request("GET", "/quan-tri/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not csrf_cookie or not token:
        return ""
    body = f"username={username}&password={password}&csrfmiddlewaretoken={token.group(1)}&next=/quan-tri/"
    conn.request(
        "POST",
        "/quan-tri/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie.group(1)}",
            "Referer": f"http://127.0.0.1:{PORT}/quan-tri/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    set_cookies = " ".join(response.msg.get_all("Set-Cookie") or [])
    session = re.search(r"sessionid=([^;]+)", set_cookies)
    # Logging in gives a new CSRF token.
    csrf = re.search(r"csrftoken=([^;]+)", set_cookies) or csrf_cookie
    return f"sessionid={session.group(1)}; csrftoken={csrf.group(1)}" if session else ""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn sync workers (default 2, one per core)"
    )
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds before each scenario")
    parser.add_argument(
        "--driver",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator: wrk (Debian package; the default when installed) or Python threads",
    )
    parser.add_argument(
        "--only", default="", help="run only the scenarios whose label contains this text (e.g. 'detail')"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of every scenario, interleaved; with more than one, the medians and a reference time "
        "of the machine before each round (see cpu_reference)",
    )
    args = parser.parse_args()
    ensure_database()
    database_url = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    setup(database_url)
    build(args.dossiers)
    token = token_for("tiepnhan")
    codes = sample_codes(2000, "000.00.01.H24")
    os.environ["MOTCUA_TRACKING_RATE"] = "100000000/60"  # the benchmark is one client address
    # Production setting for PostgreSQL behind persistent connections (README, "Settings").
    os.environ.setdefault("DATABASE_PREPARED_STATEMENTS", "true")
    server = start_server(database_url, "24", args.workers)
    try:
        auth = {"Authorization": f"Bearer {token}"}
        cookie = session_cookie("tiepnhan", "MotCua@2026")
        create_bodies = creation_bodies()
        detail_paths = [f"/api/v1/dossiers/{code}" for code, _ in codes]
        scenarios: list[Scenario] = [
            Scenario("API dossier list (first page)", ["/api/v1/dossiers?status=in_progress"], auth),
            Scenario("API dossier detail", detail_paths, auth),
            Scenario(
                "public tracking page",
                [f"/tra-cuu-ho-so/?ma={code}&xac_thuc={digits}" for code, digits in codes],
                {},
            ),
        ]
        if cookie:
            scenarios += [
                Scenario("inbox first page (/mot-cua/ho-so/)", ["/mot-cua/ho-so/"], {"Cookie": cookie}),
                Scenario(
                    "dossier page (/mot-cua/ho-so/<code>/)",
                    [f"/mot-cua/ho-so/{code}/" for code, _ in codes],
                    {"Cookie": cookie},
                ),
            ]
        scenarios.append(
            Scenario(
                "API create dossier (POST)",
                ["/api/v1/dossiers"],
                {**auth, "Content-Type": "application/json"},
                method="POST",
                bodies=create_bodies,
                expect=201,
            )
        )
        print(
            f"\n{args.clients} clients ({args.driver}), {args.seconds:.0f} s per scenario, gunicorn {args.workers} "
            f"workers, PostgreSQL, {args.dossiers:,} dossiers"
        )
        print(
            f"{'scenario':<42} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
            f"{'CPU ms/req: server':>19} {'PostgreSQL':>10}"
        )

        def run(scenario: Scenario, seconds: float) -> dict[str, float]:
            if args.driver == "wrk":
                return drive_wrk(scenario, args.clients, seconds)
            return drive(scenario.make, args.clients, seconds, scenario.expect)

        chosen = [s for s in scenarios if args.only in s.label]
        results: dict[str, list[dict[str, float]]] = {s.label: [] for s in chosen}
        for round_ in range(1, args.repeat + 1):
            if args.repeat > 1:
                print(f"-- round {round_} of {args.repeat}: reference {cpu_reference():.0f} ms", flush=True)
            for scenario in chosen:
                # Unmeasured warm-up: a worker's first requests of a kind load templates, calendars and
                # prepare statements (the first takes ≈0.5 s); production workers live for days.
                run(scenario, args.warmup)
                before = cpu_times(server.pid)
                result = run(scenario, args.seconds)
                requests = int(result.get("requests", result["rps"] * args.seconds))
                cpu = cpu_per_request(before, cpu_times(server.pid), requests)
                result.update(cpu_server=cpu["server"], cpu_postgres=cpu["postgres"])
                results[scenario.label].append(result)
                print(
                    f"{scenario.label:<42} {result['rps']:8.1f} {result['p50']:8.1f} {result['p95']:8.1f} "
                    f"{result['p99']:8.1f} {int(result['errors']):7d} {cpu['server']:19.2f} {cpu['postgres']:10.2f}",
                    flush=True,
                )
        if args.repeat > 1:
            print(f"\nmedian of {args.repeat} rounds (p95 range)")
            for label, runs in results.items():
                median = {
                    key: statistics.median(r[key] for r in runs)
                    for key in ("rps", "p50", "p95", "p99", "cpu_server", "cpu_postgres")
                }
                low, high = min(r["p95"] for r in runs), max(r["p95"] for r in runs)
                print(
                    f"{label:<42} {median['rps']:8.1f} {median['p50']:8.1f} {median['p95']:8.1f} "
                    f"{median['p99']:8.1f}   ({low:.1f}–{high:.1f})  CPU ms/req {median['cpu_server']:.2f} + "
                    f"{median['cpu_postgres']:.2f}"
                )
        print(f"worker resident memory (largest): {rss_mb(server.pid):.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    main()
