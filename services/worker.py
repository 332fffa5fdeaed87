"""The Celery worker entry point of the distributed deployment:

    celery -A services.worker worker --loglevel=INFO

An entry point: it reads settings from the environment. The ClickHouse connection is opened when
the worker starts (not at import) and handed to the task modules. In the embedded mode the
all-in-one server runs worker threads itself and binds them to its own engine.
"""

from __future__ import annotations

from typing import Any

from celery.signals import worker_init

from services.core import clickhouse
from services.core.deps import Deps
from services.core.queue import make_celery
from services.core.settings import Settings
from services.escalation import tasks as escalation_tasks
from services.hosts import tasks as hosts_tasks
from services.ingest import tasks as ingest_tasks

settings = Settings()
app = make_celery(settings)


@worker_init.connect
def bind_tasks(**_: Any) -> None:
    ch = clickhouse.connect(settings.clickhouse_dsn())
    deps = Deps(ch=ch, settings=settings, celery=app)
    escalation_tasks.bind(deps)
    ingest_tasks.bind(deps)
    hosts_tasks.bind(deps)
