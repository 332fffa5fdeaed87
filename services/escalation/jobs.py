"""Jobs as the API shows them: state, progress (chunks and events done/total), ETA; cancel."""

from __future__ import annotations

from datetime import UTC, datetime

from services.core.auth import Principal
from services.core.clickhouse import Client
from services.escalation import job_store, store
from services.escalation.models import JobRead
from services.escalation.records import Job, JobProgress


def eta_seconds(job: Job, progress: JobProgress, now: datetime) -> float | None:
    """Time left at the pace so far (events when known, else chunks)."""
    if job.status != "running" or job.started_at is None:
        return 0.0 if job.status == "done" else None
    if job.events_total:
        fraction = min(progress.events_done / job.events_total, 1.0)
    else:
        fraction = len(progress.chunks_done) / max(job.chunks_total, 1)
    if fraction <= 0:
        return None
    elapsed = (now - job.started_at).total_seconds()
    return round(elapsed / fraction * (1 - fraction), 1)


def job_read(job: Job, progress: JobProgress) -> JobRead:
    return JobRead(
        id=job.id,
        kind=job.kind,
        policy_id=job.policy_id,
        status=job.status,
        range_start=job.range_start,
        range_end=job.range_end,
        chunk_seconds=job.chunk_seconds,
        chunks_total=job.chunks_total,
        chunks_done=len(progress.chunks_done),
        events_total=job.events_total,
        events_done=progress.events_done,
        events_acted=progress.events_acted,
        webhooks=job.webhooks,
        created_at=job.created_at,
        created_by=job.created_by,
        started_at=job.started_at,
        finished_at=job.finished_at,
        eta_seconds=eta_seconds(job, progress, datetime.now(UTC)),
        error=job.error,
    )


def cancel_job(ch: Client, principal: Principal, job: Job, comment: str) -> Job:
    """Request cancellation; a queued job is cancelled at once, a running one before its next
    chunk. Chunks already done stay done (their declarations are kept)."""
    now = datetime.now(UTC)
    job_store.insert_cancellation(ch, job.tenant, job.id, principal.name, now)
    if job.status == "queued":
        job = job.changed(status="cancelled", finished_at=now)
        job_store.insert_job(ch, job)
    store.insert_audit(
        ch, job.tenant, principal.name, "job.cancel", "job", job.id, comment, {"status": job.status}
    )
    return job
