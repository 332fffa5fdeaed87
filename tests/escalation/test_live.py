"""Live application through a real Celery worker on real Redis: ingest a batch with the real
pipeline, send `escalation.apply_policies` by name, observe what the worker wrote and sent."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

import httpx
from celery import Celery

from services.core import fields
from services.core.clickhouse import Client
from services.core.filters import compile_filter, parse_query
from services.escalation import runs
from services.escalation.apply import Window
from tests.conftest import TENANT
from tests.escalation.conftest import (
    Receiver,
    apply_kwargs,
    count,
    dns_query,
    eventually,
    ingest,
    recent,
)

PUBLIC_DNS = "event_type:dns AND dns.type:query AND (dest_ip:8.8.8.8 OR dest_ip:1.1.1.1)"
SECRET = "s3cret-for-tests"


def count_filter(ch: Client, query: str) -> int:
    compiled = compile_filter(parse_query(query), fields.EVENT_FIELDS, tenant=TENANT)
    return count(
        ch,
        # the compiled filter binds its values; S608 does not apply
        f"SELECT count() FROM events WHERE tenant = {{tenant:String}} AND ({compiled.sql})",  # noqa: S608
        **compiled.params,
    )


async def test_tag_policy_tags_the_events_of_one_batch(
    client: httpx.AsyncClient, ch: Client, celery_app: Celery, worker: None
) -> None:
    body = {"action": "tag", "query": "event_type:dns AND dest_ip:8.8.8.8", "tag": "relevant"}
    policy = (await client.post("/api/v1/policies", json=body)).json()
    lines = [dns_query("10.0.0.5", "8.8.8.8", f"a{i}.example.com", recent(5 - i)) for i in range(3)]
    lines += [dns_query("10.0.0.6", "10.0.0.53", "intranet.corp", recent(2)) for _ in range(2)]
    batch = ingest(ch, lines)

    celery_app.send_task("escalation.apply_policies", kwargs=apply_kwargs(batch))

    eventually(lambda: count(ch, "SELECT count() FROM event_tags") == 3, what="3 tags")
    assert count_filter(ch, "tag:relevant") == 3
    assert count_filter(ch, "event_type:dns AND NOT tag:relevant") == 2
    read = (await client.get(f"/api/v1/policies/{policy['id']}")).json()
    eventually(lambda: count(ch, "SELECT count() FROM policy_runs") == 1, what="the run")
    read = (await client.get(f"/api/v1/policies/{policy['id']}")).json()
    assert (read["events_seen"], read["events_acted"]) == (5, 3)

    # The same batch again (a redelivered task): nothing is written twice.
    assert batch.first_ts is not None and batch.last_ts is not None
    window = Window(
        TENANT, batch.first_ts, batch.last_ts + timedelta(microseconds=1), batch.batch_id
    )
    assert runs.run_batch(ch, window).acted == {read_id(read): 0}
    assert count(ch, "SELECT count() FROM event_tags") == 3


def read_id(read: dict[str, Any]) -> Any:
    from uuid import UUID

    return UUID(read["id"])


def signature_ok(request: Any) -> bool:
    expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(request.headers["X-Sightline-Signature"], expected)


async def test_doc_with_history_opens_one_incident_and_one_webhook_per_offender(
    client: httpx.AsyncClient, ch: Client, celery_app: Celery, worker: None, receiver: Receiver
) -> None:
    hook = await client.post(
        "/api/v1/webhooks", json={"name": "soar", "url": receiver.url, "secret": SECRET}
    )
    assert hook.status_code == 201, hook.text
    history = [
        dns_query("10.1.0.1", "8.8.8.8", f"h{i}.example.org", recent(50 - i)) for i in range(3)
    ]
    history += [
        dns_query("10.1.0.2", "1.1.1.1", f"k{i}.example.net", recent(40 - i)) for i in range(2)
    ]
    history += [dns_query("10.1.0.3", "10.0.0.53", "intranet.corp", recent(30))]
    ingest(ch, history)
    body = {
        "action": "declare",
        "query": PUBLIC_DNS,
        "type": "doc",
        "threat": {"name": "Public DNS", "family": "Foreign infrastructure", "description": "x"},
        "offender_key": "src_ip",
        "webhooks": [hook.json()["id"]],
        "history": True,
        "history_webhooks": True,
    }
    created = await client.post("/api/v1/policies", json=body)
    assert created.status_code == 201, created.text
    job_id = created.json()["backfill_job"]

    async def job() -> dict[str, Any]:
        data: dict[str, Any] = (await client.get(f"/api/v1/jobs/{job_id}")).json()
        return data

    eventually(lambda: len(receiver.requests) >= 2, what="two webhooks")
    done = await job()
    assert done["status"] == "done" and done["chunks_done"] == done["chunks_total"]
    assert done["events_done"] == done["events_total"] == 6
    incidents = (await client.get("/api/v1/incidents")).json()["items"]
    by_asset = {i["asset"]["value"]: i for i in incidents}
    assert sorted(by_asset) == ["10.1.0.1", "10.1.0.2"]
    assert by_asset["10.1.0.1"]["events"] == 3 and by_asset["10.1.0.2"]["events"] == 2
    assert by_asset["10.1.0.1"]["threat"]["name"] == "Public DNS"
    assert all(signature_ok(r) for r in receiver.requests)
    payloads = {r.json()["incident"]["offender"]: r.json() for r in receiver.requests}
    assert sorted(payloads) == ["10.1.0.1", "10.1.0.2"]
    first = payloads["10.1.0.1"]["incident"]
    assert first["id"] == by_asset["10.1.0.1"]["id"]
    assert first["links"]["evidence"] == f"/api/v1/incidents/{first['id']}/events"
    assert len({r.headers["Idempotency-Key"] for r in receiver.requests}) == 2

    # Live: more from a known offender (no news) and a new offender (news).
    batch = ingest(
        ch,
        [
            dns_query("10.1.0.1", "8.8.8.8", "again.example.org", recent(1)),
            dns_query("10.1.0.4", "1.1.1.1", "new.example.org", recent(1)),
        ],
    )
    celery_app.send_task("escalation.apply_policies", kwargs=apply_kwargs(batch))
    eventually(lambda: len(receiver.requests) >= 3, what="the new offender's webhook")
    eventually(lambda: count(ch, "SELECT count() FROM policy_runs") == 2, what="the live run")
    assert count(ch, "SELECT count() FROM deliveries FINAL") == 3
    assert count(ch, "SELECT count() FROM incidents FINAL") == 3
    assert receiver.requests[2].json()["incident"]["offender"] == "10.1.0.4"
    known = (await client.get(f"/api/v1/incidents/{by_asset['10.1.0.1']['id']}")).json()
    assert known["events"] == 4 and known["status"] == "new"

    evidence = (await client.get(f"/api/v1/incidents/{known['id']}/events")).json()["items"]
    assert len(evidence) == 4
    assert {e["eve"]["dns"]["rrname"] for e in evidence} >= {"again.example.org"}
    declarations = (await client.get("/api/v1/declarations")).json()["items"]
    assert len(declarations) == 7


async def test_a_fixed_incident_that_recurs_is_reopened_and_announced(
    client: httpx.AsyncClient, ch: Client, celery_app: Celery, worker: None, receiver: Receiver
) -> None:
    hook = await client.post(
        "/api/v1/webhooks", json={"name": "soar", "url": receiver.url, "secret": SECRET}
    )
    body = {
        "action": "declare",
        "query": PUBLIC_DNS,
        "type": "doc",
        "threat": {"name": "Public DNS"},
        "offender_key": "src_ip",
        "webhooks": [hook.json()["id"]],
    }
    await client.post("/api/v1/policies", json=body)
    batch = ingest(ch, [dns_query("10.2.0.1", "8.8.8.8", "a.example.org", recent(3))])
    celery_app.send_task("escalation.apply_policies", kwargs=apply_kwargs(batch))
    eventually(lambda: len(receiver.requests) == 1, what="the first webhook")
    incident = (await client.get("/api/v1/incidents")).json()["items"][0]
    fixed = await client.patch(
        f"/api/v1/incidents/{incident['id']}", json={"status": "fixed", "comment": "reimaged"}
    )
    assert fixed.json()["status"] == "fixed"

    batch = ingest(ch, [dns_query("10.2.0.1", "8.8.8.8", "b.example.org", recent(1))])
    celery_app.send_task("escalation.apply_policies", kwargs=apply_kwargs(batch))
    eventually(lambda: len(receiver.requests) == 2, what="the reopen webhook")
    assert receiver.requests[1].json()["event"] == "incident.reopened"
    reopened = (await client.get(f"/api/v1/incidents/{incident['id']}")).json()
    assert (reopened["status"], reopened["reopened"], reopened["events"]) == ("new", 1, 2)
    feed = (await client.get("/api/v1/incidents?status=fixed")).json()["items"]
    assert feed == []


def test_suppressed_events_are_kept_counted_and_skipped_by_later_policies(ch: Client) -> None:
    from datetime import UTC, datetime
    from uuid import uuid4

    from services.escalation import store
    from services.escalation.records import Policy

    now = datetime.now(UTC)

    def policy(position: int, action: str, **spec: Any) -> Policy:
        item = Policy(TENANT, uuid4(), position, action, True, spec, now, "t", now, "t")
        store.insert_policy(ch, item)
        return item

    quiet = policy(0, "suppress", query="dns.rrname:*.windowsupdate.com")
    tagger = policy(1, "tag", query="event_type:dns", tag="informational")
    batch = ingest(
        ch,
        [
            dns_query("10.3.0.1", "10.0.0.53", "x.windowsupdate.com", recent(2)),
            dns_query("10.3.0.1", "10.0.0.53", "www.example.com", recent(1)),
        ],
    )
    assert batch.first_ts is not None and batch.last_ts is not None
    window = Window(
        TENANT, batch.first_ts, batch.last_ts + timedelta(microseconds=1), batch.batch_id
    )
    result = runs.run_batch(ch, window)
    assert result.acted == {quiet.id: 1, tagger.id: 1}
    assert count(ch, "SELECT count() FROM event_suppressions") == 1
    assert count(ch, "SELECT count() FROM events WHERE tenant = {tenant:String}") == 2
