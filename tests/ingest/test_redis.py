"""Redis list mode against the real Redis server: Suricata LPUSHes, the consumer stores every
event once and in order, and a crash between taking and committing a batch loses nothing and
duplicates nothing."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
import redis

from services.core.clickhouse import Client
from services.ingest.ingestion import Ingestor
from services.ingest.redis_list import RedisList
from services.ingest.sources import Batch, Limits
from tests.ingest.eve_samples import dns_line

TENANT = "acme"


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    found = redis.Redis.from_url(redis_url)
    yield found
    found.close()


@pytest.fixture
def key(client: redis.Redis) -> Iterator[str]:
    name = f"suricata-{uuid.uuid4().hex}"
    yield name
    for leftover in client.scan_iter(f"{name}*"):
        client.delete(leftover)


def push(client: redis.Redis, key: str, start: int, count: int) -> None:
    """What Suricata's redis output does in `mode: list`: LPUSH each event."""
    for index in range(start, start + count):
        client.lpush(key, dns_line(index))


def consume(ch: Client, queue: RedisList) -> int:
    ingestor = Ingestor(ch, TENANT, limits=Limits(lines=100))
    return ingestor.consume(queue, threading.Event(), source="redis", drain=True).accepted


def stored(ch: Client) -> list[tuple[int, str]]:
    rows = ch.query(
        "SELECT source_offset, raw FROM events WHERE tenant = 'acme' AND source = 'redis' "
        "ORDER BY source_offset"
    ).result_rows
    return [(int(offset), str(raw)) for offset, raw in rows]


def test_the_list_is_drained_in_order_once(ch: Client, client: redis.Redis, key: str) -> None:
    push(client, key, 0, 250)
    queue = RedisList(client, key)
    assert consume(ch, queue) == 250
    rows = stored(ch)
    assert [offset for offset, _ in rows] == list(range(250))
    assert [raw for _, raw in rows] == [dns_line(i).decode() for i in range(250)]
    assert client.llen(key) == 0
    assert client.exists(queue.processing) == 0
    assert consume(ch, queue) == 0


def test_a_batch_taken_but_not_stored_is_recovered(
    ch: Client, client: redis.Redis, key: str
) -> None:
    push(client, key, 0, 150)
    queue = RedisList(client, key)
    taken = queue.take(100, 1 << 20, 0)  # ... and the consumer dies
    assert taken is not None and len(taken.items) == 100
    assert client.llen(queue.processing) == 100
    assert consume(ch, RedisList(client, key)) == 150
    assert [offset for offset, _ in stored(ch)] == list(range(150))


def test_a_batch_stored_but_not_committed_is_not_stored_again(
    ch: Client, client: redis.Redis, key: str
) -> None:
    push(client, key, 0, 50)
    queue = RedisList(client, key)
    assert consume(ch, queue) == 50
    push(client, key, 50, 120)
    taken = queue.take(100, 1 << 20, 0)
    assert taken is not None
    crashed = Ingestor(ch, TENANT)  # stores the batch, then dies before checkpoint and commit
    crashed.store("redis", Batch(taken.lines(), taken.end, taken.end))
    assert len(stored(ch)) == 150

    assert consume(ch, RedisList(client, key)) == 20
    rows = stored(ch)
    assert [offset for offset, _ in rows] == list(range(170))
    assert len({raw for _, raw in rows}) == 170


def test_redis_state_lost_starts_a_new_identity(ch: Client, client: redis.Redis, key: str) -> None:
    push(client, key, 0, 10)
    queue = RedisList(client, key)
    consume(ch, queue)
    first = queue.identity()
    client.delete(queue.counter, queue.state_id)  # e.g. a Redis without persistence restarted
    push(client, key, 10, 10)
    assert consume(ch, queue) == 10  # offsets 0..9 again, but not mistaken for stored ones
    assert queue.identity() != first
    assert len({raw for _, raw in stored(ch)}) == 20


def test_rpush_mode_is_read_in_order(ch: Client, client: redis.Redis, key: str) -> None:
    for index in range(30):
        client.rpush(key, dns_line(index))
    assert consume(ch, RedisList(client, key, from_left=True)) == 30
    assert [raw for _, raw in stored(ch)] == [dns_line(i).decode() for i in range(30)]
