"""Host insights are rolled up once per stored batch: after the insert, by a worker that ingest
tells, exactly once however often (or however concurrently) it is asked, and after a crash
between the rows and the mark."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import orjson
from celery.contrib.testing.worker import start_worker

from services.core.clickhouse import Client
from services.core.deps import Deps
from services.hosts import rollup, tasks
from services.ingest.ingestion import ingest_file
from services.ingest.networks import NetworkMap
from services.ingest.pipeline import Line, Pipeline
from tests.conftest import TENANT
from tests.hosts.conftest import WIDE, auth, eve
from tests.ingest.eve_samples import write_lines
from tests.redis_worker import redis_app

CLIENT = "10.3.0.7"


def store_batch(ch: Client, count: int) -> None:
    """One batch of `count` DNS queries and one flow of CLIENT, stored but not rolled up."""
    events = [
        eve(
            "dns",
            CLIENT,
            40000 + i,
            "9.9.9.9",
            53,
            proto="UDP",
            dns={"type": "query", "rrname": f"h{i}.example.org", "rrtype": "A"},
        )
        for i in range(count)
    ]
    flow = {"bytes_toserver": 700, "bytes_toclient": 9000, "pkts_toserver": 3, "pkts_toclient": 9}
    events.append(eve("flow", CLIENT, 45000, "10.3.0.80", 443, app_proto="tls", flow=flow))
    lines = [Line(orjson.dumps(e), i, i + 1) for i, e in enumerate(events)]
    assert Pipeline(ch, TENANT, "rollup-test", NetworkMap.default()).ingest(lines).rejected == 0


def counts(ch: Client) -> dict[str, tuple[int, int]]:
    """(count, amount) per attribute of CLIENT's rows."""
    rows = ch.query(
        "SELECT attribute, sum(count), sum(amount) FROM host_attributes"
        " WHERE tenant = {t:String} AND ip = toIPv6({ip:String}) GROUP BY attribute",
        parameters={"t": TENANT, "ip": CLIENT},
    ).result_rows
    return {str(a): (int(n), int(amount)) for a, n, amount in rows}


def test_a_stored_batch_waits_for_its_rollup_and_is_rolled_up_once(ch: Client) -> None:
    store_batch(ch, 3)
    store_batch(ch, 2)
    assert counts(ch) == {}  # the insert of events wrote nothing for host insights
    assert [b.events for b in rollup.pending(ch, TENANT)] == [4, 3]
    assert rollup.roll_up_pending(ch) == 2
    assert rollup.pending(ch, TENANT) == []
    once = counts(ch)
    assert once["event_type"] == (7, 0)
    assert once["dns_port"] == (5, 0)  # every port it sent DNS to, 53 included
    assert once["queried_domain"] == (5, 0)
    assert once["server_peer"] == (2, 0)
    assert once["traffic"] == (4, 2 * (700 + 9000))  # a flow each, sent and received
    assert rollup.roll_up_pending(ch, TENANT) == 0
    assert counts(ch) == once


def test_a_retry_after_a_crash_before_the_mark_adds_nothing(ch: Client) -> None:
    store_batch(ch, 4)
    [batch] = rollup.pending(ch, TENANT)
    rollup.roll_up(ch, TENANT, batch)
    once = counts(ch)
    # the crash: rows written, mark lost; the batch is pending again and rolled up again
    ch.command("TRUNCATE TABLE host_rollups")
    assert rollup.pending(ch, TENANT) == [batch]
    assert rollup.roll_up_pending(ch, TENANT) == 1
    assert counts(ch) == once  # the insert's deduplication token kept the rows single
    assert rollup.pending(ch, TENANT) == []


def test_concurrent_rollups_of_the_same_batches_count_each_event_once(ch: Client) -> None:
    for size in (3, 5, 7):
        store_batch(ch, size)
    workers = [threading.Thread(target=rollup.roll_up_pending, args=(ch, TENANT)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert counts(ch)["event_type"] == (3 + 5 + 7 + 3, 0)
    assert rollup.pending(ch, TENANT) == []


def test_ingest_tells_a_worker_which_rolls_the_batch_up(
    ch: Client, tmp_path: Path, redis_url: str
) -> None:
    with redis_app(tmp_path, TENANT, redis_url) as celery:
        tasks.bind(Deps(ch=ch, settings=celery.settings, celery=celery.app))
        with start_worker(celery.app, pool="threads", concurrency=2, perform_ping_check=False):
            eve_file = write_lines(tmp_path / "eve.json", 5)
            summary = ingest_file(ch, TENANT, eve_file, celery=celery.app)
            assert summary.dispatches == {"sent": 1}
            deadline = time.monotonic() + 60
            while rollup.pending(ch, TENANT):
                assert time.monotonic() < deadline, "the batch was never rolled up"
                time.sleep(0.1)
    presence = ch.query(
        "SELECT sum(count) FROM host_attributes WHERE tenant = {t:String}"
        " AND attribute = 'event_type' AND ip = toIPv6('10.0.0.5')",
        parameters={"t": TENANT},
    ).result_rows
    assert presence == [(5,)]


async def test_host_search_and_documents_say_what_is_not_rolled_up_yet(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    store_batch(ch, 2)
    headers = auth(read_key)
    page = (await client.get("/api/v1/hosts", params=WIDE, headers=headers)).json()
    assert page["items"] == []
    assert (page["pending"]["batches"], page["pending"]["events"]) == (1, 3)
    missing = await client.get(f"/api/v1/hosts/{CLIENT}", params=WIDE, headers=headers)
    assert missing.status_code == 404
    assert "1 stored batches, 3 events, are not rolled up" in missing.json()["error"]["message"]

    rollup.roll_up_pending(ch, TENANT)
    page = (await client.get("/api/v1/hosts", params=WIDE, headers=headers)).json()
    assert page["pending"] == {"batches": 0, "events": 0, "oldest_stored_at": None}
    assert CLIENT in {item["ip"] for item in page["items"]}
    found = await client.get(f"/api/v1/hosts/{CLIENT}", params=WIDE, headers=headers)
    assert found.status_code == 200
