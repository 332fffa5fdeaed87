"""HTTP ingest over real ASGI HTTP into the real engine: good input is stored and reported, bad
lines become rejects with their line numbers, and a rejected request stores nothing."""

from __future__ import annotations

import asyncio
import gzip
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from services.core.clickhouse import Client
from services.core.deps import Deps
from services.ingest.app import create_app
from tests.ingest.eve_samples import dns_line, ndjson, stats_line

NDJSON = {"Content-Type": "application/x-ndjson"}
TABLES = ("events", "ingest_rejects", "sensor_stats", "ingest_batches", "ingest_dispatches")


def counts(ch: Client) -> dict[str, int]:
    return {
        table: int(ch.query(f"SELECT count() FROM {table}").result_rows[0][0])  # noqa: S608
        for table in TABLES
    }


NOTHING = dict.fromkeys(TABLES, 0)


def client_for(deps: Deps) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(deps))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


@pytest.fixture
async def client(deps: Deps) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(deps) as found:
        yield found


def auth(key: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"Authorization": f"Token {key}", **NDJSON, **(extra or {})}


async def test_ndjson_events_are_stored_with_their_batch(
    client: httpx.AsyncClient, ch: Client, admin_key: str
) -> None:
    body = ndjson([dns_line(0), dns_line(1), dns_line(2), stats_line()])
    response = await client.post("/api/v1/ingest/events", content=body, headers=auth(admin_key))
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["accepted"], result["rejected"], result["stats"]) == (4, 0, 1)
    assert result["errors"] == []
    batch_id = uuid.UUID(result["batch_id"])
    rows = ch.query(
        "SELECT source, toString(ingest_batch), raw FROM events WHERE tenant = 'acme' "
        "ORDER BY source_offset"
    ).result_rows
    assert [(r[0], r[1]) for r in rows] == [("http", str(batch_id))] * 3
    assert rows[0][2] == dns_line(0).decode()
    assert counts(ch)["sensor_stats"] == 1
    dispatched = ch.query("SELECT toString(batch_id), events, status FROM ingest_dispatches")
    assert dispatched.result_rows == [(str(batch_id), 3, "sent")]


async def test_gzip_body_is_decompressed(
    client: httpx.AsyncClient, ch: Client, admin_key: str
) -> None:
    body = gzip.compress(ndjson([dns_line(i) for i in range(5)]))
    response = await client.post(
        "/api/v1/ingest/events?source=edge-1",
        content=body,
        headers=auth(admin_key, {"Content-Encoding": "gzip"}),
    )
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 5
    rows = ch.query("SELECT DISTINCT source FROM events WHERE tenant = 'acme'").result_rows
    assert rows == [("edge-1",)]


async def test_bad_lines_are_rejects_reported_with_line_numbers(
    client: httpx.AsyncClient, ch: Client, admin_key: str
) -> None:
    lines = [dns_line(0), b"{not json", b"   ", b'{"event_type": "dns"}', dns_line(1)]
    body = b"\r\n".join(lines) + b"\r\n"
    response = await client.post("/api/v1/ingest/events", content=body, headers=auth(admin_key))
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["accepted"], result["rejected"]) == (2, 2)
    assert [e["line"] for e in result["errors"]] == [2, 4]
    assert all(e["reason"] for e in result["errors"])
    rejects = ch.query(
        "SELECT line_no, raw, source FROM ingest_rejects WHERE tenant = 'acme' ORDER BY line_no"
    ).result_rows
    assert rejects == [(2, "{not json", "http"), (4, '{"event_type": "dns"}', "http")]
    assert counts(ch)["events"] == 2


async def test_errors_are_capped_with_a_count(
    client: httpx.AsyncClient, ch: Client, admin_key: str
) -> None:
    body = ndjson([b"nope %d" % i for i in range(150)])
    response = await client.post("/api/v1/ingest/events", content=body, headers=auth(admin_key))
    result = response.json()
    assert result["rejected"] == 150
    assert len(result["errors"]) == 100
    assert (result["errors_total"], result["errors_truncated"]) == (150, True)
    assert counts(ch)["ingest_rejects"] == 150


@pytest.mark.parametrize(
    ("headers", "body", "status", "needle"),
    [
        ({"Content-Type": "application/xml"}, b"<x/>", 415, "is not NDJSON"),
        ({"Content-Encoding": "br"}, b"x", 415, "Content-Encoding"),
        ({"Content-Encoding": "gzip"}, b"this is not gzip", 400, "not valid gzip"),
        ({"Content-Encoding": "gzip"}, gzip.compress(dns_line(0) * 50)[:40], 400, "truncated"),
        ({}, b"", 400, "empty"),
        ({"Content-Encoding": "gzip"}, gzip.compress(b""), 400, "empty"),
        ({}, b"\n \r\n\n", 400, "only blank lines"),
    ],
    ids=["xml", "brotli", "not-gzip", "truncated-gzip", "empty", "empty-gzip", "blank-lines"],
)
async def test_a_rejected_request_writes_nothing(
    client: httpx.AsyncClient,
    ch: Client,
    admin_key: str,
    headers: dict[str, str],
    body: bytes,
    status: int,
    needle: str,
) -> None:
    response = await client.post(
        "/api/v1/ingest/events", content=body, headers=auth(admin_key, headers)
    )
    assert response.status_code == status
    assert needle in response.json()["error"]["message"]
    assert counts(ch) == NOTHING


@pytest.mark.parametrize("source", ["/var/log/suricata/eve.json", "redis:suricata:default"])
async def test_sources_of_resumable_readers_are_refused(
    client: httpx.AsyncClient, ch: Client, admin_key: str, source: str
) -> None:
    response = await client.post(
        "/api/v1/ingest/events",
        params={"source": source},
        content=ndjson([dns_line(0)]),
        headers=auth(admin_key),
    )
    assert response.status_code == 400
    assert "parameter 'source'" in response.json()["error"]["message"]
    assert counts(ch) == NOTHING


async def test_oversize_body_and_gzip_bomb_are_413_and_write_nothing(
    deps: Deps, ch: Client, admin_key: str
) -> None:
    small = Deps(deps.ch, deps.settings.model_copy(update={"max_body_bytes": 50_000}), deps.celery)
    async with client_for(small) as client:
        big = ndjson([dns_line(i) for i in range(500)])
        assert len(big) > 50_000
        response = await client.post("/api/v1/ingest/events", content=big, headers=auth(admin_key))
        assert response.status_code == 413
        assert "limit is 50000" in response.json()["error"]["message"]

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
            for start in range(0, len(big), 8192):
                yield big[start : start + 8192]

        response = await client.post(
            "/api/v1/ingest/events", content=chunks(), headers=auth(admin_key)
        )
        assert response.status_code == 413

        bomb = gzip.compress(dns_line(0) + b"\n" + b" " * 20_000_000)
        assert len(bomb) < 50_000
        response = await client.post(
            "/api/v1/ingest/events",
            content=bomb,
            headers=auth(admin_key, {"Content-Encoding": "gzip"}),
        )
        assert response.status_code == 413
        assert "decompressed body" in response.json()["error"]["message"]
    assert counts(ch) == NOTHING


@pytest.mark.parametrize(
    ("authorization", "status"),
    [(None, 401), ("Token sl_not_a_key", 401), ("Basic abc", 401)],
)
async def test_ingest_needs_a_valid_token(
    client: httpx.AsyncClient, ch: Client, authorization: str | None, status: int
) -> None:
    headers = dict(NDJSON)
    if authorization:
        headers["Authorization"] = authorization
    response = await client.post(
        "/api/v1/ingest/events", content=ndjson([dns_line(0)]), headers=headers
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == "unauthorized"
    assert counts(ch) == NOTHING


async def test_a_read_token_cannot_ingest(
    client: httpx.AsyncClient, ch: Client, read_key: str
) -> None:
    response = await client.post(
        "/api/v1/ingest/events", content=ndjson([dns_line(0)]), headers=auth(read_key)
    )
    assert response.status_code == 403
    assert "needs the write scope" in response.json()["error"]["message"]
    assert counts(ch) == NOTHING


async def test_broker_down_does_not_fail_the_ingest(deps: Deps, ch: Client, admin_key: str) -> None:
    from services.core.queue import make_celery

    down = deps.settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    async with client_for(Deps(deps.ch, deps.settings, make_celery(down))) as client:
        response = await client.post(
            "/api/v1/ingest/events", content=ndjson([dns_line(0)]), headers=auth(admin_key)
        )
    assert response.status_code == 200
    assert counts(ch)["events"] == 1
    status, error = ch.query("SELECT status, error FROM ingest_dispatches").result_rows[0]
    assert status == "failed"
    assert error


async def test_batches_not_sent_are_sent_again_once_the_broker_is_back(
    deps: Deps, ch: Client, admin_key: str, redis_url: str
) -> None:
    import redis

    from services.core.queue import make_celery
    from services.ingest import dispatch

    down = deps.settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    async with client_for(Deps(deps.ch, deps.settings, make_celery(down))) as client:
        response = await client.post(
            "/api/v1/ingest/events", content=ndjson([dns_line(0)]), headers=auth(admin_key)
        )
    batch_id = response.json()["batch_id"]
    celery = make_celery(deps.settings.model_copy(update={"redis_url": redis_url}))
    celery.conf.task_default_queue = queue = f"ingest-test-{uuid.uuid4().hex}"
    broker = redis.Redis.from_url(redis_url)
    try:
        assert dispatch.redispatch(ch, celery, "acme") == {"sent": 1}
        assert dispatch.redispatch(ch, celery, "acme") == {}
        assert dispatch.redispatch(ch, celery, "other-tenant") == {}
        apply, roll_up = sorted(broker.lrange(queue, 0, -1), key=lambda m: b"roll_up" in m)
        assert batch_id.encode() in apply and b"escalation.apply_policies" in apply
        assert b"hosts.roll_up_batches" in roll_up
    finally:
        broker.delete(queue)
        broker.close()


async def test_apply_policies_and_the_host_rollup_are_sent_by_name(
    deps: Deps, ch: Client, admin_key: str, redis_url: str
) -> None:
    import base64
    import json

    import redis

    from services.core.queue import make_celery
    from services.ingest.dispatch import APPLY_POLICIES, ROLL_UP_HOSTS

    celery = make_celery(deps.settings.model_copy(update={"redis_url": redis_url}))
    queue = f"ingest-test-{uuid.uuid4().hex}"
    celery.conf.task_default_queue = queue
    async with client_for(Deps(deps.ch, deps.settings, celery)) as client:
        response = await client.post(
            "/api/v1/ingest/events",
            content=ndjson([dns_line(0), dns_line(5)]),
            headers=auth(admin_key),
        )
    batch_id = response.json()["batch_id"]
    broker = redis.Redis.from_url(redis_url)
    try:
        messages = [json.loads(m) for m in broker.lrange(queue, 0, -1)]
        sent = {m["headers"]["task"]: json.loads(base64.b64decode(m["body"])) for m in messages}
        assert len(messages) == 2 and set(sent) == {APPLY_POLICIES, ROLL_UP_HOSTS}
        _args, kwargs, _embed = sent[APPLY_POLICIES]
        assert kwargs["tenant"] == "acme"
        assert kwargs["batch_id"] == batch_id
        assert kwargs["start"] < kwargs["end"]
        # host insights: roll up whatever of the tenant is pending (this batch included)
        assert sent[ROLL_UP_HOSTS][1] == {"tenant": "acme"}
    finally:
        broker.delete(queue)
        broker.close()


async def test_a_retry_with_the_same_idempotency_key_stores_nothing_again(
    client: httpx.AsyncClient, ch: Client, admin_key: str
) -> None:
    body = ndjson([dns_line(0), dns_line(1), b"not json"])
    headers = auth(admin_key, {"Idempotency-Key": "soar-run-17"})
    first = await client.post("/api/v1/ingest/events", content=body, headers=headers)
    assert first.status_code == 200, first.text
    assert "idempotent-replayed" not in first.headers
    stored = counts(ch)
    assert (stored["events"], stored["ingest_rejects"]) == (2, 1)
    # the same body gzip-encoded is the same request: the digest is of the decompressed bytes
    gzipped = {**headers, "Content-Encoding": "gzip"}
    retry = await client.post("/api/v1/ingest/events", content=gzip.compress(body), headers=gzipped)
    assert retry.status_code == 200
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json() == first.json()
    assert counts(ch) == stored
    other = await client.post(
        "/api/v1/ingest/events", content=ndjson([dns_line(5)]), headers=headers
    )
    assert other.status_code == 409
    assert "soar-run-17" in other.json()["error"]["message"]
    assert counts(ch) == stored


async def test_concurrent_retries_with_one_key_store_once(
    client: httpx.AsyncClient, ch: Client, admin_key: str
) -> None:
    body = ndjson([dns_line(i) for i in range(20)])
    headers = auth(admin_key, {"Idempotency-Key": str(uuid.uuid4())})
    answers = await asyncio.gather(
        *[client.post("/api/v1/ingest/events", content=body, headers=headers) for _ in range(3)]
    )
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert sorted(a.headers.get("idempotent-replayed", "") for a in answers) == ["", "true", "true"]
    assert counts(ch)["events"] == 20


@pytest.mark.parametrize("key", [b"", b"x" * 256, "clé".encode(), b"tab\there"])
async def test_a_bad_idempotency_key_is_a_400_before_anything_is_read(
    client: httpx.AsyncClient, ch: Client, admin_key: str, key: bytes
) -> None:
    headers = [(k.encode(), v.encode()) for k, v in auth(admin_key).items()]
    response = await client.post(
        "/api/v1/ingest/events",
        content=ndjson([dns_line(0)]),
        headers=[*headers, (b"Idempotency-Key", key)],
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["message"]
    assert counts(ch) == NOTHING
