"""Host search results: each host with its document loaded on demand (batched per request), and
the page with what host insights have not rolled up yet."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.fields import documented
from services.gateway.types.connection import Connection
from services.gateway.types.host import Host
from services.gateway.types.host_user import HostUser
from services.gateway.types.scalars import IP


@strawberry.type(description="A host that matched, with how many matching events it has.")
class HostMatch:
    ip: IP
    first_seen: datetime | None
    last_seen: datetime | None
    event_count: int | None = strawberry.field(
        description="Events matching the event filter, when one was given."
    )
    hostnames: list[str]
    users: list[HostUser]
    roles: list[str]

    @documented("The full host document (fetched once per IP per request).")
    async def host(self, info: Info[Context, None]) -> Host | None:
        return await info.context.loaders.host_by_ip.load(str(self.ip))

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> HostMatch:
        count = data.get("events")
        return cls(
            ip=IP(str(data.get("ip", ""))),
            first_seen=wire.timestamp(data.get("first_seen")),
            last_seen=wire.timestamp(data.get("last_seen")),
            event_count=int(count) if isinstance(count, int) else None,
            hostnames=wire.strings(data.get("hostnames")),
            users=[HostUser.from_json(item) for item in wire.objects(data.get("users"))],
            roles=wire.strings(data.get("roles")),
        )


@strawberry.type(
    description="Stored batches not rolled up into host insights yet: their events show in host"
    " search and host documents once a worker has rolled them up, normally within seconds."
)
class RollupLag:
    batches: int
    events: int
    oldest_stored_at: datetime | None

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> RollupLag:
        return cls(
            batches=int(data.get("batches", 0) or 0),
            events=int(data.get("events", 0) or 0),
            oldest_stored_at=wire.timestamp(data.get("oldest_stored_at")),
        )


@strawberry.type(description="A page of matching hosts; `pending` says what is not searchable yet.")
class HostMatchConnection(Connection[HostMatch]):
    pending: RollupLag = strawberry.field(
        description="What host insights have not rolled up yet, so an empty page can be explained."
    )
