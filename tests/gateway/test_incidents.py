"""From hunt to incident through GraphQL: events ingested, a declare policy backfilled (the
backfill job's own code run in-process), then the incident feed, evidence and status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from services.core.deps import Deps
from services.escalation import backfill
from tests.conftest import TENANT
from tests.gateway.conftest import GraphQL, RequestLog
from tests.gateway.eve import CLIENT, INGEST, dns_events


async def declared_incident(graphql: GraphQL, deps: Deps) -> str:
    ingested = await graphql(INGEST, {"ndjson": dns_events(3)})
    assert ingested["data"]["ingestEvents"]["accepted"] == 3, ingested
    threat = await graphql(
        'mutation { createThreat(input: {name: "Public DNS"}) { ... on Threat { id } } }'
    )
    policy = await graphql(
        """mutation($threat: ID!) { createPolicy(input: {action: "declare", type: "dopv",
               query: "event_type:dns AND dest_ip:8.8.8.8", threat: {id: $threat},
               offenderKey: "src_ip", webhooks: false}) { ... on Policy { id } } }""",
        {"threat": threat["data"]["createThreat"]["id"]},
    )
    now = datetime.now(UTC)
    job = await graphql(
        """mutation($id: ID!, $from: DateTime!, $to: DateTime!) {
             backfillPolicy(id: $id, input: {from: $from, to: $to}) { ... on Job { id } } }""",
        {
            "id": policy["data"]["createPolicy"]["id"],
            "from": (now - timedelta(hours=2)).isoformat(),
            "to": now.isoformat(),
        },
    )
    job_id = UUID(job["data"]["backfillPolicy"]["id"])
    finished = backfill.run_job(deps.ch, TENANT, job_id, lambda deliveries: None)
    assert finished is not None and finished.status == "done"
    return str(policy["data"]["createPolicy"]["id"])


async def test_a_backfilled_declaration_opens_an_incident_with_evidence(
    graphql: GraphQL, deps: Deps, rest: RequestLog
) -> None:
    policy_id = await declared_incident(graphql, deps)
    body = await graphql(
        """query { incidents { nodes {
                     id status asset { type value } eventCount threat { name } policy { id }
                     events(first: 10) { nodes { eventType srcIp eve } } } }
                   declarations(from: "2000-01-01T00:00:00Z") { nodes {
                     offender threat { name } policy { id } } } }"""
    )
    assert "errors" not in body, body
    [incident] = body["data"]["incidents"]["nodes"]
    assert incident["status"] == "new"
    assert incident["asset"] == {"type": "ip", "value": CLIENT}
    assert incident["eventCount"] == 3
    assert incident["threat"] == {"name": "Public DNS"}
    assert incident["policy"] == {"id": policy_id}
    assert [e["srcIp"] for e in incident["events"]["nodes"]] == [CLIENT] * 3
    assert all(e["eve"]["dest_ip"] == "8.8.8.8" for e in incident["events"]["nodes"])

    declarations = body["data"]["declarations"]["nodes"]
    assert len(declarations) == 3
    assert {(d["offender"], d["threat"]["name"], d["policy"]["id"]) for d in declarations} == {
        (CLIENT, "Public DNS", policy_id)
    }
    # Three declarations, one threat and one policy: each fetched once (DataLoaders).
    assert sum(call.startswith("GET /api/v1/threats/") for call in rest.calls) == 1
    assert sum(call == f"GET /api/v1/policies/{policy_id}" for call in rest.calls) == 1

    fixed = await graphql(
        """mutation($id: ID!) { setIncidentStatus(id: $id, status: "fixed", comment: "blocked") {
             __typename ... on Incident { status comment } } }""",
        {"id": incident["id"]},
    )
    assert fixed["data"]["setIncidentStatus"] == {
        "__typename": "Incident",
        "status": "fixed",
        "comment": "blocked",
    }
    bogus = await graphql(
        """mutation($id: ID!) { setIncidentStatus(id: $id, status: "bogus") {
             __typename ... on ValidationError { field } } }""",
        {"id": incident["id"]},
    )
    assert bogus["data"]["setIncidentStatus"] == {
        "__typename": "ValidationError",
        "field": "status",
    }
