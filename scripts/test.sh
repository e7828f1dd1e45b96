#!/usr/bin/env bash
# The whole test suite: lint, types, migrations in sync, then pytest on SQLite and on PostgreSQL.
# Run through `make test` (which installs everything first). Any failure exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== ruff"
ruff check src tests bench
ruff format --check src tests bench

echo "== mypy"
mypy src/motcua

echo "== migrations in sync"
DATABASE_URL="sqlite:///:memory:" python -m motcua makemigrations --check --dry-run >/dev/null

echo "== pytest on SQLite"
env -u DATABASE_URL pytest -q -p no:cacheprovider "$@"

echo "== pytest on PostgreSQL"
PG_HOST="${MOTCUA_TEST_PG_HOST:-127.0.0.1}"
PG_DB="motcua_ci_$$"
export DATABASE_URL="postgres://postgres@${PG_HOST}:5432/${PG_DB}"
pytest -q -p no:cacheprovider --create-db -m "not browser" "$@"
