"""`ingest.redispatch_batches` on a real Celery worker over the real Redis: a batch ingested
without a broker gets its `escalation.apply_policies` sent once the task runs."""

from __future__ import annotations

import time
from pathlib import Path

from celery.contrib.testing.worker import start_worker

from services.core.clickhouse import Client
from services.core.deps import Deps
from services.ingest import tasks
from services.ingest.ingestion import ingest_file
from tests.ingest.eve_samples import write_lines
from tests.redis_worker import redis_app

TENANT = "acme"


def test_redispatch_task_sends_what_an_offline_ingest_skipped(
    ch: Client, tmp_path: Path, redis_url: str
) -> None:
    summary = ingest_file(ch, TENANT, write_lines(tmp_path / "eve.json", 5))  # no broker
    assert summary.dispatches == {"skipped": 1}

    with redis_app(tmp_path, TENANT, redis_url) as celery:
        tasks.bind(Deps(ch=ch, settings=celery.settings, celery=celery.app))
        broker, queue = celery.broker, celery.escalation_queue
        with start_worker(celery.app, pool="threads", concurrency=1, perform_ping_check=False):
            celery.app.send_task(tasks.REDISPATCH_BATCHES, kwargs={"tenant": TENANT})
            deadline = time.monotonic() + 60
            while broker.llen(queue) == 0:
                assert time.monotonic() < deadline, "apply_policies was never sent"
                time.sleep(0.1)
        assert broker.llen(queue) == 1
        message = broker.lindex(queue, 0)
        assert isinstance(message, bytes)
        assert str(summary.batch_ids[0]).encode() in message
    statuses = ch.query(
        "SELECT status FROM ingest_dispatches WHERE tenant = 'acme' ORDER BY at"
    ).result_rows
    assert statuses == [("skipped",), ("sent",)]
