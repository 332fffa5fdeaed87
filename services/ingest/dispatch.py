"""Telling escalation about a stored batch: the Celery task `escalation.apply_policies`, by name.

The ingest never fails because the broker is down: the send is tried briefly, and every batch's
outcome is recorded in `ingest_dispatches` (sent, failed with the error, or skipped when there is
no broker) so that a catch-up can re-send what was missed.
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
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)


def apply_policies_kwargs(tenant: str, result: BatchResult) -> dict[str, str]:
    assert result.first_ts is not None and result.last_ts is not None
    return {
        "tenant": tenant,
        "batch_id": str(result.batch_id),
        "start": result.first_ts.isoformat(),
        "end": result.last_ts.isoformat(),
    }


def dispatch_batch(
    ch: Client, celery: Celery | None, tenant: str, source: str, result: BatchResult
) -> str:
    """Send `escalation.apply_policies` for a batch with events; return the recorded status
    (`sent`, `failed`, `skipped`, or `none` for a batch without events)."""
    events = result.accepted - result.stats
    if events <= 0 or result.first_ts is None or result.last_ts is None:
        return "none"
    status, error = "skipped", "no broker configured for this ingest"
    if celery is not None:
        try:
            celery.send_task(
                APPLY_POLICIES,
                kwargs=apply_policies_kwargs(tenant, result),
                retry=True,
                retry_policy=RETRY_POLICY,
            )
            status, error = "sent", ""
        except BROKER_ERRORS as exc:
            status, error = "failed", f"{type(exc).__name__}: {exc}"
            log.warning("could not send %s for batch %s: %s", APPLY_POLICIES, result.batch_id, exc)
    store.record_dispatch(
        ch,
        tenant,
        result.batch_id,
        source,
        result.first_ts,
        result.last_ts,
        events,
        status,
        error,
    )
    return status
