"""SQL over `events` for hunt results: pages, counts, timelines, facets; plus tags.

Every statement is scoped by tenant and time range (the `Scope` built by `results.scope`) and
bounded by a LIMIT and the caller's `max_execution_time`. The filter's SQL comes from the core
compiler (registry identifiers, bound values); facet columns come from the field registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from services.core.clickhouse import Client, utc

BASE_WHERE = (
    "tenant = {tenant:String} AND ts >= {start:DateTime64(6, 'UTC')}"
    " AND ts <= {end:DateTime64(6, 'UTC')}"
)
NOT_SUPPRESSED = (
    "id NOT IN (SELECT event_id FROM event_suppressions WHERE tenant = {tenant:String})"
)
AFTER_CURSOR = "(ts, id) < ({cursor_ts:DateTime64(6, 'UTC')}, {cursor_id:UUID})"

EVENT_COLUMNS = (
    "ts",
    "id",
    "event_type",
    "sensor",
    "in_iface",
    "flow_id",
    "src_ip",
    "src_port",
    "dest_ip",
    "dest_port",
    "proto",
    "app_proto",
    "community_id",
    "hostname_info_host",
    "hostname_info_subdomain",
    "hostname_info_domain",
    "hostname_info_domain_private",
    "hostname_info_tld",
    "hostname_info_domain_without_tld",
    "hostname_info_is_ip",
    "src_net",
    "dest_net",
    "src_dept",
    "dest_dept",
    "src_internal",
    "dest_internal",
    "source",
    "raw",
)
SELECT_PAGE = "SELECT " + ", ".join(EVENT_COLUMNS) + " FROM events WHERE "  # noqa: S608
ORDER_PAGE = " ORDER BY ts DESC, id DESC LIMIT {limit:UInt32}"
SELECT_COUNT = "SELECT count() FROM events WHERE "
SELECT_TIMELINE = (
    "SELECT toStartOfInterval(ts, toIntervalSecond({step:UInt32})) AS bucket, count()"
    " FROM events WHERE "
)
GROUP_TIMELINE = " GROUP BY bucket ORDER BY bucket LIMIT 100000"
SELECT_FACET = "SELECT {expr} AS value, count() AS hits FROM events WHERE "
GROUP_FACET = " GROUP BY value ORDER BY hits DESC, value LIMIT {size:UInt32}"
SELECT_TAGS = """
    SELECT event_id, groupUniqArray(tag) FROM event_tags
    WHERE tenant = {tenant:String} AND event_id IN {ids:Array(UUID)}
    GROUP BY event_id
    LIMIT 100000
"""
ANY_SUPPRESSION = """
    SELECT count() FROM (SELECT 1 FROM event_suppressions WHERE tenant = {tenant:String} LIMIT 1)
"""
TABLE_EXISTS = """
    SELECT count() FROM system.tables
    WHERE database = currentDatabase() AND name = {name:String}
"""
SIGNATURES_BY_HITS = (  # constant text: BASE_WHERE binds every value
    "alert_signature_id IN (SELECT alert_signature_id FROM events WHERE "  # noqa: S608
    + BASE_WHERE
    + " AND event_type = 'alert' GROUP BY alert_signature_id"
    " HAVING count() >= {hits_min:UInt64} AND count() <= {hits_max:UInt64})"
)


@dataclass(frozen=True)
class Scope:
    """A tenant, a time range and a boolean condition over `events`, with its parameters."""

    tenant: str
    start: datetime
    end: datetime
    condition: str
    params: dict[str, Any]
    timeout_s: int

    def where(self) -> str:
        return f"{BASE_WHERE} AND ({self.condition})"

    def parameters(self, **extra: Any) -> dict[str, Any]:
        return {"tenant": self.tenant, "start": self.start, "end": self.end, **self.params, **extra}

    def settings(self) -> dict[str, Any]:
        return {"max_execution_time": self.timeout_s}


def table_exists(ch: Client, name: str) -> bool:
    rows = ch.query(TABLE_EXISTS, parameters={"name": name}).result_rows
    return bool(rows and rows[0][0])


def has_suppressions(ch: Client, tenant: str) -> bool:
    """Whether the tenant has any suppressed event (else the anti-join is skipped)."""
    rows = ch.query(ANY_SUPPRESSION, parameters={"tenant": tenant}).result_rows
    return bool(rows and rows[0][0])


def event_rows(
    ch: Client, scope: Scope, limit: int, after: tuple[datetime, UUID] | None = None
) -> list[dict[str, Any]]:
    """A page of events, newest first, after the cursor (ts, id) if given."""
    sql = SELECT_PAGE + scope.where()
    params = scope.parameters(limit=limit)
    if after is not None:
        sql += " AND " + AFTER_CURSOR
        params.update(cursor_ts=after[0], cursor_id=after[1])
    result = ch.query(sql + ORDER_PAGE, parameters=params, settings=scope.settings())
    return [dict(zip(EVENT_COLUMNS, row, strict=True)) for row in result.result_rows]


def event_count(ch: Client, scope: Scope) -> int:
    result = ch.query(
        SELECT_COUNT + scope.where(), parameters=scope.parameters(), settings=scope.settings()
    )
    return int(result.result_rows[0][0])


def timeline(ch: Client, scope: Scope, step_s: int) -> list[tuple[datetime, int]]:
    result = ch.query(
        SELECT_TIMELINE + scope.where() + GROUP_TIMELINE,
        parameters=scope.parameters(step=step_s),
        settings=scope.settings(),
    )
    return [(utc(bucket), int(count)) for bucket, count in result.result_rows]


def facet(ch: Client, scope: Scope, expr: str, present: str, size: int) -> list[tuple[Any, int]]:
    """Top values of the column expression `expr` (from the field registry) with counts."""
    sql = SELECT_FACET.replace("{expr}", expr) + scope.where() + f" AND ({present})" + GROUP_FACET
    result = ch.query(sql, parameters=scope.parameters(size=size), settings=scope.settings())
    return [(value, int(hits)) for value, hits in result.result_rows]


def summary(
    ch: Client, scope: Scope, step_s: int, exprs: Sequence[str], per_set: int
) -> tuple[list[tuple[datetime, int]], list[list[tuple[Any, int]]]]:
    """Timeline and top values of several column expressions in ONE scan (grouping sets).

    Returns (buckets, [values by count for each expression]); each grouping set keeps its
    `per_set` largest groups. Expressions come from the field registry; absent values ('' / 0)
    are left in for the caller to drop.
    """
    names = ["bucket", *(f"v{i}" for i in range(len(exprs)))]
    columns = [
        "toStartOfInterval(ts, toIntervalSecond({step:UInt32})) AS bucket",
        *(f"{expr} AS v{i}" for i, expr in enumerate(exprs)),
        "count() AS hits",
    ]
    # identifiers from the field registry and fixed names; every value is bound
    sql = (
        "SELECT "  # noqa: S608
        + ", ".join(columns)
        + " FROM events WHERE "
        + scope.where()
        + " GROUP BY GROUPING SETS ("
        + ", ".join(f"({n})" for n in names)
        + ")"
        + " ORDER BY hits DESC, "
        + ", ".join(f"toString({n})" for n in names)
        + " LIMIT {per_set:UInt32} BY "
        + ", ".join(f"isNull({n})" for n in names)
    )
    settings = {**scope.settings(), "group_by_use_nulls": 1}
    result = ch.query(
        sql, parameters=scope.parameters(step=step_s, per_set=per_set), settings=settings
    )
    buckets: list[tuple[datetime, int]] = []
    values: list[list[tuple[Any, int]]] = [[] for _ in exprs]
    for row in result.result_rows:
        hits = int(row[-1])
        if row[0] is not None:
            buckets.append((utc(row[0]), hits))
            continue
        for index, value in enumerate(row[1:-1]):
            if value is not None:
                values[index].append((value, hits))
                break
    return sorted(buckets), values


def tags_by_event(ch: Client, tenant: str, ids: Sequence[UUID]) -> dict[UUID, list[str]]:
    if not ids:
        return {}
    rows = ch.query(SELECT_TAGS, parameters={"tenant": tenant, "ids": list(ids)}).result_rows
    return {event_id: sorted(tags) for event_id, tags in rows}
