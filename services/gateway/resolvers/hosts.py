"""Host insights: host documents, host search, and threat-intelligence lookups."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from services.gateway.context import Context
from services.gateway.resolvers.outcome import or_none
from services.gateway.types.connection import connection
from services.gateway.types.event_filter import EventFilter, event_params, time_params
from services.gateway.types.host import Host
from services.gateway.types.host_match import HostMatch, HostMatchConnection, RollupLag
from services.gateway.types.intel import IntelVerdict
from services.gateway.types.scalars import IP


async def host(
    info: Info[Context, None],
    ip: IP,
    from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
    to: datetime | None = None,
) -> Host | None:
    """The host document of `ip` (over the retention period unless `from`/`to` narrow it;
    users' `loggedIn` is relative to `to`, else now); null if the host has no events in host
    insights — also while its events are stored but not rolled up yet (`hosts.pending`)."""
    if from_ is None and to is None:
        return await info.context.loaders.host_by_ip.load(str(ip))

    async def get() -> Host:
        path = f"/api/v1/hosts/{quote(str(ip), safe='')}"
        return Host.from_json(await info.context.api.hosts.get(path, time_params(from_, to)))

    return await or_none(get())


async def hosts(
    info: Info[Context, None],
    host_query: str | None = None,
    where: EventFilter | None = None,
    sort: str | None = None,
    first: int = 50,
    after: str | None = None,
) -> HostMatchConnection:
    """Hosts whose attributes match `hostQuery` (`logged_in:true`, `role:domain_controller`),
    optionally only hosts of the events matching `where.query` or `where.filterSet` in the
    range (with their matching event counts). `sort`: last_seen, first_seen, ip, events.
    `pending` counts the stored events host insights have not rolled up yet."""
    params = {
        **event_params(where),
        "host_query": host_query,
        "sort": sort,
        "limit": first,
        "cursor": after,
    }
    data = await info.context.api.hosts.get("/api/v1/hosts", params)
    page = connection(data, HostMatch.from_json, "hosts")
    pending = data.get("pending") if isinstance(data, dict) else None
    return HostMatchConnection(
        nodes=page.nodes,
        page_info=page.page_info,
        pending=RollupLag.from_json(pending if isinstance(pending, dict) else {}),
    )


async def intel(info: Info[Context, None], kind: str, value: str) -> IntelVerdict | None:
    """Ask the threat-intelligence provider (cached) about a `domain`, `ip`, `url`, `sni` or
    `ja3`; `found` says whether it knows the value. Without a configured provider key the
    error code is SERVICE_UNAVAILABLE."""

    async def lookup() -> IntelVerdict:
        path = f"/api/v1/intel/{quote(kind, safe='')}/{quote(value, safe='')}"
        return IntelVerdict.from_json(await info.context.api.hosts.get(path))

    return await or_none(lookup())
