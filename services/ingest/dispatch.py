"""Telling the other services about a stored batch: the Celery tasks `escalation.apply_policies`
(policies on the batch) and `hosts.roll_up_batches` (host insights), by name.

The ingest never fails because the broker is down: the send is tried briefly, and every batch's
outcome is recorded in `ingest_dispatches` (sent, failed with the error, or skipped when there is
no broker) so that a catch-up (`redispatch`, the task `ingest.redispatch_batches`) re-sends
what was missed. `start`/`end` are the min/max event `ts` of the batch (inclusive).
"""

from __future__ import annotations

import logging

import kombu.exceptions
import redis.exceptions
from celery import Celery

from services.core.clickhouse import Client
from services.ingest import store
from services.ingest.pipeline import BatchResult

log = logging.getLogger(__name__)

APPLY_POLICIES = "escalation.apply_policies"
ROLL_UP_HOSTS = "hosts.roll_up_batches"  # idempotent: rolls up whatever is pending
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)


def dispatch_batch(
    ch: Client, celery: Celery | None, tenant: str, source: str, result: BatchResult
) -> str:
    """Send the tasks of a batch with events; return the recorded status (`sent`, `failed`,
    `skipped`, or `none` for a batch without events)."""
    events = result.accepted - result.stats
    if events <= 0 or result.first_ts is None or result.last_ts is None:
        return "none"
    batch = store.Dispatch(result.batch_id, source, result.first_ts, result.last_ts, events)
    return send(ch, celery, tenant, batch)


def send(ch: Client, celery: Celery | None, tenant: str, batch: store.Dispatch) -> str:
    """Try to send the tasks of `batch` and record the outcome (of `apply_policies`: a missed
    host rollup is caught up by the next one, or by the periodic one)."""
    status, error = "skipped", "no broker configured for this ingest"
    if celery is not None:
        kwargs = {
            "tenant": tenant,
            "batch_id": str(batch.batch_id),
            "start": batch.start.isoformat(),
            "end": batch.end.isoformat(),
        }
        try:
            celery.send_task(APPLY_POLICIES, kwargs=kwargs, retry=True, retry_policy=RETRY_POLICY)
            status, error = "sent", ""
        except BROKER_ERRORS as exc:
            status, error = "failed", f"{type(exc).__name__}: {exc}"
            log.warning("could not send %s for batch %s: %s", APPLY_POLICIES, batch.batch_id, exc)
        if status == "sent":
            try:
                celery.send_task(ROLL_UP_HOSTS, kwargs={"tenant": tenant})
            except BROKER_ERRORS as exc:
                log.warning(
                    "could not send %s: %s (the periodic one catches up)", ROLL_UP_HOSTS, exc
                )
    store.record_dispatch(ch, tenant, batch, status, error)
    return status


def redispatch(ch: Client, celery: Celery, tenant: str, limit: int = 1000) -> dict[str, int]:
    """Send again the batches of the last days whose task was not sent (broker down, or
    ingested without a broker); return how many ended up in each status."""
    outcome: dict[str, int] = {}
    for batch in store.undispatched(ch, tenant, limit):
        status = send(ch, celery, tenant, batch)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome
