"""The headline workflow on the demo organization: a DoC from the Public DNS hunt with history
on opens exactly one incident per planted offender (the generator's ground truth)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import httpx
from celery import Celery

from services.core.clickhouse import Client
from services.core.deps import Deps
from services.demo.cli import setup_step
from services.demo.generator import generate, ground_truth
from services.demo.organization import Organization
from services.escalation import job_store
from tests.conftest import TENANT
from tests.escalation.conftest import Receiver, eventually, ingest

SEED = 11


async def test_public_dns_doc_opens_one_incident_per_planted_offender(
    client: httpx.AsyncClient,
    ch: Client,
    esc_deps: Deps,
    celery_app: Celery,
    worker: None,
    receiver: Receiver,
) -> None:
    org = Organization.build(hosts=50, seed=SEED)
    end = datetime.now(UTC).replace(microsecond=0)
    truth = ground_truth(org, hours=2, events=4000, end=end, seed=SEED)
    setup_step(esc_deps, TENANT, org)  # migrations, shipped lists, the tenant's lists
    ingest(ch, list(generate(org, hours=2, events=4000, end=end, seed=SEED)))
    hook = await client.post(
        "/api/v1/webhooks", json={"name": "soar", "url": receiver.url, "secret": "secret-123"}
    )
    body = {
        "action": "declare",
        "filter_set": "catalog:policy-public-dns",
        "type": "dopv",
        "threat": {"name": "Public DNS resolver use", "family": "Foreign infrastructure"},
        "offender_key": "src_ip",
        "webhooks": [hook.json()["id"]],
        "history": True,
        "history_webhooks": True,
    }
    created = await client.post("/api/v1/policies", json=body)
    assert created.status_code == 201, created.text
    job_id = created.json()["backfill_job"]

    def job_done() -> bool:
        found = job_store.job(ch, TENANT, UUID(job_id))
        return found is not None and found.status == "done"

    planted = set(truth.public_dns_hosts)
    assert planted
    eventually(job_done, timeout=60, what="the backfill")
    eventually(lambda: len(receiver.requests) >= len(planted), timeout=30, what="webhooks")
    incidents = (await client.get("/api/v1/incidents?limit=1000")).json()["items"]
    assert sorted(i["asset"]["value"] for i in incidents) == sorted(planted)
    assert all(i["kill_chain"] == "policy_violation" for i in incidents)
    notified = sorted(r.json()["incident"]["asset"]["value"] for r in receiver.requests)
    assert notified == sorted(planted)
