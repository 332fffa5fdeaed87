"""Host insights through GraphQL: events ingested through the gateway, then looked up."""

from __future__ import annotations

from services.core.clickhouse import Client
from services.hosts import rollup
from tests.gateway.conftest import GraphQL, RequestLog
from tests.gateway.eve import CLIENT, INGEST, dns_events


async def test_unknown_host_is_null(graphql: GraphQL) -> None:
    body = await graphql('query { host(ip: "198.51.100.201") { ip } }')
    assert body == {"data": {"host": None}}


async def test_a_malformed_ip_is_rejected_by_the_schema(graphql: GraphQL) -> None:
    body = await graphql('query { host(ip: "10.0.0.300") { ip } }')
    assert body["data"] is None
    assert "10.0.0.300" in body["errors"][0]["message"]


async def test_ingested_events_make_a_host_document_and_a_search_hit(
    graphql: GraphQL, rest: RequestLog, ch: Client
) -> None:
    ingested = await graphql(INGEST, {"ndjson": dns_events(3) + "not json\n"})
    assert ingested["data"]["ingestEvents"]["__typename"] == "IngestResult", ingested
    result = ingested["data"]["ingestEvents"]
    assert (result["accepted"], result["rejected"]) == (3, 1)
    assert result["errors"][0]["line"] == 4
    rollup.roll_up_pending(ch)  # host insights, as the worker does after each batch

    body = await graphql(
        """query($ip: IP!) {
             host(ip: $ip) { ip attributes { name values { value } } }
             hosts(where: {query: "event_type:dns AND dest_ip:8.8.8.8"}) {
               nodes { ip eventCount host { ip } } } }""",
        {"ip": CLIENT},
    )
    assert "errors" not in body, body
    host = body["data"]["host"]
    assert host["ip"] == CLIENT
    assert host["attributes"], "the host document lists its attributes"
    nodes = body["data"]["hosts"]["nodes"]
    assert {node["ip"] for node in nodes} == {CLIENT, "8.8.8.8"}
    mine = next(node for node in nodes if node["ip"] == CLIENT)
    assert mine["eventCount"] == 3
    assert mine["host"] == {"ip": CLIENT}

    # `host(ip)` and the search hit's `host` share one DataLoader: one fetch per IP.
    assert rest.calls.count(f"GET /api/v1/hosts/{CLIENT}") == 1


async def test_a_page_says_what_is_not_rolled_up_yet(graphql: GraphQL, ch: Client) -> None:
    ingested = await graphql(INGEST, {"ndjson": dns_events(3)})
    assert ingested["data"]["ingestEvents"]["accepted"] == 3, ingested
    query = """query($ip: IP!) {
                 host(ip: $ip) { ip }
                 hosts(hostQuery: "dns.domain:*") {
                   nodes { ip } pending { batches events oldestStoredAt } } }"""

    before = await graphql(query, {"ip": CLIENT})
    assert "errors" not in before, before
    assert before["data"]["host"] is None  # stored, not rolled up: no host document yet
    assert before["data"]["hosts"]["nodes"] == []
    pending = before["data"]["hosts"]["pending"]
    assert (pending["batches"], pending["events"]) == (1, 3)
    assert pending["oldestStoredAt"] is not None

    rollup.roll_up_pending(ch)
    after = await graphql(query, {"ip": CLIENT})
    assert after["data"]["host"] == {"ip": CLIENT}
    assert after["data"]["hosts"]["nodes"] == [{"ip": CLIENT}]
    assert after["data"]["hosts"]["pending"] == {
        "batches": 0,
        "events": 0,
        "oldestStoredAt": None,
    }


async def test_intel_without_a_provider_key_says_so_with_a_code(graphql: GraphQL) -> None:
    body = await graphql('query { intel(kind: "domain", value: "example.com") { found } }')
    assert body["data"] == {"intel": None}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert "SIGHTLINE_INTEL_API_KEY" in error["message"]


async def test_host_evidence_pages_through_the_hosts_events(graphql: GraphQL, ch: Client) -> None:
    ingested = await graphql(INGEST, {"ndjson": dns_events(3)})
    assert ingested["data"]["ingestEvents"]["accepted"] == 3, ingested
    rollup.roll_up_pending(ch)
    query = """query($ip: IP!, $after: String) { host(ip: $ip) {
                 events(first: 2, after: $after) {
                   nodes { id eventType destIp eve } pageInfo { endCursor hasNextPage } } } }"""
    first = await graphql(query, {"ip": CLIENT})
    assert "errors" not in first, first
    page = first["data"]["host"]["events"]
    assert [node["destIp"] for node in page["nodes"]] == ["8.8.8.8", "8.8.8.8"]
    assert page["pageInfo"]["hasNextPage"]
    rest = await graphql(query, {"ip": CLIENT, "after": page["pageInfo"]["endCursor"]})
    last = rest["data"]["host"]["events"]["nodes"]
    assert len(last) == 1
    names = {node["eve"]["dns"]["rrname"] for node in page["nodes"] + last}
    assert names == {"host0.example.com", "host1.example.com", "host2.example.com"}
