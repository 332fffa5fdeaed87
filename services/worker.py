"""The Celery worker entry point of the distributed deployment:

    celery -A services.worker worker --loglevel=INFO

An entry point: it reads settings from the environment. The ClickHouse connection is opened when
the worker starts (not at import) and handed to the task modules. In the embedded mode the
all-in-one server runs worker threads itself and binds them to its own engine.
"""

from __future__ import annotations

from typing import Any

from celery.signals import worker_init

from services.allinone import bind_tasks as bind_every_task
from services.core import clickhouse
from services.core.deps import Deps
from services.core.queue import make_celery
from services.core.settings import Settings

settings = Settings()
app = make_celery(settings)


@worker_init.connect
def bind_tasks(**_: Any) -> None:
    ch = clickhouse.connect(settings.clickhouse_dsn())
    deps = Deps(ch=ch, settings=settings, celery=app)
    bind_every_task(deps)
