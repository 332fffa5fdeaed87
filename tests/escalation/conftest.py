"""Escalation test parts: a real Celery worker on real Redis, bound to the test engine; a real
HTTP webhook receiver on 127.0.0.1 in a thread; EVE lines ingested through the real pipeline."""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import orjson
import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from services.core.clickhouse import Client
from services.core.deps import Deps
from services.core.queue import make_celery
from services.core.settings import Settings
from services.escalation import tasks
from services.escalation.app import create_app
from services.hunts.shipped_lists import install_shipped
from services.ingest.networks import NetworkMap
from services.ingest.pipeline import BatchResult, Line, Pipeline
from tests.conftest import TENANT


def worker_settings(redis_url: str, data_dir: Any) -> Settings:
    return Settings(
        data_dir=data_dir,
        default_tenant=TENANT,
        redis_url=redis_url,
        webhook_allowed_networks="127.0.0.0/8",
        webhook_retry_base_s=0.05,
        webhook_timeout_s=5.0,
        webhook_max_attempts=5,
    )


@pytest.fixture(scope="module")
def celery_app(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Celery:
    app = make_celery(worker_settings(redis_url, tmp_path_factory.mktemp("celery")))
    # Task modules of services not written yet are left out (the worker imports `include`).
    app.conf.include = [m for m in app.conf.include if importlib.util.find_spec(m) is not None]
    return app


@pytest.fixture(scope="module")
def worker(celery_app: Celery) -> Iterator[None]:
    """A real worker thread consuming the real Redis queue (stale messages purged first)."""
    celery_app.control.purge()
    with start_worker(
        celery_app, pool="threads", concurrency=4, perform_ping_check=False, loglevel="WARNING"
    ):
        yield


@pytest.fixture
def esc_settings(tmp_path: Any, redis_url: str) -> Settings:
    return worker_settings(redis_url, tmp_path)


@pytest.fixture
def esc_deps(ch: Client, esc_settings: Settings, celery_app: Celery) -> Deps:
    install_shipped(ch)  # as the server's prepare() does: policies may name shipped lists
    deps = Deps(ch=ch, settings=esc_settings, celery=celery_app)
    tasks.bind(deps)
    return deps


@pytest.fixture
async def client(esc_deps: Deps, admin_key: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(esc_deps))
    headers = {"Authorization": f"Token {admin_key}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://escalation", headers=headers
    ) as http:
        yield http


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Receiver:
    """A webhook receiver: answers each request with the next scripted status (then 200)."""

    url: str
    requests: list[Received] = field(default_factory=list)
    script: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, request: Received) -> int:
        with self.lock:
            self.requests.append(request)
            return self.script.pop(0) if self.script else 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = box["r"].answer(Received(self.path, dict(self.headers.items()), body))
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["r"] = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["r"]
    server.shutdown()
    server.server_close()


def eventually(check: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    """Wait for work done by the worker (no result backend: we poll the outcome)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def count(ch: Client, sql: str, **params: Any) -> int:
    return int(ch.query(sql, parameters={"tenant": TENANT, **params}).result_rows[0][0])


def dns_query(src: str, dest: str, name: str, ts: datetime, dest_port: int = 53) -> bytes:
    event = {
        "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.%f+0000"),
        "flow_id": int(ts.timestamp() * 1000) % 10**12,
        "in_iface": "eth0",
        "event_type": "dns",
        "src_ip": src,
        "src_port": 50000 + int(ts.microsecond % 10000),
        "dest_ip": dest,
        "dest_port": dest_port,
        "proto": "UDP",
        "host": "sensor-1",
        "dns": {"type": "query", "id": 4242, "rrname": name, "rrtype": "A", "tx_id": 0},
    }
    return orjson.dumps(event)


def ingest(ch: Client, lines: list[bytes]) -> BatchResult:
    pipeline = Pipeline(ch, TENANT, "test", NetworkMap.default())
    return pipeline.ingest([Line(raw, i, i + 1) for i, raw in enumerate(lines)])


def apply_kwargs(result: BatchResult) -> dict[str, str]:
    assert result.first_ts is not None and result.last_ts is not None
    return {
        "tenant": TENANT,
        "batch_id": str(result.batch_id),
        "start": result.first_ts.isoformat(),
        "end": result.last_ts.isoformat(),
    }


def recent(minutes_ago: float) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes_ago)
