"""A Celery app over the real Redis for tests of tasks on a real worker: its worker consumes a
queue of its own, and `escalation.apply_policies` goes to another queue the test reads."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from celery import Celery

from services.core.queue import make_celery
from services.core.settings import Settings


@dataclass(frozen=True)
class RedisApp:
    app: Celery
    settings: Settings
    broker: redis.Redis
    escalation_queue: str


@contextmanager
def redis_app(data_dir: Path, tenant: str, redis_url: str) -> Iterator[RedisApp]:
    """The app (task modules are those the test imported), removing its queues at the end."""
    settings = Settings(data_dir=data_dir, default_tenant=tenant, redis_url=redis_url)
    app = make_celery(settings)
    app.conf.include = []
    work_queue, escalation_queue = (f"test-{uuid.uuid4().hex}" for _ in range(2))
    app.conf.task_default_queue = work_queue  # what the worker consumes
    app.conf.task_routes = {"escalation.apply_policies": {"queue": escalation_queue}}
    broker = redis.Redis.from_url(redis_url)
    try:
        yield RedisApp(app, settings, broker, escalation_queue)
    finally:
        broker.delete(work_queue, escalation_queue)
        broker.close()
