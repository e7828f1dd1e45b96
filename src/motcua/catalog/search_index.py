"""The search index on ``ProcedureVersion.search_text``, created outside Django's model migrations.

Why not a migration: on SQLite, Django rebuilds a table (copy, drop, rename) for many ALTERs, which
silently drops triggers; an FTS5 table kept in sync by triggers would then go stale. Ensuring the index
after every ``migrate`` (post_migrate signal) is idempotent and repairs that case.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

TABLE = "catalog_procedureversion"
FTS = "catalog_version_fts"

SQLITE_TRIGGERS = {
    "catalog_version_fts_ai": f"""
        CREATE TRIGGER catalog_version_fts_ai AFTER INSERT ON {TABLE} BEGIN
            INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    "catalog_version_fts_ad": f"""
        CREATE TRIGGER catalog_version_fts_ad AFTER DELETE ON {TABLE} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        END""",
    "catalog_version_fts_au": f"""
        CREATE TRIGGER catalog_version_fts_au AFTER UPDATE OF search_text ON {TABLE} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
            INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}


def ensure_search_index(using: str = "default", **_kwargs: Any) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            return
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            present = {row[0] for row in cursor.fetchall()}
            rebuild = False
            if FTS not in present:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {FTS} USING fts5(search_text, content='{TABLE}', "
                    "content_rowid='id', tokenize='trigram')"
                )
                rebuild = True
            for name, sql in SQLITE_TRIGGERS.items():
                if name not in present:
                    cursor.execute(sql)
                    rebuild = True
            if rebuild:
                cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS catalog_version_search_trgm ON {TABLE} "
                "USING gin (search_text gin_trgm_ops)"
            )
