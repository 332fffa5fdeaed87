"""Ingest endpoints: parse → ingest or query → respond."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from services.core import auth, web
from services.core.auth import Scope
from services.core.deps import Deps
from services.core.errors import Conflict, Invalid
from services.core.openapi import NDJSON, documents
from services.ingest import body, ingestion, networks, store
from services.ingest.models import (
    IngestResultRead,
    LineError,
    NetworkItem,
    NetworksRead,
    NetworksUpdate,
    RejectPage,
    RejectRead,
)
from services.ingest.sources import Limits

MAX_ERRORS = 100
IDEMPOTENCY_KEY_MAX = 255
REPLAYED = {"Idempotent-Replayed": "true"}
REJECT_RAW_BYTES = 64 * 1024
SOURCE_MAX = 200


def _deps(request: Request) -> Deps:
    deps: Deps = request.app.state.deps
    return deps


def _source(request: Request) -> str:
    """The `source` query parameter. Names of resumable sources (file paths, `redis:...`) are
    refused: their stored offsets must come from their own reader only."""
    source = request.query_params.get("source", "http").strip() or "http"
    if len(source) > SOURCE_MAX or not source.isprintable():
        raise Invalid(f"parameter 'source': must be printable text of at most {SOURCE_MAX} chars")
    if source.startswith(("/", "redis:")):
        raise Invalid(
            f"parameter 'source': {source!r} looks like a file or Redis source of "
            "`sightline ingest`; choose another name"
        )
    return source


@documents(returns=IngestResultRead, body_type=NDJSON)
async def ingest_events(request: Request) -> Response:
    """
    summary: Ingest EVE events (NDJSON)
    description: >
      One EVE JSON event per line (application/x-ndjson; application/json and text/plain are
      accepted too), optionally `Content-Encoding: gzip`. The body (also once decompressed) may
      not exceed SIGHTLINE_MAX_BODY_BYTES. Lines that are not valid EVE are stored as rejects
      and reported with their line numbers; a rejected request stores nothing.

      Send an `Idempotency-Key` header (1-255 printable ASCII characters, e.g. a UUID) to make
      retries safe: the same key with the same body within 7 days is answered with the first
      answer (header `Idempotent-Replayed: true`) and stores nothing again; the same key with
      another body is a 409.
    parameters:
      - {name: source, in: query, schema: {type: string, default: http}}
      - {name: Idempotency-Key, in: header, required: false, schema: {type: string, maxLength: 255}}
    responses:
      200: {description: "accepted, rejected and stats counts, errors by line, batch ids"}
      400: {description: "empty body, invalid gzip, only blank lines, or a bad Idempotency-Key"}
      401: {description: missing or invalid token}
      403: {description: the token lacks the write scope}
      413: {description: body or decompressed body too large}
      409: {description: the Idempotency-Key was used before with another body}
      415: {description: not NDJSON, or an unsupported Content-Encoding}
    """
    principal = auth.require(request, Scope.WRITE)
    deps = _deps(request)
    source = _source(request)
    key = _idempotency_key(request)
    received = await body.spool(request, deps.settings.max_body_bytes)
    try:
        if key is None:
            return web.JSON(await _ingest(deps, principal.tenant, source, received))
        async with _KEY_LOCKS.hold((principal.tenant, key)):
            return await _ingest_once(deps, principal.tenant, source, key, received)
    finally:
        received.stream.close()


async def _ingest_once(
    deps: Deps, tenant: str, source: str, key: str, received: body.Body
) -> Response:
    """Ingest a request sent with an idempotency key, or answer again as the first time."""
    previous = await run_in_threadpool(store.answered_request, deps.ch, tenant, key)
    if previous is not None:
        digest, answer = previous
        if digest != received.sha256:
            raise Conflict(
                f"Idempotency-Key {key!r} was used for another body; use a new key for new events"
            )
        return Response(answer, media_type="application/json", headers=REPLAYED)
    result = await _ingest(deps, tenant, source, received)
    answer = web.dumps(result)
    await run_in_threadpool(store.record_request, deps.ch, tenant, key, received.sha256, answer)
    return Response(answer, media_type="application/json")


async def _ingest(deps: Deps, tenant: str, source: str, received: body.Body) -> IngestResultRead:
    limits = Limits(line_bytes=deps.settings.max_line_bytes)
    summary = await run_in_threadpool(
        ingestion.ingest_stream,
        deps.ch,
        tenant,
        received.stream,
        source,
        celery=deps.celery,
        limits=limits,
    )
    if summary.batches == 0:
        raise Invalid("the body holds only blank lines; send one EVE JSON event per line")
    return IngestResultRead(
        accepted=summary.accepted,
        rejected=summary.rejected,
        stats=summary.stats,
        errors=[LineError(line=line, reason=reason) for _, line, reason in summary.errors][
            :MAX_ERRORS
        ],
        errors_total=summary.error_count,
        errors_truncated=summary.error_count > MAX_ERRORS,
        batch_id=summary.batch_ids[0] if summary.batch_ids else None,
        batch_ids=summary.batch_ids,
    )


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX or not key.isascii() or not key.isprintable():
        raise Invalid(
            f"header 'Idempotency-Key': must be 1 to {IDEMPOTENCY_KEY_MAX} printable ASCII"
            " characters (a UUID, say)"
        )
    return key


class _KeyLocks:
    """One lock per (tenant, key) while a request holds it: a retry that arrives while the first
    request is still storing waits for its answer instead of storing the events again."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: tuple[str, str]) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and self._locks.get(key) is lock:
                del self._locks[key]


_KEY_LOCKS = _KeyLocks()


@documents(returns=RejectPage)
async def list_rejects(request: Request) -> Response:
    """
    summary: List rejected lines
    description: Lines ingest could not store as events, newest first, with the reason.
    parameters:
      - {name: from, in: query, schema: {type: string, format: date-time}}
      - {name: to, in: query, schema: {type: string, format: date-time}}
      - {name: source, in: query, schema: {type: string}}
      - {name: limit, in: query, schema: {type: integer, default: 100, maximum: 1000}}
      - {name: cursor, in: query, schema: {type: string}}
    responses:
      200: {description: "items (received_at, source, offset, line, reason, raw) and next_cursor"}
    """
    principal = auth.require(request, Scope.READ)
    deps = _deps(request)
    start, end = web.time_range(request)
    limit = web.int_param(request, "limit", 100, 1, 1000)
    cursor = request.query_params.get("cursor")
    after = _reject_key(web.decode_cursor(cursor), cursor) if cursor else None
    rows = await run_in_threadpool(
        store.rejects,
        deps.ch,
        principal.tenant,
        start,
        end,
        request.query_params.get("source", ""),
        after,
        limit + 1,
        REJECT_RAW_BYTES,
        deps.settings.query_timeout_s,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = web.encode_cursor(
            {"t": last["received_us"], "s": last["source"], "o": last["offset"]}
        )
    items = [
        RejectRead(
            received_at=row["received_at"],
            source=row["source"],
            offset=row["offset"],
            line=row["line"],
            reason=row["reason"],
            raw=row["raw"],
            raw_bytes=row["raw_bytes"],
            raw_truncated=row["raw_bytes"] > REJECT_RAW_BYTES,
        )
        for row in rows
    ]
    return web.JSON(RejectPage(items=items, next_cursor=next_cursor))


def _reject_key(data: dict[str, Any], cursor: str) -> store.RejectKey:
    try:
        return store.RejectKey(int(data["t"]), str(data["s"]), int(data["o"]))
    except (KeyError, TypeError, ValueError):
        raise Invalid(f"parameter 'cursor': {cursor!r} is not a cursor this API issued") from None


async def ingest_status(request: Request) -> Response:
    """
    summary: Ingest status
    description: >
      What is stored, per sensor and event type (events, first and last event time, last
      ingest time), rejects per source, sensor stats, per-source checkpoints and escalation
      dispatches: everything needed to explain an empty hunt.
    responses:
      200: {description: "totals, sensors[].event_types[], rejects[], sources[], dispatches"}
    """
    principal = auth.require(request, Scope.READ)
    deps = _deps(request)
    status = await run_in_threadpool(_status, deps, principal.tenant, deps.settings.query_timeout_s)
    return web.JSON(status)


def _status(deps: Deps, tenant: str, timeout_s: int) -> dict[str, Any]:
    rows = store.event_status(deps.ch, tenant, timeout_s)
    rejects = store.reject_status(deps.ch, tenant, timeout_s)
    stats, last_stats = store.stats_count(deps.ch, tenant, timeout_s)
    sensors: dict[str, dict[str, Any]] = {}
    for row in rows:
        sensor = sensors.setdefault(row["sensor"], {"sensor": row["sensor"], "event_types": []})
        sensor["event_types"].append({k: v for k, v in row.items() if k != "sensor"})
    for sensor in sensors.values():
        sensor.update(_span(sensor["event_types"]))
    totals = _span(rows) | {
        "sensors": len(sensors),
        "rejects": sum(r["rejects"] for r in rejects),
        "stats": stats,
        "last_stats": last_stats,
    }
    return {
        "tenant": tenant,
        "totals": totals,
        "sensors": list(sensors.values()),
        "rejects": rejects,
        "sources": store.checkpoints(deps.ch, tenant, timeout_s),
        "dispatches": store.dispatch_status(deps.ch, tenant, timeout_s),
    }


def _span(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Events, first and last event and last ingest over rows of `store.event_status`."""
    return {
        "events": sum(r["events"] for r in rows),
        "first_event": min((r["first_event"] for r in rows), default=None),
        "last_event": max((r["last_event"] for r in rows), default=None),
        "last_ingest": max((r["last_ingest"] for r in rows), default=None),
    }


async def list_sensors(request: Request) -> Response:
    """
    summary: List sensors
    description: The latest Suricata stats of each sensor (uptime, packets, drops, flows).
    responses:
      200: {description: "sensors[]: sensor, last_stats, uptime, kernel_packets, kernel_drops,
        drop_ratio, decoder_packets, decoder_bytes, flows, reports"}
    """
    principal = auth.require(request, Scope.READ)
    deps = _deps(request)
    found = await run_in_threadpool(
        store.sensors, deps.ch, principal.tenant, deps.settings.query_timeout_s
    )
    return web.JSON({"sensors": found})


@documents(returns=NetworksRead)
async def get_networks(request: Request) -> Response:
    """
    summary: Get named networks
    description: The tenant's named networks, or the defaults (private ranges) if it has none.
    responses:
      200: {description: "networks[] (name, cidrs, department, home) and default"}
    """
    principal = auth.require(request, Scope.READ)
    deps = _deps(request)
    return web.JSON(await run_in_threadpool(_networks, deps, principal.tenant))


def _networks(deps: Deps, tenant: str) -> NetworksRead:
    own = networks.stored(deps.ch, tenant)
    shown = own or list(networks.NetworkMap.default().networks)
    return NetworksRead(networks=[NetworkItem.from_domain(n) for n in shown], default=not own)


@documents(body=NetworksUpdate, returns=NetworksRead)
async def put_networks(request: Request) -> Response:
    """
    summary: Replace named networks
    description: >
      Replace the tenant's named networks (write scope). `home` networks are the
      organization's own. An empty list restores the defaults. New events are enriched with
      the new map; stored events keep the context they were ingested with.
    responses:
      200: {description: the stored networks}
      400: {description: "an invalid item, named by index: networks[2].cidrs[0]"}
    """
    principal = auth.require(request, Scope.WRITE)
    deps = _deps(request)
    update = await web.read_model(request, NetworksUpdate)
    checked = update.checked()
    await run_in_threadpool(networks.save, deps.ch, principal.tenant, checked)
    return web.JSON(await run_in_threadpool(_networks, deps, principal.tenant))
