from __future__ import annotations

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.core import auth
from services.core.apps import service_app
from services.core.clickhouse import Client
from services.core.deps import Deps
from services.core.web import JSON


async def whoami(request: Request) -> Response:
    principal = auth.require(request, auth.Scope.WRITE)
    return JSON({"tenant": principal.tenant, "scope": principal.scope.name})


@pytest.fixture
def client(deps: Deps) -> httpx.AsyncClient:
    app = service_app("test", deps, [Route("/api/v1/whoami", whoami)])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_token_and_bearer_are_accepted(client: httpx.AsyncClient, admin_key: str) -> None:
    for kind in ("Token", "Bearer", "token"):
        response = await client.get(
            "/api/v1/whoami", headers={"Authorization": f"{kind} {admin_key}"}
        )
        assert response.json() == {"tenant": "acme", "scope": "ADMIN"}


@pytest.mark.parametrize(
    ("header", "status", "needle"),
    [
        (None, 401, "missing Authorization"),
        ("Basic abc", 401, "malformed"),
        ("Token nope", 401, "invalid or revoked"),
    ],
)
async def test_bad_credentials_are_401_with_a_reason(
    client: httpx.AsyncClient, header: str | None, status: int, needle: str
) -> None:
    headers = {"Authorization": header} if header else {}
    response = await client.get("/api/v1/whoami", headers=headers)
    assert response.status_code == status
    assert needle in response.json()["error"]["message"]
    assert response.headers["www-authenticate"] == "Token"


async def test_insufficient_scope_is_403(client: httpx.AsyncClient, read_key: str) -> None:
    response = await client.get("/api/v1/whoami", headers={"Authorization": f"Token {read_key}"})
    assert response.status_code == 403
    assert "needs the write scope" in response.json()["error"]["message"]


async def test_healthz_needs_no_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}


def test_keys_are_stored_hashed(ch: Client) -> None:
    key = auth.create_token(ch, "acme", "svc", auth.Scope.READ)
    stored = ch.query("SELECT token_hash FROM api_tokens").result_rows
    assert stored == [(auth.hash_token(key),)]
    assert key not in stored[0][0]


def test_bootstrap_token_is_created_once(ch: Client) -> None:
    auth.ensure_token(ch, "fixed-key", "acme", "bootstrap", auth.Scope.ADMIN)
    auth.ensure_token(ch, "fixed-key", "acme", "bootstrap", auth.Scope.ADMIN)
    assert ch.query("SELECT count() FROM api_tokens FINAL").result_rows == [(1,)]
    principal = auth.lookup(ch, "fixed-key")
    assert principal is not None and principal.scope is auth.Scope.ADMIN
