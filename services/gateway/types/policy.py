"""An escalation policy: a filter plus an action (tag, declare, suppress)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.fields import documented
from services.gateway.types.audit_entry import AuditEntry
from services.gateway.types.threat import Threat


@strawberry.type(description="A filter and what to do with matching events, in order.")
class Policy:
    id: strawberry.ID
    position: int
    action: str = strawberry.field(description="`tag`, `declare` or `suppress`.")
    enabled: bool
    description: str
    query: str | None
    content: JSON | None = strawberry.field(description="The Stamus structured filter, if any.")
    filter_set: str | None
    tag: str | None = strawberry.field(description="For `tag`: `relevant` or `informational`.")
    type: str | None = strawberry.field(description="For `declare`: `doc` or `dopv`.")
    threat: Threat | None
    offender_key: str | None
    victim_key: str | None
    victim_type: str | None
    track_offender: bool
    track_victim: bool
    webhooks: bool = strawberry.field(description="Whether declarations send webhooks.")
    webhook_ids: list[strawberry.ID] = strawberry.field(
        description="The webhooks used, when restricted to some; empty means all."
    )
    history: bool
    history_webhooks: bool
    events_seen: int
    events_acted: int
    backfill_job: strawberry.ID | None
    created_at: datetime | None
    created_by: str | None
    updated_at: datetime | None
    updated_by: str | None

    @documented("Who changed this policy, when, and why (newest first).")
    async def audit(self, info: Info[Context, None]) -> list[AuditEntry]:
        path = f"/api/v1/policies/{quote(str(self.id), safe='')}/audit"
        data = await info.context.api.escalation.get(path)
        return [AuditEntry.from_json(item) for item in wire.items(data)]

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Policy:
        webhooks = data.get("webhooks", False)
        job = data.get("backfill_job")
        content = data.get("content")
        return cls(
            id=strawberry.ID(str(data.get("id", ""))),
            position=int(data.get("position", 0) or 0),
            action=str(data.get("action", "")),
            enabled=bool(data.get("enabled", True)),
            description=str(data.get("description") or ""),
            query=wire.text(data.get("query")),
            content=None if content is None else JSON(content),
            filter_set=wire.text(data.get("filter_set")),
            tag=wire.text(data.get("tag")),
            type=wire.text(data.get("type")),
            threat=Threat.maybe(data.get("threat")),
            offender_key=wire.text(data.get("offender_key")),
            victim_key=wire.text(data.get("victim_key")),
            victim_type=wire.text(data.get("victim_type")),
            track_offender=bool(data.get("track_offender", False)),
            track_victim=bool(data.get("track_victim", False)),
            webhooks=bool(webhooks),
            webhook_ids=[strawberry.ID(str(v)) for v in webhooks]
            if isinstance(webhooks, list)
            else [],
            history=bool(data.get("history", False)),
            history_webhooks=bool(data.get("history_webhooks", False)),
            events_seen=int(data.get("events_seen", 0) or 0),
            events_acted=int(data.get("events_acted", 0) or 0),
            backfill_job=strawberry.ID(str(job)) if job else None,
            created_at=wire.timestamp(data.get("created_at")),
            created_by=wire.text(data.get("created_by")),
            updated_at=wire.timestamp(data.get("updated_at")),
            updated_by=wire.text(data.get("updated_by")),
        )
