from __future__ import annotations

from typing import Any

import httpx

from services.core.clickhouse import Client
from tests.conftest import TENANT

DOC = {
    "action": "declare",
    "query": "event_type:dns AND dest_ip:8.8.8.8",
    "type": "doc",
    "threat": {"name": "Public DNS", "family": "Foreign infrastructure"},
    "offender_key": "src_ip",
    "webhooks": False,
}


async def create(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/v1/policies", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_declare_without_threat_name_names_the_field(client: httpx.AsyncClient) -> None:
    body = {**DOC, "threat": {"family": "x"}}
    response = await client.post("/api/v1/policies", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "threat.name: field required" in error["message"]
    assert {"field": "threat.name", "message": "field required"} in error["details"]


async def test_missing_and_misplaced_options_are_named(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/policies", json={"action": "tag", "query": "event_type:dns", "type": "doc"}
    )
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "tag: field required" in message
    assert "type: only for action 'declare'" in message
    response = await client.post("/api/v1/policies", json={"action": "suppress"})
    assert "query: field required" in response.json()["error"]["message"]
    response = await client.post("/api/v1/policies", json={**DOC, "colour": "red"})
    assert response.status_code == 400
    assert "colour" in response.json()["error"]["message"]
    response = await client.post("/api/v1/policies", json={**DOC, "offender_key": "src_port"})
    assert "offender_key" in response.json()["error"]["message"]


async def test_unknown_field_in_query_is_a_400_with_the_compiler_message(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/api/v1/policies", json={**DOC, "query": "dns.rrnmae:x.com"})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.startswith("query: ")
    assert "dns.rrnmae" in message and "dns.rrname" in message


async def test_unknown_list_is_a_400_and_an_unfilled_tenant_list_is_fine(
    client: httpx.AsyncClient,
) -> None:
    body = {**DOC, "query": "event_type:dns AND NOT dest_ip:@aproved_resolvers"}
    response = await client.post("/api/v1/policies", json=body)
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.startswith("query: unknown list @aproved_resolvers")
    assert "@approved_resolvers" in message  # the close name
    # a list every tenant fills for itself may be named before it is filled
    await create(client, {**DOC, "query": "event_type:dns AND NOT dest_ip:@approved_resolvers"})


async def test_victim_key_must_fit_the_victim_type(client: httpx.AsyncClient) -> None:
    body = {**DOC, "track_victim": True, "victim_type": "username", "victim_key": "src_ip"}
    response = await client.post("/api/v1/policies", json=body)
    assert response.status_code == 400
    assert "victim_key: for victim_type username" in response.json()["error"]["message"]


async def test_policies_list_in_position_order_with_counts(client: httpx.AsyncClient) -> None:
    second = await create(client, {**DOC, "position": 5})
    first = await create(
        client,
        {"action": "tag", "query": "event_type:dns", "tag": "relevant", "position": 1},
    )
    listed = (await client.get("/api/v1/policies")).json()["items"]
    assert [p["id"] for p in listed] == [first["id"], second["id"]]
    assert listed[0]["events_seen"] == 0 and listed[0]["events_acted"] == 0
    assert listed[1]["threat"]["name"] == "Public DNS"
    assert listed[1]["threat"]["kill_chain"] == "command_and_control"


async def test_every_change_is_audited_with_actor_and_comment(
    client: httpx.AsyncClient, ch: Client
) -> None:
    policy = await create(client, {**DOC, "comment": "public resolvers are forbidden"})
    response = await client.patch(
        f"/api/v1/policies/{policy['id']}", json={"enabled": False, "comment": "too noisy"}
    )
    assert response.status_code == 200
    assert response.json()["enabled"] is False
    assert response.json()["threat"]["name"] == "Public DNS"
    response = await client.delete(f"/api/v1/policies/{policy['id']}?comment=obsolete")
    assert response.status_code == 204
    assert (await client.get(f"/api/v1/policies/{policy['id']}")).status_code == 404
    rows = ch.query(
        "SELECT actor, action, comment FROM audit_log WHERE tenant = {t:String} "
        "AND object_id = {id:String} ORDER BY at",
        parameters={"t": TENANT, "id": policy["id"]},
    ).result_rows
    assert rows == [
        ("test-admin", "policy.create", "public resolvers are forbidden"),
        ("test-admin", "policy.update", "too noisy"),
        ("test-admin", "policy.delete", "obsolete"),
    ]
    audit = (await client.get(f"/api/v1/policies/{policy['id']}/audit")).json()["items"]
    assert [e["action"] for e in audit] == ["policy.delete", "policy.update", "policy.create"]


async def test_update_revalidates_the_merged_policy(client: httpx.AsyncClient) -> None:
    policy = await create(client, DOC)
    response = await client.patch(f"/api/v1/policies/{policy['id']}", json={"action": "tag"})
    assert response.status_code == 400
    assert "tag: field required" in response.json()["error"]["message"]
    response = await client.patch(
        f"/api/v1/policies/{policy['id']}", json={"query": "event_type:tls"}
    )
    assert response.json()["query"] == "event_type:tls"


async def test_catalog_filter_set_is_copied_into_the_policy(client: httpx.AsyncClient) -> None:
    body = {**DOC, "query": None, "filter_set": "catalog:policy-public-dns"}
    body.pop("query")
    policy = await create(client, body)
    assert policy["filter_set"] == "catalog:policy-public-dns"
    response = await client.post(
        "/api/v1/policies", json={**body, "filter_set": "catalog:no-such-entry"}
    )
    assert response.status_code == 400
    assert "catalog:no-such-entry" in response.json()["error"]["message"]


async def test_reader_cannot_write_and_tenants_are_apart(
    client: httpx.AsyncClient, read_key: str, ch: Client
) -> None:
    from services.core import auth

    response = await client.post(
        "/api/v1/policies", json=DOC, headers={"Authorization": f"Token {read_key}"}
    )
    assert response.status_code == 403
    policy = await create(client, DOC)
    other = auth.create_token(ch, "other-tenant", "other", auth.Scope.ADMIN)
    response = await client.get(
        f"/api/v1/policies/{policy['id']}", headers={"Authorization": f"Token {other}"}
    )
    assert response.status_code == 404


async def test_threats_and_families(client: httpx.AsyncClient) -> None:
    body = {"name": "Cobalt Strike", "family": "C2", "kill_chain": "command_and_control"}
    response = await client.post("/api/v1/threats", json=body)
    assert response.status_code == 201
    assert (await client.post("/api/v1/threats", json=body)).status_code == 409
    await create(client, {**DOC, "threat": {"id": response.json()["id"]}})
    listing = (await client.get("/api/v1/threats")).json()
    assert [t["name"] for t in listing["items"]] == ["Cobalt Strike"]
    assert listing["families"] == ["C2"]
    missing = {**DOC, "threat": {"id": "00000000-0000-0000-0000-000000000001"}}
    response = await client.post("/api/v1/policies", json=missing)
    assert response.status_code == 400
    assert "threat.id" in response.json()["error"]["message"]
