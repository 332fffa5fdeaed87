"""Threat-intelligence lookups against a local HTTP server speaking the VirusTotal v3 shape:
answers, the cache (memory and Redis), the rate limit, and the unconfigured case."""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.core.clickhouse import Client
from services.core.deps import Deps
from services.core.queue import make_celery
from services.core.settings import Settings
from services.hosts.app import create_app
from tests.conftest import TENANT
from tests.hosts.conftest import auth

API_KEY = "test-intel-key"


@dataclass
class FakeProvider:
    """What the fake provider was asked (path, query, x-apikey)."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)
    base_url: str = ""


def analysis(malicious: int) -> dict[str, Any]:
    return {
        "data": {
            "type": "domain",
            "attributes": {
                "last_analysis_stats": {"malicious": malicious, "harmless": 60, "undetected": 9},
                "reputation": -12 if malicious else 5,
                "categories": {"Forcepoint ThreatSeeker": "malicious web sites"},
            },
        }
    }


def provider_app(provider: FakeProvider) -> Starlette:
    async def lookup(request: Request) -> Response:
        provider.calls.append(
            (request.url.path, request.url.query, request.headers.get("x-apikey", ""))
        )
        name = request.path_params.get("value", "")
        if name.startswith("ratelimited"):
            return JSONResponse(
                {"error": {"code": "QuotaExceededError"}}, 429, headers={"Retry-After": "17"}
            )
        if name.startswith("unknown"):
            return JSONResponse({"error": {"code": "NotFoundError"}}, 404)
        if request.url.path.endswith("/search"):
            return JSONResponse({"data": [analysis(1)["data"]]})
        return JSONResponse(analysis(3 if "bad" in name else 0))

    return Starlette(
        routes=[
            Route("/api/v3/domains/{value}", lookup),
            Route("/api/v3/ip_addresses/{value}", lookup),
            Route("/api/v3/urls/{value}", lookup),
            Route("/api/v3/search", lookup),
        ]
    )


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    found = FakeProvider()
    config = uvicorn.Config(
        provider_app(found),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        ws="none",
        http="h11",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "fake provider did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    found.base_url = f"http://127.0.0.1:{port}/api/v3"
    yield found
    server.should_exit = True
    thread.join(timeout=5)


def intel_settings(tmp_path: Path, provider: FakeProvider, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "default_tenant": TENANT,
        "intel_provider_url": provider.base_url,
        "intel_api_key": API_KEY,
        "intel_rate_per_minute": 600,
    }
    return Settings(**(values | overrides))


@pytest.fixture
async def make_client(
    ch: Client,
) -> AsyncIterator[Any]:
    clients: list[httpx.AsyncClient] = []

    def build(settings: Settings) -> httpx.AsyncClient:
        deps = Deps(ch=ch, settings=settings, celery=make_celery(settings))
        transport = httpx.ASGITransport(app=create_app(deps))
        http = httpx.AsyncClient(transport=transport, base_url="http://hosts")
        clients.append(http)
        return http

    yield build
    for http in clients:
        await http.aclose()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}.example"


async def test_no_key_is_a_clear_503(
    tmp_path: Path, provider: FakeProvider, make_client: Any, read_key: str
) -> None:
    client = make_client(intel_settings(tmp_path, provider, intel_api_key=""))
    response = await client.get("/api/v1/intel/domain/example.com", headers=auth(read_key))
    assert response.status_code == 503
    assert response.json() == {
        "error": {
            "code": "intel_unconfigured",
            "message": "no threat-intelligence provider key configured; "
            "set SIGHTLINE_INTEL_API_KEY",
        }
    }


async def test_a_lookup_asks_once_then_answers_from_the_memory_cache(
    tmp_path: Path, provider: FakeProvider, make_client: Any, read_key: str
) -> None:
    client = make_client(intel_settings(tmp_path, provider))
    domain = unique("bad")
    before = len(provider.calls)
    first = await client.get(f"/api/v1/intel/domain/{domain.upper()}", headers=auth(read_key))
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["value"], body["verdict"], body["found"]) == (domain, "malicious", True)
    assert body["stats"]["malicious"] == 3
    assert body["reputation"] == -12
    assert (body["cache"], body["cached"]) == ("memory", False)
    second = await client.get(f"/api/v1/intel/domain/{domain}", headers=auth(read_key))
    assert second.json()["cached"] is True
    assert second.json()["verdict"] == "malicious"
    assert provider.calls[before:] == [(f"/api/v3/domains/{domain}", "", API_KEY)]


async def test_the_redis_cache_is_shared_between_processes(
    tmp_path: Path, provider: FakeProvider, make_client: Any, read_key: str, redis_url: str
) -> None:
    settings = intel_settings(tmp_path, provider, redis_url=redis_url)
    domain = unique("clean")
    before = len(provider.calls)
    one = await make_client(settings).get(f"/api/v1/intel/sni/{domain}", headers=auth(read_key))
    assert (one.json()["cache"], one.json()["cached"], one.json()["verdict"]) == (
        "redis",
        False,
        "harmless",
    )
    other = make_client(settings)  # a second app: shares only Redis with the first
    two = await other.get(f"/api/v1/intel/domain/{domain}", headers=auth(read_key))
    assert (two.json()["cache"], two.json()["cached"]) == ("redis", True)
    assert len(provider.calls) - before == 1


async def test_urls_ips_and_ja3_use_the_provider_paths(
    tmp_path: Path, provider: FakeProvider, make_client: Any, read_key: str
) -> None:
    client = make_client(intel_settings(tmp_path, provider))
    url = f"http://{unique('u')}/a/b?c=1"
    url_id = base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
    before = len(provider.calls)
    for kind, value in (("url", url), ("ip", "::ffff:203.0.113.9"), ("ja3", "A" * 32)):
        response = await client.get(
            f"/api/v1/intel/{kind}/{quote(value, safe='')}", headers=auth(read_key)
        )
        assert response.status_code == 200, (kind, response.text)
    paths = [(path, query) for path, query, _ in provider.calls[before:]]
    assert paths == [
        (f"/api/v3/urls/{url_id}", ""),
        ("/api/v3/ip_addresses/203.0.113.9", ""),
        ("/api/v3/search", "query=" + "a" * 32),
    ]


async def test_unknown_values_are_not_found_at_the_provider(
    tmp_path: Path, provider: FakeProvider, make_client: Any, read_key: str
) -> None:
    client = make_client(intel_settings(tmp_path, provider))
    response = await client.get(f"/api/v1/intel/domain/{unique('unknown')}", headers=auth(read_key))
    assert response.status_code == 200
    assert (response.json()["found"], response.json()["verdict"]) == (False, "unknown")


async def test_rate_limits_answer_429_with_retry_after(
    tmp_path: Path, provider: FakeProvider, make_client: Any, read_key: str
) -> None:
    client = make_client(intel_settings(tmp_path, provider, intel_rate_per_minute=1))
    ok = await client.get(f"/api/v1/intel/domain/{unique('a')}", headers=auth(read_key))
    assert ok.status_code == 200
    before = len(provider.calls)
    limited = await client.get(f"/api/v1/intel/domain/{unique('b')}", headers=auth(read_key))
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert len(provider.calls) == before  # our bucket stopped it before the provider

    upstream = make_client(intel_settings(tmp_path, provider))
    response = await upstream.get(
        f"/api/v1/intel/domain/{unique('ratelimited')}", headers=auth(read_key)
    )
    assert response.status_code == 429
    assert response.headers["retry-after"] == "17"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("domain", "not a domain"),
        ("domain", "-bad-.example"),
        ("ip", "10.0.0.300"),
        ("url", "ftp://example.com/x"),
        ("ja3", "xyz"),
        ("hash", "abc"),
    ],
)
async def test_values_are_validated_per_kind(
    tmp_path: Path,
    provider: FakeProvider,
    make_client: Any,
    read_key: str,
    kind: str,
    value: str,
) -> None:
    client = make_client(intel_settings(tmp_path, provider))
    response = await client.get(f"/api/v1/intel/{kind}/{value}", headers=auth(read_key))
    assert response.status_code == 400, response.text
    assert kind in response.json()["error"]["message"]
