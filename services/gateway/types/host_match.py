"""One result of a host search, with its document loaded on demand (batched per request)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.fields import documented
from services.gateway.types.host import Host
from services.gateway.types.scalars import IP


@strawberry.type(description="A host that matched, with how many matching events it has.")
class HostMatch:
    ip: IP
    event_count: int | None
    first_seen: datetime | None
    last_seen: datetime | None
    summary: strawberry.Private[wire.JSONObject]

    @documented("The full host document (fetched once per IP per request).")
    async def host(self, info: Info[Context, None]) -> Host | None:
        return await info.context.loaders.host_by_ip.load(str(self.ip))

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> HostMatch:
        count = data.get("event_count", data.get("events"))
        return cls(
            ip=IP(str(data.get("ip", ""))),
            event_count=int(count) if isinstance(count, int) else None,
            first_seen=wire.timestamp(data.get("first_seen")),
            last_seen=wire.timestamp(data.get("last_seen")),
            summary=data,
        )
