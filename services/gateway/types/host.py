"""The host document: every insight attribute, roles, users and hostnames of one IP."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.fields import documented
from services.gateway.types.connection import Connection, connection
from services.gateway.types.event import Event
from services.gateway.types.event_filter import time_params
from services.gateway.types.host_attribute import HostAttribute
from services.gateway.types.host_role import HostRole
from services.gateway.types.host_summary import HostSummary
from services.gateway.types.host_user import HostUser
from services.gateway.types.hostname import Hostname
from services.gateway.types.scalars import IP


@strawberry.type(description="What Sightline knows about one host (IP) of the tenant.")
class Host:
    ip: IP
    first_seen: datetime | None
    last_seen: datetime | None
    reference_time: datetime | None = strawberry.field(
        description="The time `loggedIn` flags are computed for."
    )
    logged_in_window_seconds: int
    hostnames: list[Hostname]
    users: list[HostUser]
    roles: list[HostRole]
    summary: HostSummary
    attributes: list[HostAttribute]

    @documented("One attribute by name (`hostname`, `ja3`, `service`...); null if never seen.")
    def attribute(self, name: str) -> HostAttribute | None:
        return next((item for item in self.attributes if item.name == name), None)

    @documented("The evidence: this host's protocol and flow events, newest first.")
    async def events(
        self,
        info: Info[Context, None],
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Event]:
        path = f"/api/v1/hosts/{quote(str(self.ip), safe='')}/events"
        params = {**time_params(from_, to), "limit": first, "cursor": after}
        data = await info.context.api.hosts.get(path, params)
        return connection(data, Event.from_json, "events")

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Host:
        summary = data.get("summary")
        return cls(
            ip=IP(str(data.get("ip", ""))),
            first_seen=wire.timestamp(data.get("first_seen")),
            last_seen=wire.timestamp(data.get("last_seen")),
            reference_time=wire.timestamp(data.get("reference_time")),
            logged_in_window_seconds=int(data.get("logged_in_window_s", 0) or 0),
            hostnames=[Hostname.from_json(item) for item in wire.objects(data.get("hostnames"))],
            users=[HostUser.from_json(item) for item in wire.objects(data.get("users"))],
            roles=[HostRole.from_json(item) for item in wire.objects(data.get("roles"))],
            summary=HostSummary.from_json(summary if isinstance(summary, dict) else {}),
            attributes=HostAttribute.list_from_json(data.get("attributes")),
        )
