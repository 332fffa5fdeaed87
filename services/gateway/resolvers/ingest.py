"""Ingest: what was stored and rejected, named networks, and NDJSON ingest."""

from __future__ import annotations

from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.resolvers.outcome import validated
from services.gateway.types.ingest_result import IngestResult
from services.gateway.types.ingest_status import IngestStatus
from services.gateway.types.network import Network, NetworkInput
from services.gateway.types.reject import Reject
from services.gateway.types.results import IngestEventsResult, NetworkList, NetworksResult


async def ingest_status(info: Info[Context, None]) -> list[IngestStatus]:
    """Events stored per sensor and event type, first/last event time, last ingest, rejects."""
    data = await info.context.api.ingest.get("/api/v1/ingest/status")
    return [IngestStatus.from_json(item) for item in wire.items(data, "sensors", "status")]


async def rejects(info: Info[Context, None], first: int = 100) -> list[Reject]:
    """The most recent rejected lines, with reasons."""
    data = await info.context.api.ingest.get("/api/v1/ingest/rejects", {"limit": first})
    return [Reject.from_json(item) for item in wire.items(data, "rejects")]


async def networks(info: Info[Context, None]) -> list[Network]:
    """The tenant's named networks."""
    data = await info.context.api.ingest.get("/api/v1/networks")
    return [Network.from_json(item) for item in wire.items(data, "networks")]


async def put_networks(info: Info[Context, None], networks: list[NetworkInput]) -> NetworksResult:
    """Replace the tenant's named networks."""

    async def put() -> NetworkList:
        body = {"networks": [network.body() for network in networks]}
        data = await info.context.api.ingest.put("/api/v1/networks", body)
        return NetworkList(
            networks=[Network.from_json(item) for item in wire.items(data, "networks")]
        )

    return await validated(put())


async def ingest_events(info: Info[Context, None], ndjson: str) -> IngestEventsResult:
    """Ingest EVE events given as NDJSON text (one event per line)."""

    async def ingest() -> IngestResult:
        data = await info.context.api.ingest.text(
            "POST", "/api/v1/ingest/events", ndjson.encode(), "application/x-ndjson"
        )
        return IngestResult.from_json(data)

    return await validated(ingest())
