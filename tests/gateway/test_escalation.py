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

    listed = await graphql("query { policies { id enabled } threats { name } threatFamilies }")
    assert listed["data"] == {
        "policies": [{"id": policy["id"], "enabled": False}],
        "threats": [{"name": "Foreign DNS"}],
        "threatFamilies": ["Policy"],
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
