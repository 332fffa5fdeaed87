"""Historical backfills: a policy applied to a range of history, chunk by chunk, as a job.

The range is cut into chunks of whole hours holding about `EVENTS_PER_CHUNK` events (at most
`MAX_CHUNKS` chunks); each chunk is a `Window` without a batch predicate, run through
`runs.run_policy` — the same SQL as live application.
A chunk is recorded in `job_chunks` when done; a resumed job (after a crash or a redelivered
task) skips recorded chunks, and a chunk that was interrupted half-way is simply run again:
the anti-join in the SQL path writes nothing twice. A finished job run again does nothing.
Cancellation (`job_cancellations`) is checked before every chunk. A resumed job first re-sends
the deliveries of its policy that were written but never attempted (a crash between writing a
notice and sending it).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

from services.core.clickhouse import Client
from services.core.errors import Invalid
from services.escalation import apply, delivery_store, job_store, runs, store
from services.escalation.apply import Window
from services.escalation.records import Job, Policy

MAX_CHUNKS = 500
MIN_CHUNK_SECONDS = 3600
EVENTS_PER_CHUNK = 2_000_000
FINISHED = ("done", "cancelled", "failed")
Send = Callable[[list[UUID]], None]


def chunk_seconds(
    start: datetime, end: datetime, events: int, per_chunk: int = EVENTS_PER_CHUNK
) -> int:
    """Whole hours per chunk: about `EVENTS_PER_CHUNK` events each (fewer, larger chunks scan
    faster), at most `MAX_CHUNKS` chunks."""
    span = max((end - start).total_seconds(), 1.0)
    by_events = span * per_chunk / max(events, 1)
    seconds = min(max(by_events, span / MAX_CHUNKS), span)  # never more than the range
    return max(1, math.ceil(seconds / MIN_CHUNK_SECONDS)) * MIN_CHUNK_SECONDS


def create_job(
    ch: Client,
    policy: Policy,
    start: datetime,
    end: datetime,
    webhooks: bool,
    actor: str,
    events_per_chunk: int = EVENTS_PER_CHUNK,
) -> Job:
    """A queued backfill job of `policy` over `[start, end)`; the caller sends the task."""
    if start >= end:
        raise Invalid(f"from: {start.isoformat()} is not before to ({end.isoformat()})")
    events_total = job_store.count_events(ch, policy.tenant, start, end)
    size = chunk_seconds(start, end, events_total, events_per_chunk)
    job = Job(
        tenant=policy.tenant,
        id=uuid.uuid4(),
        kind="backfill",
        policy_id=policy.id,
        status="queued",
        range_start=start,
        range_end=end,
        chunk_seconds=size,
        chunks_total=math.ceil((end - start).total_seconds() / size),
        events_total=events_total,
        webhooks=webhooks,
        created_at=datetime.now(UTC),
        created_by=actor,
        started_at=None,
        finished_at=None,
        error="",
    )
    job_store.insert_job(ch, job)
    return job


def history_range(ch: Client, tenant: str, retention_days: int) -> tuple[datetime, datetime]:
    """All stored history of the tenant: first event to just after the last one (or now)."""
    now = datetime.now(UTC)
    span = job_store.event_span(ch, tenant, now - timedelta(days=retention_days))
    if span is None:
        return now - timedelta(hours=1), now
    return span[0], max(span[1] + timedelta(microseconds=1), now)


def chunk_window(job: Job, index: int) -> Window:
    start = job.range_start + timedelta(seconds=index * job.chunk_seconds)
    end = min(start + timedelta(seconds=job.chunk_seconds), job.range_end)
    return Window(tenant=job.tenant, start=start, end=end)


def run_chunk(ch: Client, job: Job, policy: Policy, index: int) -> list[UUID]:
    """Apply the job's policy to chunk `index` and record it done; return deliveries to send."""
    window = chunk_window(job, index)
    seen = apply.events_in_window(ch, window)
    suppressors = runs.suppressors_before(store.policies(ch, job.tenant), policy)
    acted, deliveries = runs.run_policy(ch, window, policy, suppressors, notify=job.webhooks)
    store.insert_policy_run(ch, job.tenant, policy.id, f"job:{job.id}:{index}", seen)
    job_store.insert_chunk(ch, job.tenant, job.id, index, seen, acted, datetime.now(UTC))
    return deliveries


def run_job(ch: Client, tenant: str, job_id: UUID, send: Send) -> Job | None:
    """Run (or resume) a job to its end; a finished job is left as it is."""
    job = job_store.job(ch, tenant, job_id)
    if job is None or job.status in FINISHED:
        return job
    policy = store.policy(ch, tenant, job.policy_id)
    if policy is None:
        return finish(ch, job, "failed", f"policy {job.policy_id} was deleted")
    done = job_store.progress(ch, tenant, job_id).chunks_done
    job = job.changed(status="running", started_at=job.started_at or datetime.now(UTC))
    job_store.insert_job(ch, job)
    if job.webhooks and done:  # resumed: notices written before a crash were maybe never sent
        send(delivery_store.pending_of_policy(ch, tenant, policy.id))
    for index in range(job.chunks_total):
        if index in done:
            continue
        if job_store.cancel_requested(ch, tenant, job_id):
            return finish(ch, job, "cancelled")
        send(run_chunk(ch, job, policy, index))
    return finish(ch, job, "done")


def finish(ch: Client, job: Job, status: str, error: str = "") -> Job:
    finished = job.changed(status=status, finished_at=datetime.now(UTC), error=error)
    job_store.insert_job(ch, finished)
    return finished
