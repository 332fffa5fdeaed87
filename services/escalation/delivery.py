"""One attempt of a webhook delivery, recorded in the delivery log.

Statuses: `pending` (not tried yet), `retrying` (a transient failure; another attempt is
scheduled), `delivered` (2xx), `failed` (a permanent failure — 4xx, refused by the SSRF guard,
a template error, the webhook gone — or the last allowed attempt failed). A delivered or failed
delivery is never attempted again, so a redelivered task does not post twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from services.core.clickhouse import Client
from services.core.settings import Settings
from services.escalation import delivery_store, store, webhooks
from services.escalation.records import Attempt

Outcome = Literal["delivered", "retry", "failed", "skipped"]
DONE = ("delivered", "failed")


def attempt(ch: Client, settings: Settings, tenant: str, delivery_id: UUID, final: bool) -> Outcome:
    """Try the delivery once; `final` means no retry will follow a transient failure."""
    item = delivery_store.delivery(ch, tenant, delivery_id)
    if item is None or item.status in DONE:
        return "skipped"
    hook = store.webhook(ch, tenant, item.webhook_id)
    now = datetime.now(UTC)
    if hook is None or not hook.enabled:
        gone = item.changed(
            status="failed", last_error="webhook deleted or disabled", updated_at=now
        )
        delivery_store.insert_deliveries(ch, [gone])
        return "failed"
    result = webhooks.post(hook, item, settings)
    number = item.attempts + 1
    delivery_store.insert_attempt(
        ch,
        item,
        Attempt(now, number, result.status_code, result.error, result.duration_ms),
    )
    if result.delivered:
        status: str = "delivered"
    elif result.transient and not final:
        status = "retrying"
    else:
        status = "failed"
    updated = item.changed(
        status=status,
        attempts=number,
        last_status_code=result.status_code,
        last_error=result.error,
        updated_at=datetime.now(UTC),
    )
    delivery_store.insert_deliveries(ch, [updated])
    return {"delivered": "delivered", "retrying": "retry"}.get(status, "failed")  # type: ignore[return-value]
