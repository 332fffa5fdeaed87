"""Webhooks: CRUD, a test delivery, and the delivery log (on `Webhook.deliveries`)."""

from __future__ import annotations

from urllib.parse import quote

import strawberry
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.resolvers.outcome import or_none, outcome
from services.gateway.types.deleted import Deleted
from services.gateway.types.delivery import Delivery
from services.gateway.types.results import DeleteResult, DeliveryResult, WebhookResult
from services.gateway.types.webhook import Webhook
from services.gateway.types.webhook_input import WebhookInput, WebhookPatch

WEBHOOKS = "/api/v1/webhooks"


def _webhook(id_: str) -> str:
    return f"{WEBHOOKS}/{quote(id_, safe='')}"


async def webhooks(info: Info[Context, None]) -> list[Webhook]:
    """The tenant's webhooks."""
    data = await info.context.api.escalation.get(WEBHOOKS)
    return [Webhook.from_json(item) for item in wire.items(data, "webhooks")]


async def webhook(info: Info[Context, None], id: strawberry.ID) -> Webhook | None:
    """One webhook; null if there is none with this id."""

    async def get() -> Webhook:
        return Webhook.from_json(await info.context.api.escalation.get(_webhook(id)))

    return await or_none(get())


async def create_webhook(info: Info[Context, None], input: WebhookInput) -> WebhookResult:
    """Create a webhook (destinations in private or loopback networks are refused unless the
    deployment allows them)."""

    async def create() -> Webhook:
        return Webhook.from_json(await info.context.api.escalation.post(WEBHOOKS, input.body()))

    return await outcome(create())


async def update_webhook(
    info: Info[Context, None], id: strawberry.ID, input: WebhookPatch
) -> WebhookResult:
    """Change a webhook."""

    async def update() -> Webhook:
        return Webhook.from_json(
            await info.context.api.escalation.patch(_webhook(id), input.body())
        )

    return await outcome(update())


async def delete_webhook(
    info: Info[Context, None], id: strawberry.ID, comment: str | None = None
) -> DeleteResult:
    """Delete a webhook; the comment is audited."""

    async def delete() -> Deleted:
        await info.context.api.escalation.delete(_webhook(id), {"comment": comment})
        return Deleted(id=id)

    return await outcome(delete())


async def send_webhook_test(info: Info[Context, None], id: strawberry.ID) -> DeliveryResult:
    """Send a sample notification to a webhook now; the delivery with its attempt log."""

    async def send() -> Delivery:
        return Delivery.from_json(await info.context.api.escalation.post(f"{_webhook(id)}/test"))

    return await outcome(send())
