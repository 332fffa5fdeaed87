"""A host's events (evidence), and the errors of the host endpoints."""

from __future__ import annotations

import httpx

from services.core.clickhouse import Client
from tests.hosts.conftest import auth, eve, ingest

HOST = "10.3.0.7"


def events() -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for i in range(5):  # as a client, newest last
        found.append(
            eve(
                "dns",
                HOST,
                40000 + i,
                "10.3.0.53",
                53,
                proto="UDP",
                ago_s=600 - i * 60,
                dns={"type": "query", "id": i, "rrname": f"n{i}.example", "rrtype": "A"},
            )
        )
    found.append(eve("http", "10.3.0.99", 41000, HOST, 80, ago_s=30, http={"hostname": "h"}))
    found.append(eve("dns", "10.3.0.98", 42000, "10.3.0.53", 53, proto="UDP", ago_s=10))
    return found


async def test_evidence_is_either_side_newest_first_in_pages(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    ingest(ch, events())
    seen: list[tuple[str, str, str]] = []
    params = {"limit": "4"}
    while True:
        response = await client.get(
            f"/api/v1/hosts/{HOST}/events", params=params, headers=auth(read_key)
        )
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [(e["event_type"], e["src_ip"], e["dest_ip"]) for e in page["items"]]
        for item in page["items"]:
            assert item["event"]["event_type"] == item["event_type"]  # the original record
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert seen[0] == ("http", "10.3.0.99", HOST)
    assert seen[1:] == [("dns", HOST, "10.3.0.53")] * 5


async def test_host_endpoints_reject_bad_input(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    ingest(ch, events())
    bad = await client.get("/api/v1/hosts/10.3.0.300", headers=auth(read_key))
    assert bad.status_code == 400
    assert "10.3.0.300" in bad.json()["error"]["message"]
    unknown = await client.get("/api/v1/hosts/10.3.9.9", headers=auth(read_key))
    assert unknown.status_code == 404
    assert "10.3.9.9" in unknown.json()["error"]["message"]
    cursor = await client.get(
        f"/api/v1/hosts/{HOST}/events", params={"cursor": "eyJ4IjoxfQ"}, headers=auth(read_key)
    )
    assert cursor.status_code == 400
    anonymous = await client.get(f"/api/v1/hosts/{HOST}")
    assert anonymous.status_code == 401


async def test_the_document_summarizes_activity(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    ingest(ch, events())
    response = await client.get(f"/api/v1/hosts/{HOST}", headers=auth(read_key))
    doc = response.json()
    assert doc["summary"]["events"] == 6
    assert doc["summary"]["events_by_type"] == {"dns": 5, "http": 1}
    resolvers = doc["attributes"]["resolver"]
    assert [(v["value"], v["count"]) for v in resolvers["values"]] == [("10.3.0.53", 5)]
    assert resolvers["kind"] == "dns"
    assert {v["value"] for v in doc["attributes"]["queried_domain"]["values"]} == {
        f"n{i}.example" for i in range(5)
    }
    assert doc["first_seen"] < doc["last_seen"]
