"""Fixtures of the hosts tests: EVE ingested through the real ingest pipeline and rolled up into
`host_attributes` by the real rollup (as the worker does after each batch), the hosts app over
ASGI HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from services.core.clickhouse import Client
from services.core.deps import Deps
from services.hosts import rollup
from services.hosts.app import create_app
from services.ingest.networks import NetworkMap
from services.ingest.pipeline import BatchResult, Line, Pipeline
from tests.conftest import CORPUS, TENANT

NOW = datetime.now(UTC).replace(microsecond=0)
WIDE = {"from": "2000-01-01T00:00:00Z", "to": "2030-01-01T00:00:00Z"}


def ts(ago_s: float) -> str:
    return (NOW - timedelta(seconds=ago_s)).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")


def eve(
    event_type: str,
    src: str,
    sport: int,
    dest: str,
    dport: int,
    proto: str = "TCP",
    ago_s: float = 60,
    **blocks: Any,
) -> dict[str, Any]:
    """One EVE event as Suricata writes it (`blocks` are the protocol objects, app_proto...)."""
    return {
        "timestamp": ts(ago_s),
        "flow_id": abs(hash((src, sport, dest, dport))) % (1 << 50),
        "event_type": event_type,
        "src_ip": src,
        "src_port": sport,
        "dest_ip": dest,
        "dest_port": dport,
        "proto": proto,
        "host": "sensor-1",
        **blocks,
    }


def ingest(ch: Client, events: Iterable[Mapping[str, Any]], tenant: str = TENANT) -> BatchResult:
    lines = [Line(orjson.dumps(e), offset=i, line_no=i + 1) for i, e in enumerate(events)]
    result = Pipeline(ch, tenant, "hosts-test", NetworkMap.default()).ingest(lines)
    assert result.rejected == 0, result.errors
    rollup.roll_up_pending(ch, tenant)
    return result


def ingest_corpus(ch: Client, *names: str, tenant: str = TENANT) -> None:
    """Ingest corpus files whose names contain each of `names`."""
    for name in names:
        paths = [p for p in sorted(CORPUS.glob("*.jsonl")) if name in p.name]
        assert paths, f"no corpus file matches {name!r}"
        for path in paths:
            _ingest_file(ch, path, tenant)
    rollup.roll_up_pending(ch, tenant)


def _ingest_file(ch: Client, path: Path, tenant: str) -> None:
    raw = path.read_bytes().splitlines()
    lines = [Line(line, offset=i, line_no=i + 1) for i, line in enumerate(raw) if line.strip()]
    Pipeline(ch, tenant, path.name, NetworkMap.default()).ingest(lines)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}


@pytest.fixture
async def client(deps: Deps) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(deps))
    async with httpx.AsyncClient(transport=transport, base_url="http://hosts") as http:
        yield http
