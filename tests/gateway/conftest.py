"""The gateway in front of the services' real apps, over real ASGI HTTP in both hops:
test → gateway (`/graphql`) → httpx.ASGITransport → path-prefix router → service REST apps."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from services.allinone import PREFIXES, PrefixRouter, service_apps
from services.core.clickhouse import Client
from services.core.deps import Deps
from services.gateway.app import build_clients, create_app
from services.ingest.networks import NetworkMap
from services.ingest.pipeline import Line, Pipeline
from tests.conftest import CORPUS, TENANT

GraphQL = Callable[..., Awaitable[dict[str, Any]]]


class RequestLog:
    """Records `METHOD path` of every request the gateway sends to the services."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.calls: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.calls.append(f"{scope['method']} {scope['path']}")
        await self.app(scope, receive, send)


@pytest.fixture
def rest(deps: Deps) -> RequestLog:
    """The services' real apps behind the path-prefix router of the all-in-one server."""
    return RequestLog(PrefixRouter(dict(service_apps(deps)), PREFIXES))


@pytest.fixture
async def gateway_client(rest: RequestLog) -> AsyncIterator[httpx.AsyncClient]:
    clients = build_clients(base_url=None, asgi_app=rest)
    transport = httpx.ASGITransport(app=create_app(clients))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client
    await clients.aclose()


@pytest.fixture
def graphql(gateway_client: httpx.AsyncClient, admin_key: str) -> GraphQL:
    """POST a GraphQL document; `key=None` sends no Authorization header."""

    async def run(
        query: str, variables: dict[str, Any] | None = None, key: str | None = admin_key
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Token {key}"} if key else {}
        response = await gateway_client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return run


def corpus_lines() -> list[Line]:
    """Every line of the public corpus, as one source with running offsets."""
    lines: list[Line] = []
    offset = number = 0
    for path in sorted(CORPUS.glob("*.jsonl")):
        for raw in path.read_bytes().splitlines(keepends=True):
            number += 1
            if raw.strip():
                lines.append(Line(raw=raw.rstrip(b"\r\n"), offset=offset, line_no=number))
            offset += len(raw)
    return lines


@pytest.fixture
def corpus(ch: Client) -> int:
    """The public EVE corpus ingested for the test tenant in one batch; events stored."""
    result = Pipeline(ch, TENANT, "corpus", NetworkMap.default()).ingest(corpus_lines())
    assert result.accepted > 2000
    return result.accepted - result.stats
