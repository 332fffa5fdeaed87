"""A declaration: one escalated event with its threat, offender and victim."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.fields import documented
from services.gateway.types.policy import Policy
from services.gateway.types.threat import Threat


@strawberry.type(description="An event escalated by a `declare` policy.")
class Declaration:
    event_id: strawberry.ID
    timestamp: datetime | None
    policy_id: strawberry.ID
    threat_id: strawberry.ID
    type: str
    kill_chain: str
    offender: str
    victim: str
    declared_at: datetime | None

    @documented("The threat declared (fetched once per id per request).")
    async def threat(self, info: Info[Context, None]) -> Threat | None:
        return await info.context.loaders.threat_by_id.load(str(self.threat_id))

    @documented("The policy that declared it (fetched once per id per request).")
    async def policy(self, info: Info[Context, None]) -> Policy | None:
        return await info.context.loaders.policy_by_id.load(str(self.policy_id))

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Declaration:
        return cls(
            event_id=strawberry.ID(str(data.get("event_id", ""))),
            timestamp=wire.timestamp(data.get("ts")),
            policy_id=strawberry.ID(str(data.get("policy_id", ""))),
            threat_id=strawberry.ID(str(data.get("threat_id", ""))),
            type=str(data.get("type") or ""),
            kill_chain=str(data.get("kill_chain") or ""),
            offender=str(data.get("offender") or ""),
            victim=str(data.get("victim") or ""),
            declared_at=wire.timestamp(data.get("declared_at")),
        )
