"""An incident: one per (threat, asset), with its status, threat and evidence."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.fields import documented
from services.gateway.types.asset import Asset
from services.gateway.types.connection import Connection, connection
from services.gateway.types.event import Event
from services.gateway.types.policy import Policy
from services.gateway.types.threat import Threat


@strawberry.type(description="Declarations about one asset for one threat: new, fixed or closed.")
class Incident:
    id: strawberry.ID
    status: str
    threat: Threat | None
    kill_chain: str
    asset: Asset
    offender: str
    victim: str
    policy_id: strawberry.ID | None
    first_seen: datetime | None
    last_seen: datetime | None
    event_count: int
    opened_at: datetime | None
    status_changed_at: datetime | None
    reopened: int
    comment: str
    links: JSON = strawberry.field(description="Links to the evidence (REST URLs).")

    @documented("The policy that declared it (fetched once per id per request).")
    async def policy(self, info: Info[Context, None]) -> Policy | None:
        if self.policy_id is None:
            return None
        return await info.context.loaders.policy_by_id.load(str(self.policy_id))

    @documented("The evidence: the declared events of this incident.")
    async def events(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> Connection[Event]:
        path = f"/api/v1/incidents/{quote(str(self.id), safe='')}/events"
        data = await info.context.api.escalation.get(path, {"limit": first, "cursor": after})
        return connection(data, Event.from_json, "events")

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Incident:
        asset = data.get("asset")
        policy_id = data.get("policy_id")
        return cls(
            id=strawberry.ID(str(data.get("id", ""))),
            status=str(data.get("status", "")),
            threat=Threat.maybe(data.get("threat")),
            kill_chain=str(data.get("kill_chain") or ""),
            asset=Asset.from_json(asset if isinstance(asset, dict) else {}),
            offender=str(data.get("offender") or ""),
            victim=str(data.get("victim") or ""),
            policy_id=strawberry.ID(str(policy_id)) if policy_id else None,
            first_seen=wire.timestamp(data.get("first_seen")),
            last_seen=wire.timestamp(data.get("last_seen")),
            event_count=int(data.get("events", 0) or 0),
            opened_at=wire.timestamp(data.get("opened_at")),
            status_changed_at=wire.timestamp(data.get("status_changed_at")),
            reopened=int(data.get("reopened", 0) or 0),
            comment=str(data.get("comment") or ""),
            links=JSON(data.get("links") or {}),
        )
