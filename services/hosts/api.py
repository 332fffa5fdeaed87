"""Endpoints of the hosts service: parse → logic/store → respond."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from ipaddress import IPv6Address
from uuid import UUID

import orjson
from starlette.requests import Request
from starlette.responses import Response

from services.core import auth, filter_sets, web
from services.core.auth import Scope
from services.core.deps import Deps
from services.core.errors import Invalid, NotFound
from services.hosts import document, rollup, search, store
from services.hosts.intel import Intel, RateLimited
from services.hosts.models import EvidencePage, EvidenceRead, HostPage

DEFAULT_HOST_LIMIT = 50
MAX_HOST_LIMIT = 500
DEFAULT_EVENT_LIMIT = 100
MAX_EVENT_LIMIT = 1000


def _deps(request: Request) -> Deps:
    deps: Deps = request.app.state.deps
    return deps


def parse_ip(text: str) -> IPv6Address:
    """An IPv4 or IPv6 address as stored (IPv4 mapped into IPv6); `Invalid` otherwise."""
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        raise Invalid(f"path parameter 'ip': {text!r} is not an IPv4 or IPv6 address") from None
    if isinstance(ip, ipaddress.IPv4Address):
        return IPv6Address(f"::ffff:{ip}")
    return ip


def reference_time(request: Request, end: datetime) -> datetime:
    """`logged_in` is relative to `to` when given, else to now."""
    return end if request.query_params.get("to") else datetime.now(UTC)


async def get_host(request: Request) -> Response:
    """
    summary: One host's document
    description: >-
      Every attribute of the host with its values, first/last seen and counts; hostnames; users
      with `logged_in` (seen within the logged-in window of `to`, or now); inferred roles; and a
      summary. `from`/`to` default to the retention period; `values` caps values per attribute.
    parameters:
      - {name: ip, in: path, required: true, schema: {type: string}}
      - {name: from, in: query, schema: {type: string, format: date-time}}
      - {name: to, in: query, schema: {type: string, format: date-time}}
      - {name: values, in: query, schema: {type: integer, minimum: 1, maximum: 1000}}
    responses:
      200: {description: the host document (HostRead)}
      400: {description: not an IP address, or bad parameters}
      404: {description: no events of this host in the range}
    """
    principal = auth.require(request, Scope.READ)
    deps = _deps(request)
    ip = parse_ip(request.path_params["ip"])
    start, end = web.time_range(request, default=timedelta(days=deps.settings.retention_days))
    per_attribute = web.int_param(request, "values", 100, 1, 1000)
    rows = store.host_rows(
        deps.ch, principal.tenant, ip, start, end, per_attribute, deps.settings.query_timeout_s
    )
    if not rows:
        pending = rollup.lag(deps.ch, principal.tenant)
        later = (
            f" ({pending.batches} stored batches, {pending.events} events, are not rolled up "
            "into host insights yet: they show up within seconds)"
            if pending.batches
            else ""
        )
        raise NotFound(
            f"host {document.ip_text(ip)} has no events between {start.isoformat()} "
            f"and {end.isoformat()}{later}"
        )
    host = document.host_document(
        ip,
        rows,
        reference_time(request, end),
        deps.settings.logged_in_window_s,
        per_attribute,
    )
    return web.JSON(host)


async def list_hosts(request: Request) -> Response:
    """
    summary: Search hosts
    description: >-
      Hosts whose attributes match `host_query` (the filter language over host fields, e.g.
      `logged_in:true`, `role:domain_controller`, `resolver:@public_resolvers`), optionally only
      hosts (either side) of the events matching `query` or the hunt `filter_set`
      (`catalog:<id>` or a saved filter set id) in the range, with their matching event counts.
      Host insights are rolled up from each stored batch seconds after it is stored; `pending`
      says how much is not rolled up yet.
    parameters:
      - {name: host_query, in: query, schema: {type: string}}
      - {name: query, in: query, schema: {type: string}}
      - {name: filter_set, in: query, schema: {type: string}}
      - {name: from, in: query, schema: {type: string, format: date-time}}
      - {name: to, in: query, schema: {type: string, format: date-time}}
      - {name: sort, in: query, schema: {type: string, enum: [last_seen, first_seen, ip, events]}}
      - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 500}}
      - {name: cursor, in: query, schema: {type: string}}
    responses:
      200: {description: a page of hosts (HostPage)}
      400: {description: bad query, field, sort or cursor}
      404: {description: unknown filter set}
    """
    principal = auth.require(request, Scope.READ)
    deps = _deps(request)
    params = request.query_params
    start, end = web.time_range(request)
    query = params.get("query", "")
    if params.get("filter_set"):
        if query.strip():
            raise Invalid("give either 'query' or 'filter_set', not both")
        query = filter_sets.query_text(deps.ch, principal.tenant, params["filter_set"])
    sort = params.get("sort") or ("events" if query.strip() else "last_seen")
    if sort not in search.SORTS:
        raise Invalid(f"parameter 'sort': {sort!r} is not one of {', '.join(search.SORTS)}")
    cursor = web.decode_cursor(params["cursor"]) if params.get("cursor") else {}
    offset = cursor.get("offset", 0)
    if not isinstance(offset, int) or offset < 0:
        raise Invalid(f"parameter 'cursor': {params['cursor']!r} is not a cursor this API issued")
    limit = web.int_param(request, "limit", DEFAULT_HOST_LIMIT, 1, MAX_HOST_LIMIT)
    req = search.SearchRequest(
        tenant=principal.tenant,
        host_query=params.get("host_query", ""),
        query=query,
        start=start,
        end=end,
        reference=reference_time(request, end),
        window_s=deps.settings.logged_in_window_s,
        sort=sort,
        limit=limit,
        offset=offset,
        timeout_s=deps.settings.query_timeout_s,
    )
    items, more = search.search_hosts(deps.ch, req)
    page = HostPage(
        items=items,
        next_cursor=web.encode_cursor({"offset": offset + limit}) if more else None,
        start=start,
        end=end,
        host_query=req.host_query,
        query=query,
        pending=rollup.lag(deps.ch, principal.tenant),
    )
    return web.JSON(page)


async def host_events(request: Request) -> Response:
    """
    summary: A host's events (evidence)
    description: >-
      The protocol, flow and alert events where the host is the source or the destination,
      newest first, each with its original EVE record. Paginate with `cursor`.
    parameters:
      - {name: ip, in: path, required: true, schema: {type: string}}
      - {name: from, in: query, schema: {type: string, format: date-time}}
      - {name: to, in: query, schema: {type: string, format: date-time}}
      - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000}}
      - {name: cursor, in: query, schema: {type: string}}
    responses:
      200: {description: a page of events (EvidencePage)}
      400: {description: not an IP address, or bad parameters}
    """
    principal = auth.require(request, Scope.READ)
    deps = _deps(request)
    ip = parse_ip(request.path_params["ip"])
    start, end = web.time_range(request)
    limit = web.int_param(request, "limit", DEFAULT_EVENT_LIMIT, 1, MAX_EVENT_LIMIT)
    before = _event_cursor(request.query_params.get("cursor"))
    rows = store.host_events(
        deps.ch, principal.tenant, ip, start, end, limit, before, deps.settings.query_timeout_s
    )
    items = [
        EvidenceRead(
            id=str(r.id),
            ts=r.ts,
            event_type=r.event_type,
            src_ip=document.ip_text(r.src_ip),
            src_port=r.src_port,
            dest_ip=document.ip_text(r.dest_ip),
            dest_port=r.dest_port,
            proto=r.proto,
            app_proto=r.app_proto,
            event=_event_json(r.raw),
        )
        for r in rows
    ]
    next_cursor = None
    if len(rows) == limit:
        last = rows[-1]
        next_cursor = web.encode_cursor({"ts": last.ts.isoformat(), "id": str(last.id)})
    return web.JSON(EvidencePage(ip=document.ip_text(ip), items=items, next_cursor=next_cursor))


def _event_cursor(cursor: str | None) -> tuple[datetime, UUID] | None:
    if not cursor:
        return None
    data = web.decode_cursor(cursor)
    try:
        return web.parse_datetime(str(data["ts"]), "cursor"), UUID(str(data["id"]))
    except (KeyError, ValueError):
        raise Invalid(f"parameter 'cursor': {cursor!r} is not a cursor this API issued") from None


def _event_json(raw: str) -> dict[str, object]:
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {"raw": raw}
    return parsed if isinstance(parsed, dict) else {"raw": raw}


async def intel_lookup(request: Request) -> Response:
    """
    summary: Threat-intelligence lookup
    description: >-
      Asks the configured provider (VirusTotal API v3 shape) about a domain, ip, url, sni or ja3,
      through a cache (`cache`: redis, or memory in the embedded mode) and a rate limit.
    parameters:
      - name: kind
        in: path
        required: true
        schema: {type: string, enum: [domain, ip, url, sni, ja3]}
      - {name: value, in: path, required: true, schema: {type: string}}
    responses:
      200: {description: the provider's verdict (IntelRead)}
      400: {description: the value is not valid for its kind}
      429: {description: rate limited; see Retry-After}
      503: {description: no provider key configured (intel_unconfigured) or provider failure}
    """
    auth.require(request, Scope.READ)
    intel: Intel = request.app.state.intel
    try:
        answer = await intel.lookup(request.path_params["kind"], request.path_params["value"])
    except RateLimited as exc:
        return web.JSON(
            exc.body(), status_code=exc.status, headers={"Retry-After": str(exc.retry_after_s)}
        )
    return web.JSON(answer)
