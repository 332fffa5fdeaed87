"""The incident feed: list, lookup, status changes."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from services.gateway.context import Context
from services.gateway.resolvers.outcome import or_none, outcome
from services.gateway.types.connection import Connection, connection
from services.gateway.types.incident import Incident
from services.gateway.types.results import IncidentResult


def _incident(id_: str) -> str:
    return f"/api/v1/incidents/{quote(id_, safe='')}"


async def incidents(
    info: Info[Context, None],
    since: datetime | None = None,
    status: str | None = None,
    threat: str | None = None,
    first: int = 100,
    after: str | None = None,
) -> Connection[Incident]:
    """The incident feed, newest first: opened or changed since `since`, with a `status`
    (`new`, `fixed`, `closed`; comma-separated for several), of a `threat` (id or name)."""
    params = {
        "since": since.isoformat() if since else None,
        "status": status,
        "threat": threat,
        "limit": first,
        "cursor": after,
    }
    data = await info.context.api.escalation.get("/api/v1/incidents", params)
    return connection(data, Incident.from_json, "incidents")


async def incident(info: Info[Context, None], id: strawberry.ID) -> Incident | None:
    """One incident; null if there is none with this id."""

    async def get() -> Incident:
        return Incident.from_json(await info.context.api.escalation.get(_incident(id)))

    return await or_none(get())


async def set_incident_status(
    info: Info[Context, None], id: strawberry.ID, status: str, comment: str | None = None
) -> IncidentResult:
    """Set an incident's status (`new`, `fixed` or `closed`), with an optional comment."""

    async def update() -> Incident:
        body = {"status": status, **({"comment": comment} if comment is not None else {})}
        return Incident.from_json(await info.context.api.escalation.patch(_incident(id), body))

    return await outcome(update())
