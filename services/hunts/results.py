"""Hunt results: from a request's filter to events pages, counts, timelines, facets, exports.

`build_scope` turns `query` / `filter_set` / `host_query` / `include_suppressed` and the time
range into one `event_store.Scope`; the functions below run it. Suppressed events (escalation's
`event_suppressions`) are hidden unless `include_suppressed`; host filters use the core host
filter compiler (`services.core.host_filter`), so no sibling service is imported.
"""

from __future__ import annotations

import csv
import io
import ipaddress
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson

from services.core import fields, host_filter, lists
from services.core.clickhouse import Client, utc
from services.core.errors import Invalid
from services.core.filters import Compiled, Filter, parse_query, signature_hit_limits
from services.core.filters.membership import ListVersion
from services.core.host_fields import HOST_FIELDS
from services.core.web import dumps
from services.hunts import event_store
from services.hunts.event_store import Scope

INTERVALS = {
    "1m": 60,
    "5m": 300,
    "15m": 900,
    "30m": 1800,
    "1h": 3600,
    "3h": 10800,
    "6h": 21600,
    "12h": 43200,
    "1d": 86400,
    "7d": 604800,
}
AUTO_BUCKETS = 200
MAX_BUCKETS = 5000
HOST_SIDES = ("src", "dest", "any")
ABSENT = {
    "string": "{col} != ''",
    "ip": "{col} != toIPv6('::')",
    "int": "{col} != 0",
    "float": "{col} != 0",
    "bool": "1",
    "string_array": "value != ''",
}
CSV_COLUMNS = (
    "timestamp",
    "id",
    "event_type",
    "sensor",
    "src_ip",
    "src_port",
    "dest_ip",
    "dest_port",
    "proto",
    "app_proto",
    "hostname",
    "domain",
    "tld",
    "src_net",
    "dest_net",
    "src_dept",
    "dest_dept",
)
EXPORT_PAGE = 2000
_existing_tables: set[str] = set()


@dataclass(frozen=True)
class Definition:
    """What a hunt runs: a text query and/or Stamus content."""

    query: str | None
    content: Sequence[Mapping[str, Any]] | None


def facet_column(name: str) -> tuple[str, str]:
    """(SQL expression, presence condition) to break events down by field `name`."""
    field = fields.EVENT_FIELDS.lookup(name, " in parameter 'field'")
    if field.kind not in ABSENT or field.any_of or field.raw_path:
        raise Invalid(
            f'field "{name}" cannot be broken down (it is a {field.kind} field'
            f"{' spanning ' + ', '.join(field.any_of) if field.any_of else ''});"
            " use a promoted field such as hostname_info.domain, src_ip or dns.rrname"
        )
    expr = f"arrayJoin({field.sql})" if field.kind == "string_array" else field.sql
    return expr, ABSENT[field.kind].format(col=field.sql)


def table_ready(ch: Client, name: str) -> bool:
    """Whether escalation's table `name` exists (remembered once it does: tables of a
    migrated deployment do not disappear)."""
    if name in _existing_tables:
        return True
    if not event_store.table_exists(ch, name):
        return False
    _existing_tables.add(name)
    return True


def suppressions_enabled(ch: Client) -> bool:
    return table_ready(ch, "event_suppressions")


@lru_cache(maxsize=512)
def parsed_filter(query: str | None, content: str | None) -> Filter:
    return Filter.from_request(query, orjson.loads(content) if content else None)


@lru_cache(maxsize=512)
def compiled_filter(
    tenant: str,
    query: str | None,
    content: str | None,
    versions: tuple[tuple[str, ListVersion], ...] = (),
) -> Compiled:
    """The compiled filter of a definition, with the current versions of the lists it names
    bound (a list edit gives new versions, so a new cache entry)."""
    return parsed_filter(query, content).compile(tenant, versions=dict(versions))


def _content_key(content: Sequence[Mapping[str, Any]] | None) -> str | None:
    if not content:
        return None
    try:
        return orjson.dumps(content, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        raise Invalid("filter-set content must be JSON: a list of {id, value, ...}") from None


def build_scope(
    ch: Client,
    tenant: str,
    definitions: Sequence[Definition],
    start: datetime,
    end: datetime,
    timeout_s: int,
    host_query: str | None = None,
    host_side: str = "any",
    logged_in_window_s: int = 3600,
    include_suppressed: bool = False,
) -> Scope:
    """The scope of a hunt: every definition ANDed, plus host and suppression conditions."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    for index, definition in enumerate(definitions):
        key = _content_key(definition.content)
        ast = parsed_filter(definition.query, key).ast
        versions = lists.check_references(ch, tenant, ast)
        compiled = compiled_filter(tenant, definition.query, key, tuple(sorted(versions.items())))
        sql = compiled.sql
        for name in sorted(compiled.params, key=len, reverse=True):
            renamed = f"d{index}{name}"
            sql = sql.replace("{" + name + ":", "{" + renamed + ":")
            params[renamed] = compiled.params[name]
        conditions.append(sql)
        limits = signature_hit_limits(definition.content or [])
        if limits:
            conditions.append(event_store.SIGNATURES_BY_HITS)
            params["hits_min"] = limits.get("hits_min", 0)
            params["hits_max"] = limits.get("hits_max", 2**63)
    if host_query:
        if host_side not in HOST_SIDES:
            raise Invalid(f"parameter 'host_side': {host_side!r} is not one of src, dest, any")
        node = parse_query(host_query, HOST_FIELDS)
        hosts = host_filter.event_condition(
            node, tenant, start, end, end, logged_in_window_s, side=host_side, prefix="h"
        )
        conditions.append(hosts.sql)
        params.update(hosts.params)
    if (
        not include_suppressed
        and suppressions_enabled(ch)
        and event_store.has_suppressions(ch, tenant)
    ):
        conditions.append(event_store.NOT_SUPPRESSED)
    condition = " AND ".join(f"({c})" for c in conditions) or "1"
    return Scope(tenant, start, end, condition, params, timeout_s)


def interval_seconds(text: str, start: datetime, end: datetime) -> tuple[str, int]:
    """The timeline step for `interval` (`auto` picks about 200 buckets over the range)."""
    span = max((end - start).total_seconds(), 1.0)
    if text == "auto":
        for name, seconds in INTERVALS.items():
            if span / seconds <= AUTO_BUCKETS:
                return name, seconds
        return "7d", INTERVALS["7d"]
    if text not in INTERVALS:
        raise Invalid(f"parameter 'interval': {text!r} is not one of auto, {', '.join(INTERVALS)}")
    seconds = INTERVALS[text]
    if span / seconds > MAX_BUCKETS:
        raise Invalid(
            f"parameter 'interval': {text} over this range makes more than {MAX_BUCKETS}"
            " buckets; pick a larger interval or a shorter range"
        )
    return text, seconds


def timeline_buckets(ch: Client, scope: Scope, step_s: int) -> list[tuple[datetime, int]]:
    """Every bucket of the range, empty ones included, oldest first."""
    return fill_buckets(scope, step_s, dict(event_store.timeline(ch, scope, step_s)))


def fill_buckets(
    scope: Scope, step_s: int, counts: dict[datetime, int]
) -> list[tuple[datetime, int]]:
    first = int(scope.start.timestamp()) // step_s * step_s
    last = int(scope.end.timestamp()) // step_s * step_s
    out = []
    for seconds in range(first, last + 1, step_s):
        at = datetime.fromtimestamp(seconds, UTC)
        out.append((at, counts.get(at, 0)))
    return out


def run_summary(
    ch: Client, scope: Scope, step_s: int, names: Sequence[str], size: int
) -> tuple[list[tuple[datetime, int]], list[list[tuple[Any, int]]]]:
    """Timeline (empty buckets included) and facets of a run, in one scan when possible."""
    columns = [facet_column(name) for name in names]
    if any(expr.startswith("arrayJoin(") for expr, _ in columns):
        timeline = timeline_buckets(ch, scope, step_s)
        return timeline, [facet_values(ch, scope, name, size) for name in names]
    per_set = max(size + 1, bucket_count(scope, step_s))
    counts, raw = event_store.summary(ch, scope, step_s, [e for e, _ in columns], per_set)
    facets = [[(_plain(v), c) for v, c in found if not _absent(v)][:size] for found in raw]
    return fill_buckets(scope, step_s, dict(counts)), facets


def _absent(value: Any) -> bool:
    if isinstance(value, ipaddress.IPv6Address):
        return value == ipaddress.IPv6Address("::")
    return value == "" or (isinstance(value, int) and not isinstance(value, bool) and value == 0)


def bucket_count(scope: Scope, step_s: int) -> int:
    first = int(scope.start.timestamp()) // step_s
    return int(scope.end.timestamp()) // step_s - first + 1


def facet_values(ch: Client, scope: Scope, name: str, size: int) -> list[tuple[Any, int]]:
    expr, present = facet_column(name)
    return [(_plain(v), c) for v, c in event_store.facet(ch, scope, expr, present, size)]


def _plain(value: Any) -> Any:
    """Facet values as clients read them: addresses as text (IPv4 for IPv4-mapped)."""
    if isinstance(value, ipaddress.IPv6Address | ipaddress.IPv4Address):
        return _ip(value)
    return value


def decode_cursor(data: Mapping[str, Any]) -> tuple[datetime, UUID]:
    try:
        at = datetime.fromisoformat(str(data["ts"]))
        return utc(at), UUID(str(data["id"]))
    except (KeyError, ValueError):
        raise Invalid("parameter 'cursor': not a cursor this API issued") from None


def cursor_of(row: Mapping[str, Any]) -> dict[str, str]:
    return {"ts": utc(row["ts"]).isoformat(), "id": str(row["id"])}


def event_document(row: Mapping[str, Any], tags: list[str]) -> dict[str, Any]:
    """An event for the API: normalized fields, enrichments, tags and the original EVE."""
    raw = row["raw"]
    try:
        eve = orjson.loads(raw)
    except orjson.JSONDecodeError:
        eve = None
    return {
        "id": str(row["id"]),
        "timestamp": utc(row["ts"]),
        "event_type": row["event_type"],
        "sensor": row["sensor"],
        "in_iface": row["in_iface"],
        "flow_id": row["flow_id"],
        "src_ip": row["src_ip"],
        "src_port": row["src_port"],
        "dest_ip": row["dest_ip"],
        "dest_port": row["dest_port"],
        "proto": row["proto"],
        "app_proto": row["app_proto"],
        "community_id": row["community_id"],
        "hostname_info": {
            "host": row["hostname_info_host"],
            "subdomain": row["hostname_info_subdomain"],
            "domain": row["hostname_info_domain"],
            "domain_private": row["hostname_info_domain_private"],
            "tld": row["hostname_info_tld"],
            "domain_without_tld": row["hostname_info_domain_without_tld"],
            "is_ip": bool(row["hostname_info_is_ip"]),
        },
        "net_info": {
            "src": row["src_net"],
            "dest": row["dest_net"],
            "src_dept": row["src_dept"],
            "dest_dept": row["dest_dept"],
            "src_internal": bool(row["src_internal"]),
            "dest_internal": bool(row["dest_internal"]),
        },
        "source": row["source"],
        "tags": tags,
        "eve": eve,
    }


def events_page(
    ch: Client, scope: Scope, limit: int, after: tuple[datetime, UUID] | None
) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """A page of event documents, newest first, and the cursor of the next page (or None)."""
    rows = event_store.event_rows(ch, scope, limit + 1, after)
    more = len(rows) > limit
    rows = rows[:limit]
    tags = (
        event_store.tags_by_event(ch, scope.tenant, [r["id"] for r in rows])
        if rows and table_ready(ch, "event_tags")
        else {}
    )
    documents = [event_document(r, tags.get(r["id"], [])) for r in rows]
    return documents, (cursor_of(rows[-1]) if more else None)


def export_ndjson(ch: Client, scope: Scope, max_rows: int) -> Iterator[bytes]:
    for documents in _export_pages(ch, scope, max_rows):
        yield b"".join(dumps(d) + b"\n" for d in documents)


def export_csv(ch: Client, scope: Scope, max_rows: int) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue().encode()
    for documents in _export_pages(ch, scope, max_rows):
        buffer.seek(0)
        buffer.truncate()
        for d in documents:
            h, n = d["hostname_info"], d["net_info"]
            writer.writerow(
                [
                    d["timestamp"].isoformat().replace("+00:00", "Z"),
                    d["id"],
                    d["event_type"],
                    d["sensor"],
                    _ip(d["src_ip"]),
                    d["src_port"],
                    _ip(d["dest_ip"]),
                    d["dest_port"],
                    d["proto"],
                    d["app_proto"],
                    h["host"],
                    h["domain"],
                    h["tld"],
                    n["src"],
                    n["dest"],
                    n["src_dept"],
                    n["dest_dept"],
                ]
            )
        yield buffer.getvalue().encode()


def _ip(value: Any) -> str:
    mapped = getattr(value, "ipv4_mapped", None)
    return str(mapped or value)


def _export_pages(ch: Client, scope: Scope, max_rows: int) -> Iterator[list[dict[str, Any]]]:
    after: tuple[datetime, UUID] | None = None
    left = max_rows
    while left > 0:
        rows = event_store.event_rows(ch, scope, min(EXPORT_PAGE, left), after)
        if not rows:
            return
        yield [event_document(r, []) for r in rows]
        left -= len(rows)
        if len(rows) < min(EXPORT_PAGE, left + len(rows)):
            return
        after = (utc(rows[-1]["ts"]), rows[-1]["id"])
