"""Event hunting through GraphQL on the ingested public corpus, checked against the engine."""

from __future__ import annotations

from typing import Any

import orjson

from services.core.clickhouse import Client
from tests.conftest import TENANT
from tests.gateway.conftest import GraphQL

ALL_TIME = {"from": "1970-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}

PAGE = """query($where: EventFilter!, $after: String) {
  events(where: $where, first: 3, after: $after) {
    nodes { id eventType timestamp eve }
    pageInfo { endCursor hasNextPage } } }"""


def engine_counts(ch: Client) -> dict[str, int]:
    rows = ch.query(
        "SELECT event_type, count() FROM events WHERE tenant = {tenant:String} GROUP BY event_type",
        parameters={"tenant": TENANT},
    ).result_rows
    return {str(event_type): int(count) for event_type, count in rows}


async def test_count_facets_and_pages_match_the_engine(
    graphql: GraphQL, ch: Client, corpus: int
) -> None:
    by_type = engine_counts(ch)
    assert sum(by_type.values()) == corpus

    body = await graphql(
        """query($all: EventFilter!, $dns: EventFilter!) {
             all: eventCount(where: $all)
             dns: eventCount(where: $dns)
             eventFacets(fields: ["event_type"], where: $all, size: 100) {
               field values { value count } } }""",
        {"all": ALL_TIME, "dns": {**ALL_TIME, "query": "event_type:dns"}},
    )
    assert "errors" not in body, body
    assert body["data"]["all"] == corpus
    assert body["data"]["dns"] == by_type["dns"] > 0
    [facet] = body["data"]["eventFacets"]
    assert facet["field"] == "event_type"
    assert {value["value"]: value["count"] for value in facet["values"]} == by_type

    [(start, end)] = ch.query(
        "SELECT min(ts), max(ts) + INTERVAL 1 SECOND FROM events"
        " WHERE tenant = {tenant:String} AND event_type = 'dns'",
        parameters={"tenant": TENANT},
    ).result_rows
    dns_span = {"query": "event_type:dns", "from": start.isoformat(), "to": end.isoformat()}
    timeline = await graphql(
        "query($where: EventFilter!) { eventTimeline(where: $where) {"
        " interval intervalSeconds buckets { time count } } }",
        {"where": dns_span},
    )
    assert "errors" not in timeline, timeline
    buckets = timeline["data"]["eventTimeline"]["buckets"]
    assert sum(bucket["count"] for bucket in buckets) == by_type["dns"]
    assert timeline["data"]["eventTimeline"]["intervalSeconds"] > 0

    first = await graphql(PAGE, {"where": ALL_TIME})
    assert "errors" not in first, first
    page: dict[str, Any] = first["data"]["events"]
    assert len(page["nodes"]) == 3 and page["pageInfo"]["hasNextPage"]
    second = await graphql(PAGE, {"where": ALL_TIME, "after": page["pageInfo"]["endCursor"]})
    ids = [node["id"] for node in page["nodes"] + second["data"]["events"]["nodes"]]
    assert len(set(ids)) == 6

    node = page["nodes"][0]
    [(raw,)] = ch.query(
        "SELECT raw FROM events WHERE tenant = {tenant:String} AND id = {id:UUID}",
        parameters={"tenant": TENANT, "id": node["id"]},
    ).result_rows
    assert node["eve"] == orjson.loads(raw)
    assert node["eventType"] == node["eve"]["event_type"]


async def test_a_bad_filter_is_a_user_input_error_that_says_where(graphql: GraphQL) -> None:
    body = await graphql('query { eventCount(where: {query: "dns.rrnmae:example.com"}) }')
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "rrnmae" in error["message"]


async def test_fields_lists_the_registry(graphql: GraphQL) -> None:
    body = await graphql("query { fields { name kind } }")
    names = {field["name"] for field in body["data"]["fields"]}
    assert {"dns.rrname", "src_ip", "event_type"} <= names
