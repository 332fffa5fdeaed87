"""Filter sets: search over catalog and saved sets, CRUD and visibility, Stamus import/export,
and running a set (count, timeline, facets)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from services.core import auth as core_auth
from services.core.clickhouse import Client
from tests.conftest import SHARED, TENANT
from tests.hunts.conftest import auth, ingest_events

STAMUS_OSS = SHARED / "reference" / "stamus-filter-sets" / "scirius_oss_filter_sets.json"
RANGE = {"from": "2026-11-20T00:00:00Z", "to": "2026-11-21T00:00:00Z"}


def dns_query(src: str, resolver: str, name: str, second: int) -> dict[str, Any]:
    return {
        "timestamp": f"2026-11-20T09:{second // 60:02d}:{second % 60:02d}.000000+0000",
        "event_type": "dns",
        "src_ip": src,
        "src_port": 50000 + second,
        "dest_ip": resolver,
        "dest_port": 53,
        "proto": "UDP",
        "dns": {"type": "query", "id": second, "rrname": name, "rrtype": "A", "tx_id": 0},
    }


async def test_search_for_dns_ranks_public_dns_first(
    client: httpx.AsyncClient, read_key: str
) -> None:
    response = await client.get("/api/v1/filter-sets", params={"q": "dns"}, headers=auth(read_key))
    assert response.status_code == 200
    body = response.json()
    assert body["items"][0]["id"] == "catalog:policy-public-dns"
    assert body["items"][0]["name"] == "Policy: Public DNS queries"
    assert body["total"] >= 20
    titles = [i["name"] for i in body["items"]]
    first_non_title = next(i for i, t in enumerate(titles) if "dns" not in t.lower())
    assert all("dns" not in t.lower() for t in titles[first_non_title:])


async def test_catalog_lists_categories_with_counts(
    client: httpx.AsyncClient, read_key: str
) -> None:
    response = await client.get("/api/v1/catalog", headers=auth(read_key))
    body = response.json()
    counts = {c["name"]: c["count"] for c in body["categories"]}
    assert sum(counts.values()) == body["total"] >= 120
    assert counts["Policy"] >= 20
    only = await client.get(
        "/api/v1/catalog", params={"category": "Suspicious TLS"}, headers=auth(read_key)
    )
    items = only.json()["items"]
    assert items and {i["category"] for i in items} == {"Suspicious TLS"}
    assert all(i["read_only"] and i["id"].startswith("catalog:") for i in items)


async def test_saved_sets_crud_private_and_shared(
    client: httpx.AsyncClient, admin_key: str, read_key: str, ch: Client
) -> None:
    writer = core_auth.create_token(ch, TENANT, "analyst-2", core_auth.Scope.WRITE)
    created = await client.post(
        "/api/v1/filter-sets",
        json={
            "name": "Hunt: my resolvers",
            "query": "event_type:dns AND dest_port:53",
            "facets": ["dest_ip"],
            "description": "first try",
        },
        headers=auth(admin_key),
    )
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["category"] == "Hunt" and item["owner"] == "test-admin" and not item["shared"]
    set_id = item["id"]
    hidden = await client.get(f"/api/v1/filter-sets/{set_id}", headers=auth(read_key))
    assert hidden.status_code == 404
    shared = await client.patch(
        f"/api/v1/filter-sets/{set_id}",
        json={"shared": True, "description": "shared now"},
        headers=auth(admin_key),
    )
    assert shared.status_code == 200 and shared.json()["shared"] is True
    seen = await client.get(f"/api/v1/filter-sets/{set_id}", headers=auth(read_key))
    assert seen.status_code == 200 and seen.json()["description"] == "shared now"
    found = await client.get(
        "/api/v1/filter-sets",
        params={"q": "resolvers", "source": "saved"},
        headers=auth(read_key),
    )
    assert [i["id"] for i in found.json()["items"]] == [set_id]
    foreign = await client.patch(
        f"/api/v1/filter-sets/{set_id}", json={"name": "mine"}, headers=auth(writer)
    )
    assert foreign.status_code == 403
    assert "only its owner" in foreign.json()["error"]["message"]
    readonly = await client.delete(
        "/api/v1/filter-sets/catalog:policy-public-dns", headers=auth(admin_key)
    )
    assert readonly.status_code == 403
    bad = await client.patch(
        f"/api/v1/filter-sets/{set_id}", json={"query": "dns.rrnmae:x"}, headers=auth(admin_key)
    )
    assert bad.status_code == 400 and "did you mean" in bad.json()["error"]["message"]
    deleted = await client.delete(f"/api/v1/filter-sets/{set_id}", headers=auth(admin_key))
    assert deleted.status_code == 204
    gone = await client.get(f"/api/v1/filter-sets/{set_id}", headers=auth(admin_key))
    assert gone.status_code == 404


async def test_create_rejects_bad_definitions(
    client: httpx.AsyncClient, admin_key: str, read_key: str
) -> None:
    cases = [
        ({"name": "x"}, "needs a query"),
        ({"name": "x", "query": "event_type:dns", "facets": ["nope.field"]}, "unknown field"),
        ({"name": "x", "content": [{"id": "nosuch.field", "value": "a"}]}, "content[0]"),
    ]
    for body, fragment in cases:
        response = await client.post("/api/v1/filter-sets", json=body, headers=auth(admin_key))
        assert response.status_code == 400, body
        assert fragment in response.json()["error"]["message"]
    denied = await client.post(
        "/api/v1/filter-sets", json={"name": "x", "query": "*"}, headers=auth(read_key)
    )
    assert denied.status_code == 403


async def test_stamus_oss_sets_import_unchanged_and_run(
    client: httpx.AsyncClient, admin_key: str, shipped: Client
) -> None:
    original = json.loads(STAMUS_OSS.read_text())
    assert len(original) == 45
    ingest_events(
        shipped,
        [
            {
                "timestamp": "2026-11-20T10:00:00.000000+0000",
                "event_type": "alert",
                "src_ip": "10.0.0.5",
                "src_port": 5555,
                "dest_ip": "203.0.113.9",
                "dest_port": 80,
                "proto": "TCP",
                "app_proto": "http",
                "alert": {
                    "action": "allowed",
                    "gid": 1,
                    "signature_id": 2000001,
                    "rev": 1,
                    "signature": "ET MALWARE Example TROJAN checkin",
                    "category": "x",
                    "severity": 1,
                },
            },
        ],
    )
    imported = await client.post(
        "/api/v1/filter-sets/import",
        params={"shared": "true"},
        json=original,
        headers=auth(admin_key),
    )
    assert imported.status_code == 201, imported.text
    items = imported.json()["items"]
    assert [i["name"] for i in items] == [s["name"] for s in original]
    assert all(i["content"] == s["content"] for i, s in zip(items, original, strict=True))
    counts = {}
    for item in items:
        run = await client.get(
            f"/api/v1/filter-sets/{item['id']}/run", params=RANGE, headers=auth(admin_key)
        )
        assert run.status_code == 200, (item["name"], run.text)
        counts[item["name"]] = run.json()["count"]
    assert counts["Hunt: Trojan related events"] == 1
    assert counts["Hunt: Malware related events"] == 1
    assert counts["Hunt: DNS related events"] == 0
    assert counts["Hunt: Low noise signature events"] == 1
    exported = await client.get(
        f"/api/v1/filter-sets/{items[1]['id']}/export", headers=auth(admin_key)
    )
    assert exported.json()["content"] == original[1]["content"]
    assert exported.json()["name"] == original[1]["name"]


async def test_import_is_all_or_nothing_and_names_the_bad_set(
    client: httpx.AsyncClient, admin_key: str
) -> None:
    payload = [
        {
            "name": "ok",
            "content": [{"id": "app_proto", "value": "dns", "negated": False, "fullString": True}],
        },
        {"name": "broken", "content": [{"id": "no.such.field.x", "value": "a"}]},
    ]
    response = await client.post(
        "/api/v1/filter-sets/import", json=payload, headers=auth(admin_key)
    )
    assert response.status_code == 400
    assert "filter set [1] ('broken')" in response.json()["error"]["message"]
    listed = await client.get(
        "/api/v1/filter-sets", params={"source": "saved"}, headers=auth(admin_key)
    )
    assert listed.json()["total"] == 0


async def test_catalog_export_is_stamus_json_that_imports_back(
    client: httpx.AsyncClient, admin_key: str
) -> None:
    exported = await client.get(
        "/api/v1/filter-sets/catalog:policy-public-dns/export", headers=auth(admin_key)
    )
    body = exported.json()
    assert body["content"][0]["id"] == "es_filter"
    again = await client.post("/api/v1/filter-sets/import", json=body, headers=auth(admin_key))
    assert again.status_code == 201
    assert again.json()["items"][0]["content"][0]["value"] == body["content"][0]["value"]


async def test_run_public_dns_counts_times_and_breaks_down(
    client: httpx.AsyncClient, admin_key: str, shipped: Client
) -> None:
    events = [
        dns_query("10.1.0.10", "8.8.8.8", "www.example.org", 1),
        dns_query("10.1.0.10", "1.1.1.1", "api.example.org", 2),
        dns_query("10.1.0.11", "9.9.9.9", "cdn.example.net", 70),
        dns_query("10.1.0.12", "10.0.0.53", "www.example.org", 3),
        dns_query("10.1.0.13", "8.8.4.4", "www.example.org", 4),
    ]
    ingest_events(shipped, events)
    put = await client.put(
        "/api/v1/lists/approved_resolvers",
        json={"items": ["10.0.0.53", "8.8.4.4"]},
        headers=auth(admin_key),
    )
    assert put.status_code == 200, put.text
    run = await client.post(
        "/api/v1/filter-sets/catalog:policy-public-dns/run",
        json={**RANGE, "interval": "1h", "size": 5},
        headers=auth(admin_key),
    )
    assert run.status_code == 200, run.text
    body = run.json()
    assert body["count"] == 3
    assert [b["count"] for b in body["timeline"]["buckets"] if b["count"]] == [3]
    facets = {f["field"]: f["buckets"] for f in body["facets"]}
    assert facets["src_ip"] == [
        {"value": "10.1.0.10", "count": 2},
        {"value": "10.1.0.11", "count": 1},
    ]
    assert {b["value"] for b in facets["hostname_info.domain"]} == {"example.org", "example.net"}
    narrowed = await client.get(
        "/api/v1/filter-sets/catalog:policy-public-dns/run",
        params={**RANGE, "query": "src_ip:10.1.0.11", "field": "dest_ip"},
        headers=auth(admin_key),
    )
    assert narrowed.json()["count"] == 1
    assert narrowed.json()["facets"] == [
        {"field": "dest_ip", "buckets": [{"value": "9.9.9.9", "count": 1}]}
    ]
