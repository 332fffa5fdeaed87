"""Event hunting: a page of events, count, timeline, facets; the field registry."""

from __future__ import annotations

from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.types.connection import Connection, connection
from services.gateway.types.event import Event
from services.gateway.types.event_filter import EventFilter, event_params
from services.gateway.types.facet import Facet
from services.gateway.types.field_info import FieldInfo
from services.gateway.types.timeline import Timeline


async def events(
    info: Info[Context, None],
    where: EventFilter | None = None,
    first: int = 50,
    after: str | None = None,
) -> Connection[Event]:
    """A page of matching events, newest first; pass `pageInfo.endCursor` as `after`."""
    params = {**event_params(where), "limit": first, "cursor": after}
    data = await info.context.api.hunts.get("/api/v1/events", params)
    return connection(data, Event.from_json, "events")


async def event_count(info: Info[Context, None], where: EventFilter | None = None) -> int:
    """How many events match."""
    data = await info.context.api.hunts.get("/api/v1/events/count", event_params(where))
    return int(data["count"]) if isinstance(data, dict) else int(data)


async def event_timeline(
    info: Info[Context, None], where: EventFilter | None = None, interval: str | None = None
) -> Timeline:
    """Matching events per time bucket (`interval` like `1h`; `auto` by default)."""
    params = {**event_params(where), "interval": interval}
    return Timeline.from_json(await info.context.api.hunts.get("/api/v1/events/timeline", params))


async def event_facets(
    info: Info[Context, None],
    fields: list[str],
    where: EventFilter | None = None,
    size: int = 10,
) -> list[Facet]:
    """Top values of each field among matching events (the domain/subdomain breakdowns)."""
    params = {**event_params(where), "field": fields, "size": size}
    data = await info.context.api.hunts.get("/api/v1/events/facets", params)
    return [Facet.from_json(item) for item in wire.items(data, "facets")]


async def fields(info: Info[Context, None]) -> list[FieldInfo]:
    """The filter language's fields, for autocompletion."""
    data = await info.context.api.hunts.get("/api/v1/fields")
    return [FieldInfo.from_json(item) for item in wire.items(data, "fields")]
