"""Endpoints of hunt results (`/api/v1/events...`), the field registry and the catalog.

Every results endpoint takes `query` (text filter) and/or `filter_set` (a catalog or saved set
id), `host_query` (host filter; `host_side` src|dest|any), `from` / `to` (ISO 8601, default
the last 24 h) and `include_suppressed`; all are scoped to the caller's tenant and bounded.
Filter sets: `filter_set_api`; reference lists: `list_api`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from services.core import fields
from services.core.auth import Principal, Scope, require
from services.core.deps import Deps
from services.core.errors import Invalid
from services.core.web import JSON, decode_cursor, encode_cursor, parse_datetime
from services.hunts import event_store, filter_sets, results
from services.hunts.catalog import load_catalog
from services.hunts.event_store import Scope as HuntScope
from services.hunts.models import (
    Bucket,
    CatalogCategory,
    CatalogPage,
    Facet,
    FacetValue,
    Timeline,
)

MAX_PAGE = 1000
MAX_EXPORT = 1_000_000
MAX_FACET_SIZE = 1000
DEFAULT_RANGE = timedelta(hours=24)
TRUE = ("1", "true", "yes", "on")
FALSE = ("", "0", "false", "no", "off")


def deps_of(request: Request) -> Deps:
    deps: Deps = request.app.state.deps
    return deps


def flag(params: Mapping[str, Any], name: str) -> bool:
    value = str(params.get(name, "")).strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise Invalid(f"parameter {name!r}: {value!r} is not a boolean (true or false)")


def integer(params: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise Invalid(f"parameter {name!r}: {raw!r} is not an integer") from None
    if not low <= value <= high:
        raise Invalid(f"parameter {name!r}: {value} is outside {low}..{high}")
    return value


def text(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Invalid(f"parameter {name!r} must be a string")
    return value


def time_bounds(params: Mapping[str, Any]) -> tuple[datetime, datetime]:
    """`from` / `to` (ISO 8601), defaulting to the last 24 hours."""
    to = text(params, "to")
    start_text = text(params, "from")
    end = parse_datetime(to, "to") if to else datetime.now(UTC)
    start = parse_datetime(start_text, "from") if start_text else end - DEFAULT_RANGE
    if start > end:
        raise Invalid(f"parameter 'from' ({start.isoformat()}) is after 'to' ({end.isoformat()})")
    return start, end


def hunt_scope(
    request: Request,
    principal: Principal,
    params: Mapping[str, Any],
    extra: list[results.Definition] | None = None,
) -> HuntScope:
    """The scope of a results request: its filter(s), host filter, range and bounds."""
    deps = deps_of(request)
    definitions = list(extra or [])
    if set_id := text(params, "filter_set"):
        definitions.append(filter_sets.definition(filter_sets.find(deps.ch, principal, set_id)))
    query = text(params, "query")
    if query or not definitions:
        definitions.append(results.Definition(query, None))
    start, end = time_bounds(params)
    return results.build_scope(
        deps.ch,
        principal.tenant,
        definitions,
        start,
        end,
        deps.settings.query_timeout_s,
        host_query=text(params, "host_query"),
        host_side=text(params, "host_side") or "any",
        logged_in_window_s=deps.settings.logged_in_window_s,
        include_suppressed=flag(params, "include_suppressed"),
    )


def timeline_model(request: Request, scope: HuntScope, interval: str) -> Timeline:
    name, step = results.interval_seconds(interval, scope.start, scope.end)
    buckets = results.timeline_buckets(deps_of(request).ch, scope, step)
    return Timeline(
        interval=name,
        interval_seconds=step,
        buckets=[Bucket(time=at, count=count) for at, count in buckets],
    )


def facet_models(request: Request, scope: HuntScope, names: list[str], size: int) -> list[Facet]:
    ch = deps_of(request).ch
    for name in names:
        results.facet_column(name)
    return [
        Facet(
            field=name,
            buckets=[
                FacetValue(value=v, count=c) for v, c in results.facet_values(ch, scope, name, size)
            ],
        )
        for name in names
    ]


async def list_events(request: Request) -> Response:
    """
    summary: A page of events matching a filter, newest first
    description: >-
      Normalized fields, enrichments (hostname_info, net_info), classification tags and the
      original EVE event. Pass `cursor` from the previous page to get the next one.
    parameters:
      - name: query
        in: query
        schema: {type: string}
        description: text filter, e.g. event_type:dns AND dest_ip:@public_resolvers
      - name: filter_set
        in: query
        schema: {type: string}
        description: catalog:<slug> or a saved set id
      - name: host_query
        in: query
        schema: {type: string}
        description: host filter (host insight attributes)
      - {name: host_side, in: query, schema: {type: string, enum: [src, dest, any]}}
      - {name: from, in: query, schema: {type: string, format: date-time}}
      - {name: to, in: query, schema: {type: string, format: date-time}}
      - {name: include_suppressed, in: query, schema: {type: boolean}}
      - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 100}}
      - {name: cursor, in: query, schema: {type: string}}
    responses:
      "200": {description: "{items: [event], next_cursor}"}
      "400": {description: bad filter or parameter}
      "404": {description: unknown filter_set}
    """
    principal = require(request, Scope.READ)
    params = request.query_params
    limit = integer(params, "limit", 100, 1, MAX_PAGE)
    after = None
    if cursor := params.get("cursor"):
        after = results.decode_cursor(decode_cursor(cursor))
    scope = hunt_scope(request, principal, params)
    items, next_cursor = results.events_page(deps_of(request).ch, scope, limit, after)
    return JSON(
        {
            "items": items,
            "next_cursor": encode_cursor(next_cursor) if next_cursor else None,
        }
    )


async def count_events(request: Request) -> Response:
    """
    summary: Count the events matching a filter
    parameters:
      - {name: query, in: query, schema: {type: string}}
      - {name: filter_set, in: query, schema: {type: string}}
      - {name: host_query, in: query, schema: {type: string}}
      - {name: from, in: query, schema: {type: string, format: date-time}}
      - {name: to, in: query, schema: {type: string, format: date-time}}
      - {name: include_suppressed, in: query, schema: {type: boolean}}
    responses:
      "200": {description: "{count, from, to}"}
      "400": {description: bad filter or parameter}
    """
    principal = require(request, Scope.READ)
    scope = hunt_scope(request, principal, request.query_params)
    count = event_store.event_count(deps_of(request).ch, scope)
    return JSON({"count": count, "from": scope.start, "to": scope.end})


async def events_timeline(request: Request) -> Response:
    """
    summary: Event counts over time for a filter
    parameters:
      - {name: query, in: query, schema: {type: string}}
      - {name: filter_set, in: query, schema: {type: string}}
      - name: interval
        in: query
        schema:
          type: string
          enum: [auto, 1m, 5m, 15m, 30m, 1h, 3h, 6h, 12h, 1d, 7d]
          default: auto
      - {name: from, in: query, schema: {type: string, format: date-time}}
      - {name: to, in: query, schema: {type: string, format: date-time}}
    responses:
      "200":
        {description: '{interval, interval_seconds, buckets: [{time, count}]} (empty
            buckets included)'}
      "400": {description: bad interval, filter or range}
    """
    principal = require(request, Scope.READ)
    params = request.query_params
    scope = hunt_scope(request, principal, params)
    return JSON(timeline_model(request, scope, params.get("interval") or "auto"))


async def events_facets(request: Request) -> Response:
    """
    summary: Top values of one or more fields among the events matching a filter
    parameters:
      - name: field
        in: query
        required: true
        schema:
          type: array
          items: {type: string}
        style: form
        explode: true
        description: registry field, e.g. hostname_info.domain; repeatable
      - {name: size, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 10}}
      - {name: query, in: query, schema: {type: string}}
      - {name: filter_set, in: query, schema: {type: string}}
      - {name: from, in: query, schema: {type: string, format: date-time}}
      - {name: to, in: query, schema: {type: string, format: date-time}}
    responses:
      "200": {description: "{facets: [{field, buckets: [{value, count}]}]}"}
      "400": {description: unknown field or bad parameter}
    """
    principal = require(request, Scope.READ)
    params = request.query_params
    names = params.getlist("field")
    if not names:
        raise Invalid("parameter 'field' is required, e.g. field=hostname_info.domain")
    size = integer(params, "size", 10, 1, MAX_FACET_SIZE)
    for name in names:
        results.facet_column(name)
    scope = hunt_scope(request, principal, params)
    return JSON({"facets": facet_models(request, scope, names, size)})


async def export_events(request: Request) -> Response:
    """
    summary: Export the events matching a filter (streamed NDJSON or CSV)
    parameters:
      - {name: format, in: query, schema: {type: string, enum: [ndjson, csv], default: ndjson}}
      - name: max_rows
        in: query
        schema: {type: integer, minimum: 1, maximum: 1000000, default: 10000}
      - {name: query, in: query, schema: {type: string}}
      - {name: filter_set, in: query, schema: {type: string}}
      - {name: from, in: query, schema: {type: string, format: date-time}}
      - {name: to, in: query, schema: {type: string, format: date-time}}
    responses:
      "200": {description: "application/x-ndjson (one event document per line) or text/csv"}
      "400": {description: bad format, filter or parameter}
    """
    principal = require(request, Scope.READ)
    params = request.query_params
    kind = params.get("format") or "ndjson"
    if kind not in ("ndjson", "csv"):
        raise Invalid(f"parameter 'format': {kind!r} is not one of ndjson, csv")
    max_rows = integer(params, "max_rows", 10_000, 1, MAX_EXPORT)
    scope = hunt_scope(request, principal, params)
    ch = deps_of(request).ch
    if kind == "csv":
        return StreamingResponse(
            results.export_csv(ch, scope, max_rows),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="events.csv"'},
        )
    return StreamingResponse(
        results.export_ndjson(ch, scope, max_rows), media_type="application/x-ndjson"
    )


async def list_fields(request: Request) -> Response:
    """
    summary: The event field registry (names, kinds, aliases) for autocompletion
    responses:
      "200":
        {description: '{fields: [{name, kind, description, aliases, event_types,
            case_insensitive}]}'}
    """
    require(request, Scope.READ)
    return JSON({"fields": fields.EVENT_FIELDS.describe()})


async def list_catalog(request: Request) -> Response:
    """
    summary: The guided hunting catalog, with categories and counts
    parameters:
      - name: q
        in: query
        schema: {type: string}
        description: keywords; title matches rank first
      - name: category
        in: query
        schema: {type: string}
        description: e.g. Policy, Suspicious DNS
    responses:
      "200": {description: "{categories: [{name, count}], items: [filter set], total}"}
    """
    principal = require(request, Scope.READ)
    params = request.query_params
    items = filter_sets.search(
        deps_of(request).ch,
        principal,
        params.get("q", ""),
        params.get("category", ""),
        source="catalog",
    )
    categories = [
        CatalogCategory(name=name, count=count)
        for name, count in load_catalog().categories().items()
    ]
    return JSON(CatalogPage(categories=categories, items=items, total=len(items)))
