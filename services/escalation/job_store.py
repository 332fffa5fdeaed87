"""SQL of background jobs: the job row, its completed chunks, cancellation requests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from services.core.clickhouse import Client, utc
from services.escalation.records import Job, JobProgress
from services.escalation.store import version

EPOCH = datetime(1970, 1, 1)

JOB_COLUMNS = [
    "tenant",
    "id",
    "kind",
    "policy_id",
    "status",
    "range_start",
    "range_end",
    "chunk_seconds",
    "chunks_total",
    "events_total",
    "webhooks",
    "created_at",
    "created_by",
    "started_at",
    "finished_at",
    "error",
    "version",
]

SELECT_JOB = """
    SELECT tenant, id, kind, policy_id, status, range_start, range_end, chunk_seconds,
           chunks_total, events_total, webhooks, created_at, created_by, started_at,
           finished_at, error
    FROM jobs FINAL
    WHERE tenant = {tenant:String} AND id = {id:UUID}
    LIMIT 1
"""

SELECT_PROGRESS = """
    SELECT groupArray(chunk), sum(events_seen), sum(events_acted), max(done_at)
    FROM (
        SELECT chunk, events_seen, events_acted, done_at FROM job_chunks FINAL
        WHERE tenant = {tenant:String} AND job_id = {id:UUID}
    )
"""

SELECT_CANCELLED = """
    SELECT count() FROM job_cancellations WHERE tenant = {tenant:String} AND job_id = {id:UUID}
"""

COUNT_EVENTS = """
    SELECT count() FROM events
    WHERE tenant = {tenant:String}
      AND ts >= {start:DateTime64(6, 'UTC')} AND ts < {end:DateTime64(6, 'UTC')}
"""

SELECT_EVENT_SPAN = """
    SELECT min(ts), max(ts), count() FROM events
    WHERE tenant = {tenant:String} AND ts >= {since:DateTime64(6, 'UTC')}
"""


def _optional_time(value: datetime) -> datetime | None:
    return None if value.replace(tzinfo=None) <= EPOCH else utc(value)


def _job(row: Sequence[Any]) -> Job:
    return Job(
        tenant=str(row[0]),
        id=UUID(str(row[1])),
        kind=str(row[2]),
        policy_id=UUID(str(row[3])),
        status=str(row[4]),
        range_start=utc(row[5]),
        range_end=utc(row[6]),
        chunk_seconds=int(row[7]),
        chunks_total=int(row[8]),
        events_total=int(row[9]),
        webhooks=bool(row[10]),
        created_at=utc(row[11]),
        created_by=str(row[12]),
        started_at=_optional_time(row[13]),
        finished_at=_optional_time(row[14]),
        error=str(row[15]),
    )


def insert_job(ch: Client, job: Job) -> None:
    row = [
        job.tenant,
        job.id,
        job.kind,
        job.policy_id,
        job.status,
        job.range_start,
        job.range_end,
        job.chunk_seconds,
        job.chunks_total,
        job.events_total,
        job.webhooks,
        job.created_at,
        job.created_by,
        job.started_at or EPOCH,
        job.finished_at or EPOCH,
        job.error,
        version(),
    ]
    ch.insert("jobs", [row], column_names=JOB_COLUMNS)


def job(ch: Client, tenant: str, job_id: UUID) -> Job | None:
    rows = ch.query(SELECT_JOB, parameters={"tenant": tenant, "id": job_id}).result_rows
    return _job(rows[0]) if rows else None


def progress(ch: Client, tenant: str, job_id: UUID) -> JobProgress:
    rows = ch.query(SELECT_PROGRESS, parameters={"tenant": tenant, "id": job_id}).result_rows
    chunks, seen, acted, last = rows[0]
    return JobProgress(
        chunks_done={int(c) for c in chunks},
        events_done=int(seen),
        events_acted=int(acted),
        last_done_at=_optional_time(last) if chunks else None,
    )


def insert_chunk(
    ch: Client, tenant: str, job_id: UUID, chunk: int, seen: int, acted: int, done_at: datetime
) -> None:
    ch.insert(
        "job_chunks",
        [[tenant, job_id, chunk, seen, acted, done_at, version()]],
        column_names=[
            "tenant",
            "job_id",
            "chunk",
            "events_seen",
            "events_acted",
            "done_at",
            "version",
        ],
    )


def insert_cancellation(ch: Client, tenant: str, job_id: UUID, actor: str, at: datetime) -> None:
    ch.insert(
        "job_cancellations",
        [[tenant, job_id, at, actor]],
        column_names=["tenant", "job_id", "at", "actor"],
    )


def cancel_requested(ch: Client, tenant: str, job_id: UUID) -> bool:
    rows = ch.query(SELECT_CANCELLED, parameters={"tenant": tenant, "id": job_id}).result_rows
    return int(rows[0][0]) > 0


def count_events(ch: Client, tenant: str, start: datetime, end: datetime) -> int:
    params = {"tenant": tenant, "start": start, "end": end}
    return int(ch.query(COUNT_EVENTS, parameters=params).result_rows[0][0])


def event_span(ch: Client, tenant: str, since: datetime) -> tuple[datetime, datetime] | None:
    """The first and last event time of the tenant since `since`, or None without events."""
    first, last, count = ch.query(
        SELECT_EVENT_SPAN, parameters={"tenant": tenant, "since": since}
    ).result_rows[0]
    return (utc(first), utc(last)) if int(count) else None
