"""Mutations: expected failures are result-union members the UI can show."""

from __future__ import annotations

from tests.gateway.conftest import GraphQL

CREATE_POLICY = """
mutation($input: PolicyInput!) {
  createPolicy(input: $input) {
    __typename
    ... on Policy { id action tag enabled query }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""


async def test_an_invalid_policy_is_a_validation_error(graphql: GraphQL) -> None:
    body = await graphql(CREATE_POLICY, {"input": {"action": "explode", "query": "event_type:dns"}})
    assert "errors" not in body, body
    result = body["data"]["createPolicy"]
    assert result["__typename"] == "ValidationError"
    assert result["field"] == "action"
    assert "action" in result["message"]


async def test_a_policy_with_a_bad_filter_names_the_field(graphql: GraphQL) -> None:
    body = await graphql(
        CREATE_POLICY,
        {"input": {"action": "tag", "tag": "relevant", "query": "dns.rrnmae:example.com"}},
    )
    result = body["data"]["createPolicy"]
    assert result["__typename"] == "ValidationError"
    assert "rrnmae" in result["message"]


async def test_a_valid_policy_is_created_and_listed(graphql: GraphQL) -> None:
    body = await graphql(
        CREATE_POLICY, {"input": {"action": "tag", "tag": "relevant", "query": "event_type:dns"}}
    )
    created = body["data"]["createPolicy"]
    assert created["__typename"] == "Policy"
    assert (created["action"], created["tag"], created["enabled"]) == ("tag", "relevant", True)
    listed = await graphql("query { policies { id query } }")
    assert listed["data"]["policies"] == [{"id": created["id"], "query": "event_type:dns"}]


async def test_deleting_an_unknown_policy_is_not_found(graphql: GraphQL) -> None:
    body = await graphql(
        """mutation { deletePolicy(id: "0190a0a0-0000-7000-8000-000000000000") {
             __typename ... on NotFoundError { message } } }"""
    )
    assert body["data"]["deletePolicy"]["__typename"] == "NotFoundError"
