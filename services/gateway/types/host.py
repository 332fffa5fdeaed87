"""The host document: every insight attribute, roles and users of one IP."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.fields import documented
from services.gateway.types.connection import Connection, connection
from services.gateway.types.event import Event
from services.gateway.types.event_filter import EventFilter, event_params
from services.gateway.types.host_attribute import HostAttribute
from services.gateway.types.host_user import HostUser
from services.gateway.types.scalars import IP


@strawberry.type(description="What Sightline knows about one host (IP) of the tenant.")
class Host:
    ip: IP
    first_seen: datetime | None
    last_seen: datetime | None
    roles: list[str]
    users: list[HostUser]
    attributes: list[HostAttribute]
    counts: JSON | None = strawberry.field(description="Event counts the service reports.")

    @documented("The values of one attribute, by name.")
    def attribute(self, name: str) -> HostAttribute | None:
        return next((item for item in self.attributes if item.name == name), None)

    @documented("The evidence: this host's protocol and flow events.")
    async def events(
        self,
        info: Info[Context, None],
        where: EventFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Event]:
        path = f"/api/v1/hosts/{quote(str(self.ip), safe='')}/events"
        params = {**event_params(where), "limit": first, "cursor": after}
        data = await info.context.api.hosts.get(path, params)
        return connection(data, Event.from_json, "events")

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Host:
        return cls(
            ip=IP(str(data.get("ip", ""))),
            first_seen=wire.timestamp(data.get("first_seen")),
            last_seen=wire.timestamp(data.get("last_seen")),
            roles=wire.strings(data.get("roles")),
            users=[HostUser.from_json(item) for item in wire.objects(data.get("users"))],
            attributes=HostAttribute.list_from_json(data.get("attributes")),
            counts=data.get("counts"),
        )
