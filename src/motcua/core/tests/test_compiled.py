"""A CompiledQuery gives what its queryset gives, with any values, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.audit.models import AccessLog
from motcua.core.compiled import CompiledQuery
from motcua.org.models import Agency

BY_CODE = CompiledQuery(
    lambda code: (
        Agency.objects.filter(code=code, is_active=True).order_by().values("id", "name", "parent__code")
    ),
    code="\x00code",
)


def test_rows_equal_the_queryset_for_every_value(org: dict[str, Agency]) -> None:
    codes = [a.code for a in Agency.objects.all()] + ["no-such-code"]
    for code in codes:
        expected = list(
            Agency.objects.filter(code=code, is_active=True).order_by().values("id", "name", "parent__code")
        )
        assert BY_CODE.rows(code=code) == expected
    assert BY_CODE.first(code="no-such-code") is None


def test_one_query_per_call_and_conversions_applied(org: dict[str, Agency]) -> None:
    moment = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    entry = AccessLog.objects.create(channel="web", action="view", object_type="dossier", object_ref="X-1")
    AccessLog.objects.filter(pk=entry.pk).update(at=moment)
    recorded = CompiledQuery(
        lambda ref: AccessLog.objects.filter(object_ref=ref).values("at", "object_type"), ref="\x00ref"
    )
    with CaptureQueriesContext(connection) as queries:
        rows = recorded.rows(ref="X-1")
    assert len(queries.captured_queries) == 1
    # An aware datetime on both databases (SQLite stores text; the field's converter makes it a datetime).
    assert rows == [{"at": moment, "object_type": "dossier"}]


@pytest.mark.parametrize(
    ("build", "markers"),
    [
        # The marker is used twice: which parameter to replace is ambiguous.
        (lambda code: Agency.objects.filter(code=code, name=code).values("id"), {"code": "\x00c"}),
        # A list expands to several parameters.
        (lambda ids: Agency.objects.filter(id__in=ids).values("id"), {"ids": [-1, -2]}),
        # rows() of a model queryset: objects() reads those.
        (lambda code: Agency.objects.filter(code=code), {"code": "\x00c"}),
    ],
)
def test_a_shape_that_cannot_be_bound_is_refused(org: dict[str, Agency], build: Any, markers: Any) -> None:
    with pytest.raises(ImproperlyConfigured):
        CompiledQuery(build, **markers).rows(**markers)


def test_objects_of_a_values_queryset_is_refused_before_it_runs(org: dict[str, Agency]) -> None:
    with CaptureQueriesContext(connection) as queries, pytest.raises(ImproperlyConfigured):
        BY_CODE.objects(code="\x00code")
    assert queries.captured_queries == []


def test_the_values_must_be_the_markers_names(org: dict[str, Agency]) -> None:
    with pytest.raises(TypeError):
        BY_CODE.rows(name="x")


AGENCY_WITH_PARENT = CompiledQuery(
    lambda code: Agency.objects.select_related("parent", "parent__parent").filter(code=code).order_by(),
    code="\x00code",
)


def test_objects_equal_the_queryset_with_their_related_rows(org: dict[str, Agency]) -> None:
    for agency in Agency.objects.select_related("parent", "parent__parent").order_by("id"):
        with CaptureQueriesContext(connection) as queries:
            found = AGENCY_WITH_PARENT.object(code=agency.code)
            assert found is not None
            # The related instances came with it: reading them is no query.
            names = (found.parent.name if found.parent else None, found.parent and found.parent.parent_id)
        assert len(queries.captured_queries) == 1
        assert found == agency and type(found) is Agency
        assert {f.attname: getattr(found, f.attname) for f in Agency._meta.concrete_fields} == {
            f.attname: getattr(agency, f.attname) for f in Agency._meta.concrete_fields
        }
        assert names == (
            agency.parent.name if agency.parent else None,
            agency.parent and agency.parent.parent_id,
        )
        assert found._state.adding is False and found._state.db == "default"
    assert AGENCY_WITH_PARENT.object(code="no-such-code") is None


def test_objects_keep_annotations_and_refuse_prefetching(org: dict[str, Agency]) -> None:
    from django.db.models import Count

    counted = CompiledQuery(
        lambda code: Agency.objects.filter(code=code).annotate(children_count=Count("children")).order_by(),
        code="\x00code",
    )
    for agency in Agency.objects.annotate(children_count=Count("children")):
        found = counted.object(code=agency.code)
        assert found is not None and found.children_count == agency.children_count
    with pytest.raises(ImproperlyConfigured):
        CompiledQuery(
            lambda code: Agency.objects.filter(code=code).prefetch_related("children"), code="\x00c"
        ).objects(code="x")
    with pytest.raises(ImproperlyConfigured):
        BY_CODE.objects(code="x")
