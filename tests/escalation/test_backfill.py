"""Backfills: chunked, resumable after a crash without duplicates, a no-op once finished."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from celery import Celery

from services.core.clickhouse import Client
from services.escalation import backfill, job_store, runs, store
from services.escalation.records import Policy
from tests.conftest import TENANT
from tests.escalation.conftest import Receiver, count, dns_query, eventually, ingest

OFFENDERS = ["10.9.0.1", "10.9.0.2", "10.9.0.3"]


def history(ch: Client, now: datetime) -> int:
    """Six hours of DNS: each offender asks a public resolver every 30 minutes."""
    lines = []
    for step in range(12):
        at = now - timedelta(hours=6) + timedelta(minutes=30 * step + 1)
        for offender in OFFENDERS:
            lines.append(dns_query(offender, "8.8.8.8", f"s{step}.example.org", at))
        lines.append(dns_query("10.9.0.9", "10.0.0.53", "intranet.corp", at))
    return ingest(ch, lines).accepted


async def doc_policy(client: httpx.AsyncClient, ch: Client, receiver: Receiver) -> Policy:
    hook = await client.post(
        "/api/v1/webhooks", json={"name": "soar", "url": receiver.url, "secret": "secret-123"}
    )
    body = {
        "action": "declare",
        "query": "event_type:dns AND dest_ip:8.8.8.8",
        "type": "doc",
        "threat": {"name": "Public DNS"},
        "offender_key": "src_ip",
        "webhooks": [hook.json()["id"]],
    }
    created = await client.post("/api/v1/policies", json=body)
    assert created.status_code == 201, created.text
    policy = store.policy(ch, TENANT, UUID(created.json()["id"]))
    assert policy is not None
    return policy


def declarations(ch: Client) -> tuple[int, int]:
    """(rows, distinct events): equal when nothing was declared twice (no FINAL on purpose)."""
    rows = ch.query(
        "SELECT count(), uniqExact(event_id) FROM declarations WHERE tenant = {t:String}",
        parameters={"t": TENANT},
    ).result_rows[0]
    return int(rows[0]), int(rows[1])


async def test_a_backfill_killed_half_way_resumes_without_duplicates(
    client: httpx.AsyncClient, ch: Client, celery_app: Celery, worker: None, receiver: Receiver
) -> None:
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    history(ch, now)
    policy = await doc_policy(client, ch, receiver)
    start = now - timedelta(hours=6)
    job = backfill.create_job(ch, policy, start, now, True, "test", events_per_chunk=8)
    assert job.chunks_total == 6 and job.events_total == 48

    # The first worker runs half the chunks, then half of the next one, then dies (before
    # sending its deliveries and before recording that chunk).
    for index in range(3):
        backfill.run_chunk(ch, job, policy, index)
    half = backfill.chunk_window(job, 3)
    runs.run_policy(ch, half, policy, [], notify=True)
    assert declarations(ch) == (24, 24)
    assert receiver.requests == []

    # A new worker resumes the job.
    celery_app.send_task(
        "escalation.run_backfill", kwargs={"tenant": TENANT, "job_id": str(job.id)}
    )

    def finished() -> bool:
        found = job_store.job(ch, TENANT, job.id)
        return found is not None and found.status == "done"

    eventually(finished, what="the resumed job")
    assert declarations(ch) == (36, 36)
    assert count(ch, "SELECT count() FROM incidents FINAL") == 3
    eventually(lambda: len(receiver.requests) == 3, what="one webhook per incident")
    offenders = sorted(r.json()["incident"]["offender"] for r in receiver.requests)
    assert offenders == OFFENDERS

    read = (await client.get(f"/api/v1/jobs/{job.id}")).json()
    assert (read["status"], read["chunks_done"], read["chunks_total"]) == ("done", 6, 6)
    # events_acted counts what the job's recorded chunks newly wrote: the 6 declarations of the
    # interrupted chunk were written before the crash, not by the resumed chunk.
    assert (read["events_done"], read["events_total"], read["events_acted"]) == (48, 48, 30)
    assert read["eta_seconds"] == 0.0

    # The finished job run again writes nothing.
    again = backfill.run_job(ch, TENANT, job.id, lambda ids: None)
    assert again is not None and again.status == "done"
    assert declarations(ch) == (36, 36)
    policy_read = (await client.get(f"/api/v1/policies/{policy.id}")).json()
    assert policy_read["events_acted"] == 36


async def test_a_second_backfill_over_the_same_range_adds_nothing(
    client: httpx.AsyncClient, ch: Client, receiver: Receiver
) -> None:
    now = datetime.now(UTC)
    history(ch, now)
    policy = await doc_policy(client, ch, receiver)
    sent: list[Any] = []
    for _ in range(2):
        job = backfill.create_job(ch, policy, now - timedelta(hours=7), now, False, "test")
        assert backfill.run_job(ch, TENANT, job.id, sent.extend) is not None
    assert declarations(ch) == (36, 36)
    assert sent == []  # webhooks off for this backfill
    assert count(ch, "SELECT count() FROM incidents FINAL") == 3


async def test_backfill_endpoint_runs_a_job_and_cancel_stops_one(
    client: httpx.AsyncClient, ch: Client, receiver: Receiver, worker: None
) -> None:
    policy = await doc_policy(client, ch, receiver)
    response = await client.post(
        f"/api/v1/policies/{policy.id}/backfill",
        json={"from": "2026-11-01T00:00:00Z", "to": "2026-11-03T00:00:00Z", "webhooks": False},
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["chunks_total"] == 1 and job["webhooks"] is False  # no events: one chunk

    def finished() -> bool:
        found = job_store.job(ch, TENANT, UUID(job["id"]))
        return found is not None and found.status == "done"

    eventually(finished, what="the job")

    queued = backfill.create_job(
        ch, policy, datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC), False, "t"
    )
    cancelled = await client.post(f"/api/v1/jobs/{queued.id}/cancel?comment=wrong+range")
    assert cancelled.status_code == 202 and cancelled.json()["status"] == "cancelled"
    result = backfill.run_job(ch, TENANT, queued.id, lambda ids: None)
    assert result is not None and result.status == "cancelled"
    assert job_store.progress(ch, TENANT, queued.id).chunks_done == set()

    bad = await client.post(
        f"/api/v1/policies/{policy.id}/backfill",
        json={"from": "2026-11-03T00:00:00Z", "to": "2026-11-01T00:00:00Z"},
    )
    assert bad.status_code == 400 and "from" in bad.json()["error"]["message"]
    assert (await client.get(f"/api/v1/jobs/{UUID(int=5)}")).status_code == 404
