"""The Celery app factory.

Distributed: Redis broker when `SIGHTLINE_REDIS_URL` is set. Embedded: an in-process memory
broker, with worker threads started in the same process (`start_embedded_worker`).
Tasks are named `"<service>.<verb_noun>"` and sent by name, so services never import each other.
"""

from __future__ import annotations

import threading
from typing import Any

from celery import Celery

from services.core.settings import Settings

TASK_MODULES = ["services.ingest.tasks", "services.escalation.tasks", "services.hosts.tasks"]


def make_celery(settings: Settings, name: str = "sightline") -> Celery:
    broker = settings.redis_url or "memory://"
    app = Celery(name, broker=broker, include=TASK_MODULES)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_backend=None,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,  # the embedded worker shares the server's stdout
        timezone="UTC",
        # Catch up with batches stored while no broker answered or no worker ran: re-send
        # policy application, roll host insights up (the distributed worker runs beat with -B;
        # the embedded server sends both once at start).
        beat_schedule={
            "redispatch-batches": {"task": "ingest.redispatch_batches", "schedule": 300.0},
            "roll-up-hosts": {"task": "hosts.roll_up_batches", "schedule": 60.0},
        },
    )
    if not settings.redis_url:
        # The memory transport polls an empty queue once a second by default: ~10 tasks/s and
        # up to 1 s of latency per hop. Poll every 10 ms instead.
        app.conf.broker_transport_options = {"polling_interval": 0.01}
    return app


def start_embedded_worker(app: Celery, concurrency: int = 4) -> threading.Thread:
    """Run a thread-pool worker inside this process (the embedded mode)."""
    worker: Any = app.Worker(
        pool="threads",
        concurrency=concurrency,
        loglevel="WARNING",
        without_heartbeat=True,
        without_mingle=True,
        without_gossip=True,
        quiet=True,
    )
    thread = threading.Thread(target=worker.start, name="celery-embedded-worker", daemon=True)
    thread.start()
    return thread
