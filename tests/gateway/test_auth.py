"""The caller's credentials pass through to the services; their 401/403 become error codes."""

from __future__ import annotations

from tests.gateway.conftest import GraphQL

STATUS = "query { ingestStatus { totals { events } } policies { id } }"


async def test_no_token_is_an_unauthenticated_error(graphql: GraphQL) -> None:
    body = await graphql(STATUS, key=None)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Authorization" in body["errors"][0]["message"]


async def test_unknown_token_is_an_unauthenticated_error(graphql: GraphQL) -> None:
    body = await graphql(STATUS, key="sl_not_a_key")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_callers_token_is_forwarded(graphql: GraphQL, read_key: str) -> None:
    body = await graphql(STATUS, key=read_key)
    assert body == {"data": {"ingestStatus": {"totals": {"events": 0}}, "policies": []}}


async def test_read_scope_cannot_write_a_policy(graphql: GraphQL, read_key: str) -> None:
    body = await graphql(
        """mutation { createPolicy(input: {action: "tag", query: "event_type:dns",
                                             tag: "relevant"}) { __typename } }""",
        key=read_key,
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["createPolicy"]
