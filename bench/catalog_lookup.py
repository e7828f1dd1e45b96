"""Benchmark: public procedure lookup at national scale (2,000 procedures in each of 34 provinces).

    .venv/bin/python bench/catalog_lookup.py [--database postgres|sqlite] [--per-province 2000]
                                              [--clients 16] [--seconds 20]

1. Builds a fresh database (PostgreSQL `motcua_bench_catalog` or a SQLite file under bench/out/) with the 34
   provinces and 3,321 communes, one department per province and `--per-province` published procedures per
   province (realistic names from a vocabulary, 3 components, 1 fee, 1 level each). Skipped when the data is
   already there.
2. Starts a production-style server (gunicorn, 2 workers, DEBUG off) on 127.0.0.1.
3. Drives it from this (separate) process with `--clients` concurrent clients for `--seconds` per scenario,
   and prints requests/s and p50/p95/p99 latency, plus the SQL query count per page (constant) and, on
   PostgreSQL, whether the search uses the trigram index.
Only loopback traffic; every loop is bounded in time and count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PORT = 8765
PG_NAME = "motcua_bench_catalog"

WORDS = [
    ("Đăng ký", "khai sinh"),
    ("Đăng ký", "kết hôn"),
    ("Cấp", "giấy phép xây dựng"),
    ("Chứng thực", "bản sao"),
    ("Cấp", "phiếu lý lịch tư pháp"),
    ("Đăng ký", "biến động đất đai"),
    ("Cấp", "giấy chứng nhận quyền sử dụng đất"),
    ("Đăng ký", "thành lập doanh nghiệp"),
    ("Đăng ký", "hộ kinh doanh"),
    ("Giải quyết", "trợ cấp xã hội"),
    ("Cấp", "chứng chỉ hành nghề khám bệnh, chữa bệnh"),
    ("Công nhận", "tốt nghiệp trung học cơ sở"),
    ("Cấp đổi", "giấy phép lái xe"),
    ("Thẩm định", "báo cáo đánh giá tác động môi trường"),
    ("Cấp", "giấy phép kinh doanh rượu"),
    ("Đăng ký", "thường trú"),
    ("Đăng ký", "khai tử"),
    ("Cấp lại", "giấy chứng nhận đăng ký hộ kinh doanh"),
    ("Xác nhận", "tình trạng hôn nhân"),
    ("Cấp", "giấy phép hoạt động karaoke"),
]
SUFFIXES = [
    "",
    " cho cá nhân",
    " cho tổ chức",
    " có yếu tố nước ngoài",
    " (trường hợp cấp lại)",
    " tại cấp xã",
    " lần đầu",
    " theo quy trình rút gọn",
]
QUERIES = [
    "khai sinh",
    "dang ky ket hon",
    "GIẤY PHÉP XÂY DỰNG",
    "chung thuc ban sao",
    "ly lich tu phap",
    "ho kinh doanh",
    "dat dai",
    "tro cap",
    "doanh nghiep co yeu to nuoc ngoai",
    "karaoke",
    "xa",
]


def setup_django(database: str) -> None:
    if database == "postgres":
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{OUT / 'catalog.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()


def ensure_database(database: str) -> None:
    if database != "postgres":
        return
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]).fetchone():
            conn.execute(f"CREATE DATABASE {PG_NAME}")


def build_data(per_province: int) -> None:
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import transaction

    from motcua.catalog.models import Component, FeeItem, Field, Procedure, ProcedureLevel, ProcedureVersion
    from motcua.core.text import fold
    from motcua.geo.models import AdministrativeUnit, Level
    from motcua.geo.services import units_load_two_tier
    from motcua.org.models import Agency, AgencyKind
    from motcua.org.services import agency_save

    call_command("migrate", verbosity=0)
    units_load_two_tier()
    provinces = list(AdministrativeUnit.objects.filter(level__code="province").order_by("code"))
    wanted = per_province * len(provinces)
    if ProcedureVersion.objects.count() >= wanted:
        print(f"data present: {ProcedureVersion.objects.count():,} published procedures")
        return
    started = time.perf_counter()
    province_level = Level.objects.get(code="province")
    fields = [
        Field.objects.get_or_create(
            code=f"G{10 + i:02d}-LV{i:02d}", defaults={"name": name, "name_folded": fold(name)}
        )[0]
        for i, name in enumerate(
            [
                "Hộ tịch",
                "Đất đai",
                "Xây dựng",
                "Chứng thực",
                "Doanh nghiệp",
                "Bảo trợ xã hội",
                "Y tế",
                "Giáo dục",
                "Công thương",
                "Văn hóa",
                "Tư pháp",
                "Môi trường",
            ]
        )
    ]
    rng = random.Random(2026)
    for province in provinces:
        if Procedure.objects.filter(province=province).exists():
            continue
        with transaction.atomic():
            code = f"000.00.12.H{int(province.code):02d}"
            agency = Agency.objects.filter(code=code).first() or agency_save(
                Agency(
                    code=code,
                    name=f"Sở Tư pháp {province.name}",
                    kind=AgencyKind.DEPARTMENT,
                    level=province_level,
                    admin_unit=province,
                )
            )
            procedures = Procedure.objects.bulk_create(
                Procedure(
                    province=province,
                    national_code=f"{1 + i % 3}.{i:06d}",
                    is_sample_code=True,
                    local_code=f"{1 + i % 3}.{i:06d}.{code}",
                    owner_agency=agency,
                )
                for i in range(per_province)
            )
            versions = []
            for i, procedure in enumerate(procedures):
                verb, obj = WORDS[i % len(WORDS)]
                name = f"{verb} {obj}{SUFFIXES[(i // len(WORDS)) % len(SUFFIXES)]} (mẫu {i})"
                field = fields[i % len(fields)]
                versions.append(
                    ProcedureVersion(
                        procedure=procedure,
                        number=1,
                        status="published",
                        name=name,
                        field=field,
                        statutory_time=Decimal(rng.choice(["0.5", "1", "3", "5", "10", "15", "20"])),
                        time_unit="working_day",
                        online_level=rng.choice(["full", "partial", "none"]),
                        effective_from="2025-07-01",
                        legal_basis="Văn bản quy phạm pháp luật mẫu",
                        name_folded=fold(name)[:500],
                        search_text=fold(
                            f"{name} {procedure.national_code} {procedure.local_code} {field.code} {field.name}"
                        ),
                    )
                )
            versions = ProcedureVersion.objects.bulk_create(versions, batch_size=1000)
            ProcedureLevel.objects.bulk_create(
                (
                    ProcedureLevel(
                        version=v,
                        level=province_level,
                        implementing_agency=agency,
                        implementing_agency_name=agency.name,
                        competent_agency=agency,
                        competent_agency_name=agency.name,
                    )
                    for v in versions
                ),
                batch_size=2000,
            )
            Component.objects.bulk_create(
                (
                    Component(version=v, position=k, code=f"TP{k + 1}", name=f"Thành phần {k + 1}")
                    for v in versions
                    for k in range(3)
                ),
                batch_size=3000,
            )
            FeeItem.objects.bulk_create(
                (
                    FeeItem(version=v, kind="charge", name="Lệ phí", amount=rng.choice([0, 50000, 100000]))
                    for v in versions
                ),
                batch_size=2000,
            )
            for procedure, version in zip(procedures, versions, strict=True):
                procedure.current_version = version
            Procedure.objects.bulk_update(procedures, ["current_version"], batch_size=2000)
    from django.db import connection

    from motcua.catalog.search_index import ensure_search_index

    ensure_search_index()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"built {ProcedureVersion.objects.count():,} procedures in {time.perf_counter() - started:.0f} s")


def query_counts() -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for label, url in [
        ("list page, q=khai sinh", "/thu-tuc/?q=khai+sinh"),
        ("list page, no query", "/thu-tuc/"),
        ("detail page", "/thu-tuc/1.000000/"),
        ("API search", "/api/v1/procedures?q=dang+ky"),
    ]:
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url, HTTP_HOST="127.0.0.1").status_code
        counts[f"{label} (HTTP {status})"] = len(ctx)
    return counts


def explain_search() -> str:
    from django.db import connection

    from motcua.catalog import selectors

    qs = selectors.published_versions(selectors.ProcedureFilters(q="giay phep xay dung"))
    if connection.vendor != "postgresql":
        return (
            "SQLite: FTS5 trigram table catalog_version_fts answers MATCH (see selectors._search_condition)"
        )
    plan = qs.explain()
    return "uses catalog_version_search_trgm" if "catalog_version_search_trgm" in plan else plan


def start_server(database_url: str, province: str, workers: int = 2) -> subprocess.Popen[bytes]:
    env = {
        "MOTCUA_PROVINCE_CODE": province,
        **os.environ,
        "DATABASE_URL": database_url,
        "MOTCUA_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "MOTCUA_DATA_DIR": str(OUT),
    }
    subprocess.run(
        [sys.executable, "-m", "motcua", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "motcua.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/api/v1/fields")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("server did not start")


def drive(paths: list[str], clients: int, seconds: float, max_requests: int = 200_000) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        local: list[float] = []
        local_errors = 0
        while time.perf_counter() < stop_at and len(local) < max_requests // clients:
            path = rng.choice(paths)
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    local_errors += 1
            except OSError:
                local_errors += 1
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            local.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(local)
            errors += local_errors

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


def rss_mb(pid: int) -> float:
    total = 0.0
    for child in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split():
        with open(f"/proc/{child}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    total = max(total, int(line.split()[1]) / 1024)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--per-province", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--province", default="24", help="MOTCUA_PROVINCE_CODE of the server ('' = search all 34 provinces)"
    )
    args = parser.parse_args()
    ensure_database(args.database)
    setup_django(args.database)
    build_data(args.per_province)
    print("SQL queries per request:", json.dumps(query_counts(), ensure_ascii=False))
    print("search plan:", explain_search())
    server = start_server(os.environ["DATABASE_URL"], args.province)
    try:
        scenarios = {
            "search page (/thu-tuc/?q=…)": [f"/thu-tuc/?{urlencode({'q': q})}" for q in QUERIES],
            "search page + province filter": [
                f"/thu-tuc/?{urlencode({'q': q, 'level': 'province'})}" for q in QUERIES
            ],
            "API search (/api/v1/procedures?q=…)": [
                f"/api/v1/procedures?{urlencode({'q': q})}" for q in QUERIES
            ],
            "procedure page (/thu-tuc/<code>/)": [
                f"/thu-tuc/{1 + i % 3}.{i:06d}/" for i in range(0, args.per_province, 7)
            ],
            "API procedure detail": [
                f"/api/v1/procedures/{1 + i % 3}.{i:06d}" for i in range(0, args.per_province, 7)
            ],
        }
        drive(scenarios["search page (/thu-tuc/?q=…)"], 2, 2)  # warm-up
        print(
            f"\n{args.clients} clients, {args.seconds:.0f} s per scenario, gunicorn 2 workers, {args.database}"
        )
        print(f"{'scenario':<40} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for label, paths in scenarios.items():
            r = drive(paths, args.clients, args.seconds)
            print(
                f"{label:<40} {r['rps']:8.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['p99_ms']:8.1f} {int(r['errors']):7d}"
            )
        print(f"worker resident memory (largest): {rss_mb(server.pid):.0f} MB")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
