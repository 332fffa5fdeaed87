"""What is stored, explained: status per sensor and event type, rejects (newest first, paged),
sensors' latest stats, and the named networks API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from services.core.clickhouse import Client
from services.core.deps import Deps
from services.ingest.app import create_app
from services.ingest.ingestion import ingest_file
from tests.ingest.eve_samples import NOW, dns_line, ndjson, stats_line, write_lines

TENANT = "acme"


@pytest.fixture
async def client(deps: Deps) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(deps))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as found:
        yield found


def token(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}


async def post(client: httpx.AsyncClient, key: str, lines: list[bytes], source: str) -> None:
    response = await client.post(
        f"/api/v1/ingest/events?source={source}",
        content=ndjson(lines),
        headers={**token(key), "Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 200, response.text


async def test_status_counts_per_sensor_and_type(
    client: httpx.AsyncClient, ch: Client, admin_key: str, read_key: str, tmp_path: Path
) -> None:
    await post(client, admin_key, [dns_line(i, "sensor-a") for i in range(3)], "edge")
    await post(
        client,
        admin_key,
        [dns_line(10, "sensor-b"), dns_line(11, "sensor-b", "tls"), b"junk", b"{}"],
        "core",
    )
    await post(client, admin_key, [stats_line("sensor-a")], "edge")
    ingest_file(ch, TENANT, write_lines(tmp_path / "eve.json", 4), source="file")

    response = await client.get("/api/v1/ingest/status", headers=token(read_key))
    assert response.status_code == 200
    status = response.json()
    assert status["totals"]["events"] == 9
    assert status["totals"]["rejects"] == 2
    assert status["totals"]["stats"] == 1
    assert status["totals"]["sensors"] == 2
    sensors = {s["sensor"]: s for s in status["sensors"]}
    assert sensors["sensor-a"]["events"] == 7
    types_b = {t["event_type"]: t["events"] for t in sensors["sensor-b"]["event_types"]}
    assert types_b == {"dns": 1, "tls": 1}
    first = sensors["sensor-a"]["first_event"]
    assert first.startswith(NOW.strftime("%Y-%m-%dT%H:%M:%S"))
    assert first.endswith("Z")
    assert sensors["sensor-a"]["last_ingest"] >= first
    assert status["rejects"] == [
        {"source": "core", "rejects": 2, "last_reject": status["rejects"][0]["last_reject"]}
    ]
    [checkpoint] = status["sources"]
    assert checkpoint["source"] == "file"
    assert checkpoint["offset"] == (tmp_path / "eve.json").stat().st_size
    assert checkpoint["lines"] == 4
    assert status["dispatches"]["sent"]["batches"] == 2  # the stats-only batch has no events
    assert status["dispatches"]["skipped"]["batches"] == 1  # the file ingest had no broker


async def test_status_is_scoped_to_the_tenant(
    client: httpx.AsyncClient, admin_key: str, ch: Client
) -> None:
    from services.core import auth

    other = auth.create_token(ch, "other-tenant", "other", auth.Scope.READ)
    await post(client, admin_key, [dns_line(0)], "edge")
    status = (await client.get("/api/v1/ingest/status", headers=token(other))).json()
    assert status["totals"]["events"] == 0
    assert status["sensors"] == []
    rejects = (await client.get("/api/v1/ingest/rejects", headers=token(other))).json()
    assert rejects["items"] == []


async def test_rejects_are_listed_newest_first_with_cursor_pages(
    client: httpx.AsyncClient, admin_key: str, read_key: str
) -> None:
    await post(client, admin_key, [b"first bad", dns_line(0), b"\xff\xfe not utf-8"], "edge")
    await post(client, admin_key, [b'{"event_type": "dns"}'], "core")
    response = await client.get("/api/v1/ingest/rejects", headers=token(read_key))
    items = response.json()["items"]
    assert [(i["source"], i["line"]) for i in items] == [("core", 1), ("edge", 3), ("edge", 1)]
    assert items[2]["raw"] == "first bad"
    assert items[2]["offset"] == 0
    assert items[1]["raw"].endswith(" not utf-8")
    assert all(i["reason"] for i in items)

    seen = []
    cursor = None
    for _ in range(5):
        params = {"limit": "1", **({"cursor": cursor} if cursor else {})}
        page = (
            await client.get("/api/v1/ingest/rejects", params=params, headers=token(read_key))
        ).json()
        seen += [(i["source"], i["line"]) for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [("core", 1), ("edge", 3), ("edge", 1)]

    only_edge = await client.get(
        "/api/v1/ingest/rejects", params={"source": "edge"}, headers=token(read_key)
    )
    assert len(only_edge.json()["items"]) == 2
    bad = await client.get(
        "/api/v1/ingest/rejects", params={"cursor": "bm9wZQ"}, headers=token(read_key)
    )
    assert bad.status_code == 400
    assert "cursor" in bad.json()["error"]["message"]


async def test_sensors_show_their_latest_stats(
    client: httpx.AsyncClient, admin_key: str, read_key: str
) -> None:
    await post(
        client,
        admin_key,
        [stats_line("sensor-a", uptime=100, drops=5), stats_line("sensor-b", uptime=7)],
        "edge",
    )
    response = await client.get("/api/v1/sensors", headers=token(read_key))
    sensors = {s["sensor"]: s for s in response.json()["sensors"]}
    assert set(sensors) == {"sensor-a", "sensor-b"}
    assert sensors["sensor-a"]["uptime"] == 100
    assert sensors["sensor-a"]["kernel_drops"] == 5
    assert sensors["sensor-a"]["drop_ratio"] == pytest.approx(0.005)
    assert sensors["sensor-b"]["uptime"] == 7


async def test_networks_default_replace_and_enrich(
    client: httpx.AsyncClient, ch: Client, admin_key: str, read_key: str
) -> None:
    initial = (await client.get("/api/v1/networks", headers=token(read_key))).json()
    assert initial["default"] is True
    assert any(n["cidrs"] == ["10.0.0.0/8"] for n in initial["networks"])

    networks = {
        "networks": [
            {"name": "lab", "cidrs": ["10.0.0.0/24"], "department": "research"},
            {"name": "office", "cidrs": ["192.168.0.0/16"]},
        ]
    }
    denied = await client.put("/api/v1/networks", json=networks, headers=token(read_key))
    assert denied.status_code == 403
    response = await client.put("/api/v1/networks", json=networks, headers=token(admin_key))
    assert response.status_code == 200, response.text
    assert response.json()["default"] is False
    assert [n["name"] for n in response.json()["networks"]] == ["lab", "office"]

    await post(client, admin_key, [dns_line(0)], "edge")  # 10.0.0.5 → 8.8.8.8
    row = ch.query("SELECT src_net, src_dept, src_internal, dest_net FROM events").result_rows
    assert row == [("lab", "research", True, "internet")]

    bare = [{"name": "office", "cidrs": ["192.168.0.0/16"], "home": True}]  # a bare list works
    response = await client.put("/api/v1/networks", json=bare, headers=token(admin_key))
    assert [n["name"] for n in response.json()["networks"]] == ["office"]


@pytest.mark.parametrize(
    ("networks", "needle"),
    [
        (
            [
                {"name": "a", "cidrs": ["10.0.0.0/8"]},
                {"name": "b", "cidrs": ["10.1.0.0/16"]},
                {"name": "c", "cidrs": ["10.0.0.0/33"]},
            ],
            'networks[2].cidrs[0]: "10.0.0.0/33" is not a CIDR',
        ),
        (
            [{"name": "a", "cidrs": ["10.0.0.0/8"]}, {"name": "a", "cidrs": ["::1/128"]}],
            'networks[1].name: "a" is defined twice (first at networks[0])',
        ),
        ([{"name": "x", "cidrs": []}], "networks[0].cidrs: needs at least one CIDR"),
        ([{"name": " ", "cidrs": ["10.0.0.0/8"]}], "networks[0].name: must not be blank"),
        ([{"name": "internet", "cidrs": ["1.0.0.0/8"]}], "networks[0].name"),
        ([{"cidrs": ["10.0.0.0/8"]}], "networks.0.name"),
    ],
)
async def test_invalid_networks_are_named_by_index(
    client: httpx.AsyncClient, ch: Client, admin_key: str, networks: object, needle: str
) -> None:
    response = await client.put(
        "/api/v1/networks", json={"networks": networks}, headers=token(admin_key)
    )
    assert response.status_code == 400
    assert needle in response.json()["error"]["message"]
    assert ch.query("SELECT count() FROM networks").result_rows == [(0,)]


async def test_openapi_documents_every_ingest_route(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    paths = document["paths"]
    assert paths["/api/v1/ingest/events"]["post"]["summary"] == "Ingest EVE events (NDJSON)"
    assert "413" in {str(code) for code in paths["/api/v1/ingest/events"]["post"]["responses"]}
    assert set(paths["/api/v1/networks"]) == {"get", "put"}
    for path in ("/api/v1/ingest/rejects", "/api/v1/ingest/status", "/api/v1/sensors"):
        assert paths[path]["get"]["summary"]
