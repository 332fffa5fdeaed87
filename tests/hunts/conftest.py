"""Fixtures of the hunts tests: the shipped lists installed, events ingested through the real
ingest pipeline, and the hunts app reached over ASGI HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

import httpx
import orjson
import pytest

from services.core.clickhouse import Client
from services.core.deps import Deps
from services.hunts.app import create_app
from services.hunts.shipped_lists import install_shipped
from services.ingest.networks import NetworkMap
from services.ingest.pipeline import BatchResult, Line, Pipeline
from tests.conftest import TENANT


def ingest_events(
    ch: Client, events: Iterable[Mapping[str, Any]], tenant: str = TENANT
) -> BatchResult:
    lines = [
        Line(orjson.dumps(event), offset=index, line_no=index + 1)
        for index, event in enumerate(events)
    ]
    return Pipeline(ch, tenant, "hunts-test", NetworkMap.default()).ingest(lines)


def ingest_lines(ch: Client, raw_lines: Iterable[bytes], tenant: str = TENANT) -> BatchResult:
    lines = [Line(raw, offset=index, line_no=index + 1) for index, raw in enumerate(raw_lines)]
    return Pipeline(ch, tenant, "hunts-test", NetworkMap.default()).ingest(lines)


@pytest.fixture
def shipped(ch: Client) -> Client:
    """The engine with the shipped reference lists installed."""
    install_shipped(ch)
    return ch


@pytest.fixture
async def client(deps: Deps) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(deps))
    async with httpx.AsyncClient(transport=transport, base_url="http://hunts") as http:
        yield http


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}
