"""Celery tasks of escalation (sent by name; they take ids and plain values).

- `escalation.apply_policies(tenant, batch_id, start, end)`: sent by ingest after each stored
  batch; applies the tenant's enabled policies to that batch and sends the webhook deliveries
  of new incidents.
- `escalation.run_backfill(tenant, job_id)`: runs or resumes a backfill job.
- `escalation.deliver_webhook(delivery_id, tenant)`: one delivery, retried with exponential
  backoff on transient failures only (connection errors, timeouts, 5xx, 429).

The tasks need a ClickHouse client: `bind(deps)` hands them the process's client (the
all-in-one server and the worker entry point call it; chDB allows one engine per data
directory per process; `core.task_client`); without it, `worker_context()` opens one from
`Settings()` on first use — never at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from celery import Task, shared_task

from services.core import clickhouse
from services.core.clickhouse import Client
from services.core.deps import Deps
from services.core.settings import Settings
from services.core.task_client import TaskResource
from services.core.web import parse_datetime
from services.escalation import backfill, delivery, runs, webhooks
from services.escalation.apply import Window

APPLY_POLICIES = "escalation.apply_policies"
RUN_BACKFILL = "escalation.run_backfill"
DELIVER_WEBHOOK = "escalation.deliver_webhook"


@dataclass(frozen=True)
class WorkerContext:
    ch: Client
    settings: Settings
    deliveries: delivery.DeliveryIO


def _open_context() -> WorkerContext:
    settings = Settings()
    ch = clickhouse.connect(settings.clickhouse_dsn())
    return WorkerContext(ch, settings, delivery.DeliveryIO(ch))


_context = TaskResource(_open_context)


def bind(deps: Deps) -> None:
    """Use this process's client and settings in the tasks (embedded mode, worker start)."""
    _context.bind(WorkerContext(deps.ch, deps.settings, delivery.DeliveryIO(deps.ch)))


def worker_context() -> WorkerContext:
    """The bound context, or one opened from the environment on first use."""
    return _context.get()


def send_deliveries(task: Task[Any, Any], tenant: str, ids: list[UUID]) -> None:
    for delivery_id in ids:
        task.app.send_task(
            DELIVER_WEBHOOK, kwargs={"delivery_id": str(delivery_id), "tenant": tenant}
        )


@shared_task(bind=True, name=APPLY_POLICIES, acks_late=True)
def apply_policies(
    self: Task[Any, Any], tenant: str, batch_id: str, start: str, end: str
) -> dict[str, int]:
    ctx = worker_context()
    window = Window(
        tenant=tenant,
        start=parse_datetime(start, "start"),
        end=parse_datetime(end, "end") + timedelta(microseconds=1),
        batch_id=UUID(batch_id),
    )
    result = runs.run_batch(ctx.ch, window)
    send_deliveries(self, tenant, result.deliveries)
    return {
        "events_seen": result.events_seen,
        "events_acted": sum(result.acted.values()),
        "deliveries": len(result.deliveries),
    }


@shared_task(bind=True, name=RUN_BACKFILL, acks_late=True)
def run_backfill(self: Task[Any, Any], tenant: str, job_id: str) -> str:
    ctx = worker_context()
    job = backfill.run_job(
        ctx.ch, tenant, UUID(job_id), lambda ids: send_deliveries(self, tenant, ids)
    )
    return job.status if job else "missing"


@shared_task(bind=True, name=DELIVER_WEBHOOK, acks_late=True, max_retries=None)
def deliver_webhook(self: Task[Any, Any], delivery_id: str, tenant: str) -> str:
    ctx = worker_context()
    retries = int(self.request.retries or 0)
    final = retries + 1 >= ctx.settings.webhook_max_attempts
    outcome = delivery.attempt(ctx.deliveries, ctx.settings, tenant, UUID(delivery_id), final)
    if outcome == "retry":
        raise self.retry(countdown=webhooks.retry_delay(ctx.settings, retries))
    return outcome
