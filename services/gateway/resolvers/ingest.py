"""Ingest: what was stored and rejected, sensors, named networks, and NDJSON ingest."""

from __future__ import annotations

from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.resolvers.outcome import validated
from services.gateway.types.connection import Connection, connection
from services.gateway.types.ingest_result import IngestResult
from services.gateway.types.ingest_status import IngestStatus
from services.gateway.types.network import NetworkInput
from services.gateway.types.reject import Reject
from services.gateway.types.results import IngestEventsResult, NetworkList, NetworksResult
from services.gateway.types.sensor import Sensor


async def ingest_status(info: Info[Context, None]) -> IngestStatus:
    """Events stored per sensor and event type (first/last event, last ingest), rejects and
    checkpoints per source: everything needed to explain an empty hunt."""
    return IngestStatus.from_json(await info.context.api.ingest.get("/api/v1/ingest/status"))


async def rejects(
    info: Info[Context, None],
    source: str | None = None,
    first: int = 100,
    after: str | None = None,
) -> Connection[Reject]:
    """Rejected lines, newest first, with the reason and the original bytes."""
    params = {"source": source, "limit": first, "cursor": after}
    data = await info.context.api.ingest.get("/api/v1/ingest/rejects", params)
    return connection(data, Reject.from_json, "rejects")


async def sensors(info: Info[Context, None]) -> list[Sensor]:
    """The latest Suricata stats of each sensor (uptime, packets, drops, flows)."""
    data = await info.context.api.ingest.get("/api/v1/sensors")
    return [Sensor.from_json(item) for item in wire.items(data, "sensors")]


async def networks(info: Info[Context, None]) -> NetworkList:
    """The tenant's named networks (the defaults when it has defined none)."""
    return NetworkList.from_json(await info.context.api.ingest.get("/api/v1/networks"))


async def put_networks(info: Info[Context, None], networks: list[NetworkInput]) -> NetworksResult:
    """Replace the tenant's named networks (enrichment of events ingested from now on)."""

    async def put() -> NetworkList:
        body = {"networks": [network.body() for network in networks]}
        return NetworkList.from_json(await info.context.api.ingest.put("/api/v1/networks", body))

    return await validated(put())


async def ingest_events(info: Info[Context, None], ndjson: str) -> IngestEventsResult:
    """Ingest EVE events given as NDJSON text (one event per line)."""

    async def ingest() -> IngestResult:
        data = await info.context.api.ingest.request(
            "POST", "/api/v1/ingest/events", raw=(ndjson.encode(), "application/x-ndjson")
        )
        return IngestResult.from_json(data)

    return await validated(ingest())
