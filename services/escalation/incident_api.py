"""Endpoints of the SOAR feed: incidents, their evidence events, declarations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson
from starlette.requests import Request
from starlette.responses import Response

from services.core.auth import Scope, require
from services.core.clickhouse import Client
from services.core.errors import Invalid, NotFound
from services.core.openapi import documents
from services.core.web import (
    JSON,
    decode_cursor,
    encode_cursor,
    int_param,
    parse_datetime,
    read_model,
    time_range,
)
from services.escalation import incident_store, incidents, store
from services.escalation.api import deps_of, optional_datetime, path_id, uuid_param
from services.escalation.models import (
    DeclarationPage,
    DeclarationRead,
    IncidentPage,
    IncidentRead,
    IncidentUpdate,
)
from services.escalation.records import Incident, IncidentStats

STATUSES = ("new", "fixed", "closed")
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)


def cursor_position(request: Request, time_key: str) -> tuple[datetime, UUID] | None:
    raw = request.query_params.get("cursor")
    if not raw:
        return None
    data = decode_cursor(raw)
    try:
        return parse_datetime(str(data[time_key]), "cursor"), UUID(str(data["id"]))
    except (KeyError, ValueError):
        raise Invalid(f"parameter 'cursor': {raw!r} is not a cursor this API issued") from None


def found_incident(ch: Client, tenant: str, request: Request) -> Incident:
    incident_id = path_id(request, "incident")
    item = incident_store.incident(ch, tenant, incident_id)
    if item is None:
        raise NotFound(f"no incident {incident_id}")
    return item


def threat_filter(ch: Client, tenant: str, value: str | None) -> list[UUID]:
    """`threat=` is a threat id or name; an unknown one matches nothing."""
    if not value:
        return []
    try:
        return [UUID(value)]
    except ValueError:
        matches = [t.id for t in store.threats(ch, tenant) if t.name.lower() == value.lower()]
        return matches or [UUID(int=0)]


@documents(returns=IncidentPage)
async def list_incidents(request: Request) -> Response:
    """
    summary: The incident feed (?since=&status=&threat=&limit=&cursor=)
    description: >-
      Incidents opened or changed since `since` (ISO 8601), newest first. `status` is new,
      fixed or closed (comma-separated for several); `threat` a threat id or name.
    responses:
      200: {description: "{items, cursor}; pass cursor back for the next page"}
    """
    principal = require(request, Scope.READ)
    ch = deps_of(request).ch
    statuses = [s for s in request.query_params.get("status", "").split(",") if s]
    for status in statuses:
        if status not in STATUSES:
            raise Invalid(f"parameter 'status': {status!r} is not one of {', '.join(STATUSES)}")
    limit = int_param(request, "limit", 100, 1, 1000)
    since = optional_datetime(request, "since") or BEGINNING
    threat_ids = threat_filter(ch, principal.tenant, request.query_params.get("threat"))
    before = cursor_position(request, "at")
    page = incident_store.incident_page(
        ch, principal.tenant, since, statuses, threat_ids, limit, before
    )
    cursor = None
    if len(page) == limit:
        cursor = encode_cursor({"at": page[-1].opened_at, "id": str(page[-1].id)})
    items = incidents.incident_reads(ch, principal.tenant, page)
    return JSON(IncidentPage(items=items, cursor=cursor))


@documents(returns=IncidentRead)
async def get_incident(request: Request) -> Response:
    """
    summary: One incident
    responses:
      200: {description: the incident}
      404: {description: no such incident}
    """
    principal = require(request, Scope.READ)
    ch = deps_of(request).ch
    item = found_incident(ch, principal.tenant, request)
    return JSON(incidents.incident_reads(ch, principal.tenant, [item])[0])


@documents(body=IncidentUpdate, returns=IncidentRead)
async def update_incident(request: Request) -> Response:
    """
    summary: Change an incident's status (new, fixed, closed) with a comment (audited)
    responses:
      200: {description: the incident}
      400: {description: invalid body}
      404: {description: no such incident}
    """
    principal = require(request, Scope.WRITE)
    ch = deps_of(request).ch
    item = found_incident(ch, principal.tenant, request)
    body = await read_model(request, IncidentUpdate)
    changed = incidents.update_incident(ch, principal, item, body)
    return JSON(incidents.incident_reads(ch, principal.tenant, [changed])[0])


def eve(raw: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw


async def incident_events(request: Request) -> Response:
    """
    summary: The evidence of an incident — its declared events with the raw EVE (?limit=&cursor=)
    responses:
      200: {description: "{items, cursor}, oldest first"}
      404: {description: no such incident}
    """
    principal = require(request, Scope.READ)
    ch = deps_of(request).ch
    item = found_incident(ch, principal.tenant, request)
    limit = int_param(request, "limit", 100, 1, 1000)
    key = (item.threat_id, incident_store.asset_key(item.asset_type, item.asset))
    stats = incident_store.incident_stats(ch, principal.tenant, [item]).get(key, IncidentStats())
    after = cursor_position(request, "ts")
    events = incident_store.evidence(ch, principal.tenant, item, stats, limit, after)
    for event in events:
        event["eve"] = eve(str(event.pop("raw")))
    cursor = None
    if len(events) == limit:
        cursor = encode_cursor({"ts": events[-1]["ts"], "id": str(events[-1]["id"])})
    return JSON({"items": events, "cursor": cursor})


@documents(returns=DeclarationPage)
async def list_declarations(request: Request) -> Response:
    """
    summary: Declarations (escalated events) (?policy=&from=&to=&limit=&cursor=)
    responses:
      200: {description: "{items, cursor}, newest first"}
    """
    principal = require(request, Scope.READ)
    ch = deps_of(request).ch
    start, end = time_range(request)
    policy = uuid_param(request, "policy")
    limit = int_param(request, "limit", 100, 1, 1000)
    before = cursor_position(request, "ts")
    rows = incident_store.declaration_page(
        ch, principal.tenant, start, end, [policy] if policy else [], limit, before
    )
    cursor = None
    if len(rows) == limit:
        cursor = encode_cursor({"ts": rows[-1]["ts"], "id": str(rows[-1]["event_id"])})
    items = [DeclarationRead(**row) for row in rows]
    return JSON(DeclarationPage(items=items, cursor=cursor))
