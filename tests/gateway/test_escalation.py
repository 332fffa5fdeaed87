"""Escalation configuration through GraphQL: threats, declare policies, audit, webhooks."""

from __future__ import annotations

from tests.gateway.conftest import GraphQL

POLICY_FIELDS = """
  __typename
  ... on Policy { id action type enabled offenderKey threat { id name family killChain }
                  audit { action actor } }
  ... on ValidationError { message field }
  ... on NotFoundError { message }
"""


async def test_a_declare_policy_round_trip(graphql: GraphQL) -> None:
    threat = await graphql(
        """mutation { createThreat(input: {name: "Foreign DNS", family: "Policy",
                                           killChain: "policy_violation"}) {
             __typename ... on Threat { id name } } }"""
    )
    created_threat = threat["data"]["createThreat"]
    assert created_threat["__typename"] == "Threat", threat

    created = await graphql(
        f"mutation($input: PolicyInput!) {{ createPolicy(input: $input) {{ {POLICY_FIELDS} }} }}",
        {
            "input": {
                "action": "declare",
                "type": "dopv",
                "query": "event_type:dns AND dest_ip:8.8.8.8",
                "threat": {"id": created_threat["id"]},
                "offenderKey": "src_ip",
                "webhooks": False,
            }
        },
    )
    policy = created["data"]["createPolicy"]
    assert policy["__typename"] == "Policy", created
    assert (policy["action"], policy["type"], policy["offenderKey"]) == (
        "declare",
        "dopv",
        "src_ip",
    )
    assert policy["threat"] == {
        "id": created_threat["id"],
        "name": "Foreign DNS",
        "family": "Policy",
        "killChain": "policy_violation",
    }

    updated = await graphql(
        f"""mutation($id: ID!) {{ updatePolicy(id: $id, input: {{enabled: false,
               comment: "noisy"}}) {{ {POLICY_FIELDS} }} }}""",
        {"id": policy["id"]},
    )
    assert updated["data"]["updatePolicy"]["enabled"] is False
    assert len(updated["data"]["updatePolicy"]["audit"]) == 2

    listed = await graphql(
        """query($threat: ID!) { policies { id enabled } threats { name } threatFamilies
                                 threat(id: $threat) { name } }""",
        {"threat": created_threat["id"]},
    )
    assert listed["data"] == {
        "policies": [{"id": policy["id"], "enabled": False}],
        "threats": [{"name": "Foreign DNS"}],
        "threatFamilies": ["Policy"],
        "threat": {"name": "Foreign DNS"},
    }

    deleted = await graphql(
        """mutation($id: ID!) { deletePolicy(id: $id, comment: "done") {
             __typename ... on Deleted { id } } }""",
        {"id": policy["id"]},
    )
    assert deleted["data"]["deletePolicy"] == {"__typename": "Deleted", "id": policy["id"]}
    assert (await graphql("query { policies { id } }"))["data"] == {"policies": []}


async def test_a_webhook_to_loopback_is_refused_with_the_field(graphql: GraphQL) -> None:
    body = await graphql(
        """mutation { createWebhook(input: {name: "local", url: "http://127.0.0.1:9/hook"}) {
             __typename ... on ValidationError { message field } } }"""
    )
    result = body["data"]["createWebhook"]
    assert result["__typename"] == "ValidationError", body
    assert result["field"] == "url"
    assert "refused" in result["message"]


async def test_unknown_incident_is_null_and_the_feed_is_empty(graphql: GraphQL) -> None:
    body = await graphql(
        """query { incident(id: "0190a0a0-0000-7000-8000-000000000000") { id }
                   incidents(status: "new") { nodes { id } pageInfo { hasNextPage } } }"""
    )
    assert body == {
        "data": {"incident": None, "incidents": {"nodes": [], "pageInfo": {"hasNextPage": False}}}
    }


async def test_a_backfill_job_is_started_read_and_cancelled(graphql: GraphQL) -> None:
    created = await graphql(
        """mutation { createPolicy(input: {action: "tag", tag: "informational",
                                           query: "event_type:dns"}) {
             __typename ... on Policy { id } } }"""
    )
    policy_id = created["data"]["createPolicy"]["id"]
    started = await graphql(
        """mutation($id: ID!) { backfillPolicy(id: $id, input: {
               from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z"}) {
             __typename ... on Job { id kind policyId rangeStart rangeEnd chunksTotal } } }""",
        {"id": policy_id},
    )
    job = started["data"]["backfillPolicy"]
    assert job["__typename"] == "Job", started
    assert job["policyId"] == policy_id
    assert (job["rangeStart"], job["rangeEnd"]) == (
        "2026-01-01T00:00:00+00:00",
        "2026-01-02T00:00:00+00:00",
    )
    assert job["chunksTotal"] >= 1

    reversed_range = await graphql(
        """mutation($id: ID!) { backfillPolicy(id: $id, input: {
               from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z"}) {
             __typename ... on ValidationError { field } } }""",
        {"id": policy_id},
    )
    assert reversed_range["data"]["backfillPolicy"] == {
        "__typename": "ValidationError",
        "field": "from",
    }

    cancelled = await graphql(
        """mutation($id: ID!) { cancelJob(id: $id, comment: "not needed") {
             __typename ... on Job { id } } }""",
        {"id": job["id"]},
    )
    assert cancelled["data"]["cancelJob"] == {"__typename": "Job", "id": job["id"]}
    read = await graphql("query($id: ID!) { job(id: $id) { id policyId } }", {"id": job["id"]})
    assert read["data"]["job"] == {"id": job["id"], "policyId": policy_id}


async def test_webhook_crud(graphql: GraphQL) -> None:
    result = """__typename ... on Webhook { id name url preset enabled secret }
                ... on ValidationError { message field }"""
    created = await graphql(
        f"""mutation {{ createWebhook(input: {{name: "soar", url: "https://93.184.216.34/hook",
               preset: "generic", secret: "s3cret-s3cret"}}) {{ {result} }} }}"""
    )
    hook = created["data"]["createWebhook"]
    assert hook["__typename"] == "Webhook", created
    assert (hook["preset"], hook["enabled"], hook["secret"]) == ("generic", True, "s3cret-s3cret")

    updated = await graphql(
        f"""mutation($id: ID!) {{ updateWebhook(id: $id, input: {{enabled: false}}) {{
               {result} }} }}""",
        {"id": hook["id"]},
    )
    assert updated["data"]["updateWebhook"]["enabled"] is False
    assert updated["data"]["updateWebhook"]["secret"] is None, "the secret is shown once"

    listed = await graphql("query { webhooks { id name deliveries { id } } }")
    assert listed["data"]["webhooks"] == [{"id": hook["id"], "name": "soar", "deliveries": []}]
    deleted = await graphql(
        "mutation($id: ID!) { deleteWebhook(id: $id) { __typename } }", {"id": hook["id"]}
    )
    assert deleted["data"]["deleteWebhook"]["__typename"] == "Deleted"
    gone = await graphql("query($id: ID!) { webhook(id: $id) { id } }", {"id": hook["id"]})
    assert gone == {"data": {"webhook": None}}
