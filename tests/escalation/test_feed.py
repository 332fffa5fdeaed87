"""The SOAR feed: incidents paged by cursor and filtered; declarations by policy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from services.core.clickhouse import Client
from services.escalation import runs
from services.escalation.apply import Window
from tests.conftest import TENANT
from tests.escalation.conftest import dns_query, ingest, recent


async def declare(client: httpx.AsyncClient, threat: str, resolver: str) -> dict[str, Any]:
    body = {
        "action": "declare",
        "query": f"event_type:dns AND dest_ip:{resolver}",
        "type": "doc",
        "threat": {"name": threat},
        "offender_key": "src_ip",
        "track_victim": True,
        "victim_type": "ip",
        "victim_key": "dest_ip",
        "webhooks": False,
    }
    response = await client.post("/api/v1/policies", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_incident_feed_pages_and_filters(client: httpx.AsyncClient, ch: Client) -> None:
    google = await declare(client, "Google DNS", "8.8.8.8")
    await declare(client, "Quad9 DNS", "9.9.9.9")
    lines = [dns_query(f"10.6.0.{i}", "8.8.8.8", "x.example.com", recent(10 - i)) for i in range(3)]
    lines.append(dns_query("10.6.0.9", "9.9.9.9", "y.example.com", recent(1)))
    batch = ingest(ch, lines)
    assert batch.first_ts is not None and batch.last_ts is not None
    end = batch.last_ts + timedelta(microseconds=1)
    runs.run_batch(ch, Window(TENANT, batch.first_ts, end, batch.batch_id))

    # offender and victim are both tracked: 3 + 1 offender incidents, 2 resolver incidents
    seen: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = (await client.get(f"/api/v1/incidents?limit=2&cursor={cursor}")).json()
        seen.extend(page["items"])
        if not page["cursor"]:
            break
        cursor = page["cursor"]
    assert len(seen) == 6 and len({i["id"] for i in seen}) == 6
    google_only = (await client.get("/api/v1/incidents?threat=google%20dns")).json()["items"]
    assert sorted(i["asset"]["value"] for i in google_only) == [
        "10.6.0.0",
        "10.6.0.1",
        "10.6.0.2",
        "8.8.8.8",
    ]
    resolver = next(i for i in google_only if i["asset"]["value"] == "8.8.8.8")
    assert (resolver["events"], resolver["victim"]) == (3, "8.8.8.8")
    late = (await client.get("/api/v1/incidents?since=2300-01-01T00:00:00Z")).json()
    assert late["items"] == []
    bad = await client.get("/api/v1/incidents?status=open")
    assert bad.status_code == 400 and "status" in bad.json()["error"]["message"]

    declarations = (await client.get(f"/api/v1/declarations?policy={google['id']}")).json()
    assert len(declarations["items"]) == 3
    assert {d["offender"] for d in declarations["items"]} == {"10.6.0.0", "10.6.0.1", "10.6.0.2"}
    missing = await client.get("/api/v1/incidents/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
