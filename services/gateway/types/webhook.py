"""A webhook destination (the secret is write-only)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.fields import documented
from services.gateway.types.delivery import Delivery


@strawberry.type(description="Where incident notifications are POSTed, signed with HMAC-SHA256.")
class Webhook:
    id: strawberry.ID
    name: str
    url: str
    preset: str | None
    template: str | None
    enabled: bool
    secret: str | None = strawberry.field(
        description="The signing secret: only in the result of `createWebhook`."
    )
    created_at: datetime | None
    updated_at: datetime | None

    @documented("The delivery log of this webhook, newest first.")
    async def deliveries(self, info: Info[Context, None], first: int = 50) -> list[Delivery]:
        path = f"/api/v1/webhooks/{quote(str(self.id), safe='')}/deliveries"
        data = await info.context.api.escalation.get(path, {"limit": first})
        return [Delivery.from_json(item) for item in wire.items(data, "deliveries")]

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Webhook:
        return cls(
            id=strawberry.ID(str(data.get("id", ""))),
            name=str(data.get("name", "")),
            url=str(data.get("url", "")),
            preset=wire.text(data.get("preset")),
            template=wire.text(data.get("template")),
            enabled=bool(data.get("enabled", True)),
            secret=wire.text(data.get("secret")),
            created_at=wire.timestamp(data.get("created_at")),
            updated_at=wire.timestamp(data.get("updated_at")),
        )
