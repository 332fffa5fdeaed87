"""`ingest.redispatch_batches` on a real Celery worker over the real Redis: a batch ingested
without a broker gets its `escalation.apply_policies` sent once the task runs."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import redis
from celery.contrib.testing.worker import start_worker

from services.core.clickhouse import Client
from services.core.deps import Deps
from services.core.queue import make_celery
from services.core.settings import Settings
from services.ingest import tasks
from services.ingest.ingestion import ingest_file
from tests.ingest.eve_samples import write_lines

TENANT = "acme"


def test_redispatch_task_sends_what_an_offline_ingest_skipped(
    ch: Client, tmp_path: Path, redis_url: str
) -> None:
    summary = ingest_file(ch, TENANT, write_lines(tmp_path / "eve.json", 5))  # no broker
    assert summary.dispatches == {"skipped": 1}

    settings = Settings(data_dir=tmp_path, default_tenant=TENANT, redis_url=redis_url)
    app = make_celery(settings)
    app.conf.include = []  # this test needs only the ingest tasks, imported above
    work_queue, escalation_queue = (f"ingest-test-{uuid.uuid4().hex}" for _ in range(2))
    app.conf.task_default_queue = work_queue  # what the worker consumes
    app.conf.task_routes = {"escalation.apply_policies": {"queue": escalation_queue}}
    tasks.bind(Deps(ch=ch, settings=settings, celery=app))
    broker = redis.Redis.from_url(redis_url)
    try:
        with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False):
            app.send_task(tasks.REDISPATCH_BATCHES, kwargs={"tenant": TENANT})
            deadline = time.monotonic() + 60
            while broker.llen(escalation_queue) == 0:
                assert time.monotonic() < deadline, "apply_policies was never sent"
                time.sleep(0.1)
        assert broker.llen(escalation_queue) == 1
        message = broker.lindex(escalation_queue, 0)
        assert isinstance(message, bytes)
        assert str(summary.batch_ids[0]).encode() in message
        statuses = ch.query(
            "SELECT status FROM ingest_dispatches WHERE tenant = 'acme' ORDER BY at"
        ).result_rows
        assert statuses == [("skipped",), ("sent",)]
    finally:
        broker.delete(work_queue, escalation_queue)
        broker.close()
