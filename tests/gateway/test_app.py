"""The gateway app itself: GraphiQL for browsers, and the distributed mode over a real socket."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from services.gateway.app import build_clients, create_app
from services.gateway.schema import MAX_ALIASES
from tests.gateway.conftest import RequestLog


async def test_a_browser_gets_graphiql(gateway_client: httpx.AsyncClient) -> None:
    response = await gateway_client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def rest_server(rest: RequestLog) -> Iterator[str]:
    """The services' REST router served by uvicorn on a local port (the distributed mode)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(rest, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the REST server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


async def test_the_same_clients_reach_services_by_base_url(
    rest_server: str, rest: RequestLog, admin_key: str
) -> None:
    clients = build_clients(base_url=rest_server, asgi_app=None)
    transport = httpx.ASGITransport(app=create_app(clients))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        response = await client.post(
            "/graphql",
            json={"query": "query { policies { id } networks { isDefault } }"},
            headers={"Authorization": f"Token {admin_key}"},
        )
    await clients.aclose()
    assert response.json() == {"data": {"policies": [], "networks": {"isDefault": True}}}
    assert sorted(rest.calls) == ["GET /api/v1/networks", "GET /api/v1/policies"]


def test_build_clients_needs_a_destination() -> None:
    with pytest.raises(ValueError, match="base_url or an asgi_app"):
        build_clients(base_url=None, asgi_app=None)


async def test_a_document_cannot_fan_out_without_bound(
    gateway_client: httpx.AsyncClient, rest: RequestLog, admin_key: str
) -> None:
    aliases = " ".join(f'h{i}: host(ip: "10.0.0.{i}") {{ ip }}' for i in range(MAX_ALIASES + 1))
    response = await gateway_client.post(
        "/graphql",
        json={"query": f"query {{ {aliases} }}"},
        headers={"Authorization": f"Token {admin_key}"},
    )
    assert "aliases" in response.json()["errors"][0]["message"]
    assert rest.calls == []
