"""The inbox's tab counts on PostgreSQL: database functions whose queries are planned once per connection.

An inbox shows four capped counts of the open dossiers in an officer's scope (``Visibility.open_counts``).
As one prepared statement of eight capped sub-selects, PostgreSQL planned it afresh on every page view:
for parameters it cannot see (the agencies, the capped ``LIMIT``) its generic plan looks far costlier than
a plan made for the values, so it never kept one, and planning cost a third of running. In PL/pgSQL
functions with ``plan_cache_mode`` forced to generic, each query is planned once per connection, with the
same index-only ranges. The functions also read less: the running total is the overdue, the due-soon and
the later ranges, so a scope whose overdue and due-soon dossiers already reach the cap reads no more.

They are (re)created after every ``migrate`` (post_migrate), so they follow the dossier table. Other
databases count with the ORM (``Visibility.count``).
"""

from __future__ import annotations

from typing import Any

from django.db import connections

from .models import Dossier

FUNCTION = "motcua_open_counts"
SIDE_FUNCTION = "motcua_open_count_side"

_SIDE = """
CREATE OR REPLACE FUNCTION {side}(
    agencies integer[], side integer, statuses text[], lo timestamptz, hi timestamptz, cap integer
) RETURNS integer
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
-- The dossiers in ``statuses`` due in [lo, hi) on one side of the scope, at most ``cap``: side 1 those
-- whose competent agency is one of ``agencies`` (NULL: every dossier), side 2 the others whose receiving
-- unit is. One index-only range each (dossier_agency_inbox, dossier_unit_inbox, dossier_status_due).
BEGIN
    IF agencies IS NULL THEN
        RETURN (SELECT count(*) FROM (
            SELECT 1 FROM {table}
            WHERE status = ANY(statuses) AND due_at >= lo AND due_at < hi LIMIT cap) AS c);
    ELSIF side = 1 THEN
        RETURN (SELECT count(*) FROM (
            SELECT 1 FROM {table}
            WHERE competent_agency_id = ANY(agencies) AND status = ANY(statuses)
              AND due_at >= lo AND due_at < hi LIMIT cap) AS c);
    END IF;
    RETURN (SELECT count(*) FROM (
        SELECT 1 FROM {table}
        WHERE receiving_unit_id = ANY(agencies) AND NOT (competent_agency_id = ANY(agencies))
          AND status = ANY(statuses) AND due_at >= lo AND due_at < hi LIMIT cap) AS c);
END
$$
"""

_MAIN = """
CREATE OR REPLACE FUNCTION {function}(
    agencies integer[], running text[], waiting text[], due_now timestamptz, due_soon timestamptz,
    cap integer
) RETURNS integer[]
LANGUAGE plpgsql STABLE
AS $$
-- The open dossiers whose competent agency or receiving unit is one of ``agencies`` (NULL: all):
-- {{running ones, those due in [due_now, due_soon), those due before due_now, waiting ones}}, each
-- counting at most ``cap`` per side of the scope.
DECLARE
    result integer[] := ARRAY[0, 0, 0, 0];
    side integer;
    overdue integer;
    soon integer;
    later integer;
BEGIN
    FOR side IN 1 .. CASE WHEN agencies IS NULL THEN 1 ELSE 2 END LOOP
        overdue := {side}(agencies, side, running, '-infinity', due_now, cap);
        soon := {side}(agencies, side, running, due_now, due_soon, cap);
        -- The running total is the three due ranges: the last is read only as far as the cap.
        later := CASE WHEN overdue + soon >= cap THEN 0
                      ELSE {side}(agencies, side, running, due_soon, 'infinity', cap - overdue - soon) END;
        result := ARRAY[
            result[1] + least(cap, overdue + soon + later),
            result[2] + soon,
            result[3] + overdue,
            result[4] + {side}(agencies, side, waiting, '-infinity', 'infinity', cap)];
    END LOOP;
    RETURN result;
END
$$
"""


def ensure_count_functions(using: str = "default", **_kwargs: Any) -> None:
    """Create or update the functions on PostgreSQL, once the dossier table exists (post_migrate)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    table = Dossier._meta.db_table
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return
        names = {"function": FUNCTION, "side": SIDE_FUNCTION, "table": connection.ops.quote_name(table)}
        cursor.execute(_SIDE.format(**names))
        cursor.execute(_MAIN.format(**names))
