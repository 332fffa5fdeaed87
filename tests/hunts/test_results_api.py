"""Hunt results over real corpus events: count, timeline, facets, paging, export, errors."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from services.core.clickhouse import Client
from services.hosts import rollup
from tests.conftest import CORPUS, TENANT
from tests.hunts.conftest import auth, ingest_lines

TRAINING = CORPUS / (
    "StamusNetworks__suricata-analytics__jupyter__Notebooks__training__data__02__eve.json.jsonl"
)
RANGE = {"from": "2024-04-17T19:00:00Z", "to": "2024-04-17T20:00:00Z"}


def corpus_events(path: Path = TRAINING) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture
def training(shipped: Client) -> list[dict[str, Any]]:
    raw = [line.encode() for line in TRAINING.read_text().splitlines() if line.strip()]
    result = ingest_lines(shipped, raw)
    assert (result.accepted, result.rejected) == (290, 0)
    rollup.roll_up_pending(shipped)  # host insights, as a worker does after the batch
    return corpus_events()


async def get(client: httpx.AsyncClient, key: str, path: str, **params: Any) -> Any:
    response = await client.get(path, params={**RANGE, **params}, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


async def test_count_by_filter_matches_the_corpus(
    client: httpx.AsyncClient, read_key: str, training: list[dict[str, Any]]
) -> None:
    assert (await get(client, read_key, "/api/v1/events/count"))["count"] == 290
    dns = await get(client, read_key, "/api/v1/events/count", query="event_type:dns")
    assert dns["count"] == 80
    queries = await get(
        client, read_key, "/api/v1/events/count", query="event_type:dns AND dns.type:query"
    )
    assert queries["count"] == 40
    alerts = [e for e in training if e["event_type"] == "alert"]
    got = await get(client, read_key, "/api/v1/events/count", query="event_type:alert")
    assert got["count"] == len(alerts) == 36
    narrow = await get(
        client,
        read_key,
        "/api/v1/events/count",
        **{"from": "2024-04-17T19:40:00Z", "to": "2024-04-17T19:41:00Z"},
    )
    in_minute = [e for e in training if e["timestamp"].startswith("2024-04-17T19:40:")]
    assert narrow["count"] == len(in_minute)


async def test_timeline_buckets_per_minute_equal_the_corpus(
    client: httpx.AsyncClient, read_key: str, training: list[dict[str, Any]]
) -> None:
    body = await get(
        client,
        read_key,
        "/api/v1/events/timeline",
        interval="1m",
        **{"from": "2024-04-17T19:36:00Z", "to": "2024-04-17T19:45:59Z"},
    )
    assert body["interval_seconds"] == 60
    expected = Counter(e["timestamp"][:16] for e in training)
    got = {b["time"][:16]: b["count"] for b in body["buckets"]}
    assert len(body["buckets"]) == 10
    for minute in range(36, 46):
        key = f"2024-04-17T19:{minute}"
        assert got[key] == expected.get(key, 0), key
    assert sum(got.values()) == 290
    auto = await get(client, read_key, "/api/v1/events/timeline", query="event_type:dns")
    assert auto["interval"] == "1m"
    assert sum(b["count"] for b in auto["buckets"]) == 80


async def test_facets_give_top_values_with_counts(
    client: httpx.AsyncClient, read_key: str, training: list[dict[str, Any]]
) -> None:
    body = await get(
        client,
        read_key,
        "/api/v1/events/facets",
        field=["dns.rrname", "dest_ip"],
        size=3,
        query="event_type:dns AND dns.type:query",
    )
    rrnames, dests = body["facets"]
    queries = [e for e in training if e["event_type"] == "dns" and e["dns"]["type"] == "query"]
    expected = Counter(e["dns"]["rrname"] for e in queries).most_common()
    assert rrnames["field"] == "dns.rrname"
    top = rrnames["buckets"][0]
    assert (top["value"], top["count"]) == expected[0]
    assert [b["count"] for b in rrnames["buckets"]] == [c for _, c in expected[:3]]
    assert dests["buckets"][0] == {
        "value": "10.4.17.1",
        "count": Counter(e["dest_ip"] for e in queries)["10.4.17.1"],
    }
    domains = await get(client, read_key, "/api/v1/events/facets", field="hostname_info.domain")
    assert domains["facets"][0]["buckets"][0]["value"] == "microsoft.com"


async def test_events_pages_are_newest_first_and_the_cursor_is_stable(
    client: httpx.AsyncClient, read_key: str, training: list[dict[str, Any]]
) -> None:
    seen: list[dict[str, Any]] = []
    cursors: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 64}
        if cursor:
            params["cursor"] = cursor
        page = await get(client, read_key, "/api/v1/events", **params)
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        cursors.append(cursor)
    assert len(seen) == 290
    assert len({e["id"] for e in seen}) == 290
    keys = [(e["timestamp"], e["id"]) for e in seen]
    assert keys == sorted(keys, reverse=True)
    again = await get(client, read_key, "/api/v1/events", limit=64, cursor=cursors[1])
    assert [e["id"] for e in again["items"]] == [e["id"] for e in seen[128:192]]
    first = seen[0]
    assert first["eve"]["timestamp"] == "2024-04-17T19:45:12.592253+0000"
    assert first["net_info"]["src_internal"] is True
    assert set(first) >= {"hostname_info", "net_info", "tags", "eve", "src_ip", "dest_port"}


async def test_tags_and_suppressions_from_escalation_tables(
    client: httpx.AsyncClient, read_key: str, training: list[dict[str, Any]], shipped: Client
) -> None:
    page = await get(client, read_key, "/api/v1/events", limit=2)
    tagged, hidden = page["items"][0]["id"], page["items"][1]["id"]
    at = datetime.now(UTC)  # escalation's tables expire rows 90 days after ts
    shipped.insert(
        "event_tags",
        [[TENANT, tagged, at, "relevant", "00000000-0000-0000-0000-000000000001", 1]],
        column_names=["tenant", "event_id", "ts", "tag", "policy_id", "version"],
    )
    shipped.insert(
        "event_suppressions",
        [[TENANT, hidden, at, "00000000-0000-0000-0000-000000000002", 1]],
        column_names=["tenant", "event_id", "ts", "policy_id", "version"],
    )
    page = await get(client, read_key, "/api/v1/events", limit=2)
    assert page["items"][0]["id"] == tagged
    assert page["items"][0]["tags"] == ["relevant"]
    assert hidden not in {e["id"] for e in page["items"]}
    assert (await get(client, read_key, "/api/v1/events/count"))["count"] == 289
    both = await get(client, read_key, "/api/v1/events/count", include_suppressed="true")
    assert both["count"] == 290
    by_tag = await get(client, read_key, "/api/v1/events/count", query="tag:relevant")
    assert by_tag["count"] == 1


async def test_export_streams_ndjson_and_csv(
    client: httpx.AsyncClient, read_key: str, training: list[dict[str, Any]]
) -> None:
    response = await client.get(
        "/api/v1/events/export",
        params={**RANGE, "query": "event_type:dns"},
        headers=auth(read_key),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = response.content.splitlines()
    assert len(lines) == 80
    assert {orjson.loads(line)["event_type"] for line in lines} == {"dns"}
    response = await client.get(
        "/api/v1/events/export",
        params={**RANGE, "format": "csv", "max_rows": "100"},
        headers=auth(read_key),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 100
    assert rows[0]["timestamp"] == "2024-04-17T19:45:12.592253Z"
    assert rows[0]["src_ip"] == "10.4.17.101"


async def test_host_query_restricts_events_to_matching_hosts(
    client: httpx.AsyncClient, read_key: str, training: list[dict[str, Any]]
) -> None:
    both = await get(
        client,
        read_key,
        "/api/v1/events/count",
        query="event_type:dns",
        host_query="ip:10.4.17.1",
        host_side="dest",
    )
    direct = await get(
        client, read_key, "/api/v1/events/count", query="event_type:dns AND dest_ip:10.4.17.1"
    )
    assert both["count"] == direct["count"] > 0
    src = await get(
        client, read_key, "/api/v1/events/count", host_query="ip:10.4.17.101", host_side="src"
    )
    src_direct = await get(client, read_key, "/api/v1/events/count", query="src_ip:10.4.17.101")
    assert src["count"] == src_direct["count"] > 0


async def test_fields_registry_for_autocompletion(client: httpx.AsyncClient, read_key: str) -> None:
    body = await get(client, read_key, "/api/v1/fields")
    names = {f["name"] for f in body["fields"]}
    assert {"dns.rrname", "hostname_info.domain", "net_info.src_dept", "tls.sni"} <= names


@pytest.mark.parametrize(
    ("path", "params", "status", "fragment"),
    [
        ("/api/v1/events/facets", {"field": "dns.rrnmae"}, 400, 'did you mean "dns.rrname"'),
        ("/api/v1/events/facets", {}, 400, "parameter 'field' is required"),
        ("/api/v1/events/facets", {"field": "ip"}, 400, "cannot be broken down"),
        ("/api/v1/events/timeline", {"interval": "7s"}, 400, "parameter 'interval'"),
        ("/api/v1/events/count", {"from": "yesterday"}, 400, "not an ISO 8601"),
        ("/api/v1/events/count", {"from": "2024-05-01T00:00:00Z"}, 400, "is after 'to'"),
        ("/api/v1/events/count", {"query": "dns.rrname:(a OR"}, 400, "at 1:"),
        ("/api/v1/events", {"limit": "5000"}, 400, "outside 1..1000"),
        ("/api/v1/events", {"cursor": "garbage"}, 400, "cursor"),
        ("/api/v1/events/export", {"format": "xml"}, 400, "parameter 'format'"),
        ("/api/v1/events/count", {"filter_set": "catalog:no-such"}, 404, "no catalog filter"),
        ("/api/v1/events/count", {"filter_set": "nope"}, 404, "no filter set"),
        ("/api/v1/events/count", {"host_query": "nosuchfield:1"}, 400, "unknown field"),
        (
            "/api/v1/events/count",
            {"query": "dest_ip:@public_resolver"},
            400,
            "unknown list @public_resolver at 1:9",
        ),
    ],
)
async def test_bad_parameters_are_4xx_with_a_message(
    client: httpx.AsyncClient,
    read_key: str,
    path: str,
    params: dict[str, str],
    status: int,
    fragment: str,
) -> None:
    response = await client.get(path, params={**RANGE, **params}, headers=auth(read_key))
    assert response.status_code == status, response.text
    assert fragment in response.json()["error"]["message"]


async def test_results_need_a_token_and_stay_in_the_tenant(
    client: httpx.AsyncClient, training: list[dict[str, Any]], shipped: Client
) -> None:
    from services.core import auth as core_auth

    response = await client.get("/api/v1/events/count", params=RANGE)
    assert response.status_code == 401
    other = core_auth.create_token(shipped, "other-tenant", "x", core_auth.Scope.READ)
    assert (await get(client, other, "/api/v1/events/count"))["count"] == 0


async def test_an_unknown_list_names_the_close_shipped_ones(
    shipped: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    response = await client.get(
        "/api/v1/events/count",
        params={**RANGE, "query": "event_type:dns AND dest_ip:@public_resolver"},
        headers=auth(read_key),
    )
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.startswith(
        "unknown list @public_resolver at 1:28 — did you mean @public_resolvers"
    )
    known = await client.get(
        "/api/v1/events/count",
        params={**RANGE, "query": "dest_ip:@public_resolvers AND NOT dest_ip:@approved_resolvers"},
        headers=auth(read_key),
    )
    assert known.status_code == 200, known.text
