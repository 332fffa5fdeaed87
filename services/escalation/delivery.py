"""One attempt of a webhook delivery, recorded in the delivery log.

Statuses: `pending` (not tried yet), `retrying` (a transient failure; another attempt is
scheduled), `delivered` (2xx), `failed` (a permanent failure — 4xx, refused by the SSRF guard,
a template error, the webhook gone — or the last allowed attempt failed). A delivered or failed
delivery is never attempted again, so a redelivered task does not post twice.

Engine reads and writes go through `DeliveryIO`, which coalesces the calls of concurrent worker
threads (one query / one insert per batch; the log of attempts lives in the delivery row), so
parallel deliveries do not queue on the engine; webhooks are cached for `WEBHOOK_TTL_S`
(disabling or deleting one applies within that time).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from services.core.clickhouse import Client
from services.core.settings import Settings
from services.escalation import delivery_store, store, webhooks
from services.escalation.coalesce import Coalescer
from services.escalation.records import Attempt, Delivery, Webhook

Outcome = Literal["delivered", "retry", "failed", "skipped"]
DONE = ("delivered", "failed")
Key = tuple[str, UUID]
WEBHOOK_TTL_S = 2.0


@dataclass(frozen=True)
class Record:
    """What one attempt writes: the delivery's new state, its log included (one row)."""

    delivery: Delivery


def _by_tenant(keys: list[Key]) -> dict[str, list[UUID]]:
    found: dict[str, list[UUID]] = {}
    for tenant, item_id in keys:
        found.setdefault(tenant, []).append(item_id)
    return found


class DeliveryIO:
    """The engine side of deliveries, batched across the threads of one process."""

    def __init__(self, ch: Client, webhook_ttl_s: float = WEBHOOK_TTL_S) -> None:
        self.ch = ch
        self.delivery = Coalescer[Key, Delivery](self._deliveries)
        self.write = Coalescer[Record, bool](self._write)
        self._webhook = Coalescer[Key, Webhook](self._webhooks)
        self._webhook_ttl = webhook_ttl_s
        self._cache: dict[Key, tuple[float, Webhook | None]] = {}
        self._cache_lock = threading.Lock()

    def webhook(self, key: Key) -> Webhook | None:
        """The webhook, cached for a few seconds (a change applies within `webhook_ttl_s`)."""
        now = time.monotonic()
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self._webhook_ttl:
            return hit[1]
        found = self._webhook(key)
        with self._cache_lock:
            self._cache[key] = (now, found)
        return found

    def _deliveries(self, keys: list[Key]) -> dict[Key, Delivery]:
        found: dict[Key, Delivery] = {}
        for tenant, ids in _by_tenant(keys).items():
            for item in delivery_store.deliveries_by_id(self.ch, tenant, ids).values():
                found[(tenant, item.id)] = item
        return found

    def _webhooks(self, keys: list[Key]) -> dict[Key, Webhook]:
        found: dict[Key, Webhook] = {}
        for tenant, ids in _by_tenant(keys).items():
            found.update({(tenant, h.id): h for h in store.webhooks(self.ch, tenant, ids)})
        return found

    def _write(self, records: list[Record]) -> dict[Record, bool]:
        delivery_store.insert_deliveries(self.ch, [r.delivery for r in records])
        return {r: True for r in records}


def attempt(
    io: DeliveryIO, settings: Settings, tenant: str, delivery_id: UUID, final: bool
) -> Outcome:
    """Try the delivery once; `final` means no retry will follow a transient failure."""
    item = io.delivery((tenant, delivery_id))
    if item is None or item.status in DONE:
        return "skipped"
    hook = io.webhook((tenant, item.webhook_id))
    if hook is None or not hook.enabled:
        gone = item.changed(
            status="failed", last_error="webhook deleted or disabled", updated_at=datetime.now(UTC)
        )
        io.write(Record(gone))
        return "failed"
    started = datetime.now(UTC)
    result = webhooks.post(hook, item, settings)
    number = item.attempts + 1
    if result.delivered:
        status = "delivered"
    elif result.transient and not final:
        status = "retrying"
    else:
        status = "failed"
    log = Attempt(started, number, result.status_code, result.error, result.duration_ms)
    updated = item.changed(
        status=status,
        attempts=number,
        last_status_code=result.status_code,
        last_error=result.error,
        updated_at=datetime.now(UTC),
        log=(*item.log, log),
    )
    io.write(Record(updated))
    if status == "delivered":
        return "delivered"
    return "retry" if status == "retrying" else "failed"
