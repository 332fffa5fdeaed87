"""The all-in-one server: every service and the gateway behind one ASGI app, routed by prefix."""

from __future__ import annotations

import httpx
import pytest

from services import allinone
from services.core.deps import Deps


@pytest.fixture
def client(deps: Deps) -> httpx.AsyncClient:
    app = allinone.create_app(deps)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sightline")


async def test_health_and_unknown_paths(client: httpx.AsyncClient) -> None:
    health = (await client.get("/healthz")).json()
    assert health["services"] == ["escalation", "hosts", "hunts", "ingest"]
    missing = await client.get("/api/v1/nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] in {"not_found", "http_error"}


async def test_every_prefix_reaches_its_service(client: httpx.AsyncClient, admin_key: str) -> None:
    auth = {"Authorization": f"Token {admin_key}"}
    for path in ("/api/v1/ingest/status", "/api/v1/fields", "/api/v1/policies", "/api/v1/networks"):
        response = await client.get(path, headers=auth)
        assert response.status_code == 200, (path, response.text)
    unauthenticated = await client.get("/api/v1/hosts")
    assert unauthenticated.status_code == 401


async def test_openapi_merges_every_service(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    paths = document["paths"]
    for path in (
        "/api/v1/ingest/events",
        "/api/v1/events",
        "/api/v1/hosts/{ip}",
        "/api/v1/policies",
    ):
        assert path in paths, path
    for operations in paths.values():
        for operation in operations.values():
            assert operation.get("summary"), operation


async def test_graphql_reaches_the_services_through_rest(
    client: httpx.AsyncClient, admin_key: str
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ __schema { queryType { name } } }"},
        headers={"Authorization": f"Token {admin_key}"},
    )
    assert response.status_code == 200
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"
