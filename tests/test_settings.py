"""Production mode refuses to start with an unsafe configuration (checked in a fresh interpreter)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SAFE = {
    "MOTCUA_ENV": "production",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "dichvucong.bacninh.gov.vn",
    "DEBUG": "false",
}


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MOTCUA_", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import motcua.settings as s; print(s.DEBUG, s.TIME_ZONE, s.LANGUAGE_CODE)"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_safe_production_settings_load() -> None:
    result = load_settings(**SAFE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False Asia/Ho_Chi_Minh vi"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": "*"}, "wildcard"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ],
)
def test_unsafe_production_settings_refused(override: dict[str, str], message: str) -> None:
    env = {**SAFE, **override}
    if override.get("SECRET_KEY") == "":
        env.pop("SECRET_KEY")
    result = load_settings(**env)
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr and message in result.stderr


def test_bad_office_hours_refused() -> None:
    result = load_settings(MOTCUA_OFFICE_HOURS="13:00-11:00")
    assert result.returncode != 0 and "MOTCUA_OFFICE_HOURS" in result.stderr


def test_development_defaults() -> None:
    result = load_settings()
    assert result.returncode == 0 and result.stdout.startswith("True ")


def database_options(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "MOTCUA_"))}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import motcua.settings as s; print(s.DATABASES['default'].get('OPTIONS', {}))",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_prepared_statements_are_opt_in_and_postgresql_only() -> None:
    pg = "postgres://postgres@127.0.0.1:5432/motcua"
    assert "prepare_threshold" not in database_options(DATABASE_URL=pg)
    on = database_options(DATABASE_URL=pg, DATABASE_PREPARED_STATEMENTS="true")
    assert "'server_side_binding': True" in on and "'prepare_threshold': 5" in on
    # SQLite keeps its own options whatever the variable says.
    sqlite = database_options(DATABASE_URL="sqlite:////tmp/x.sqlite3", DATABASE_PREPARED_STATEMENTS="true")
    assert "prepare_threshold" not in sqlite and "journal_mode=WAL" in sqlite
