"""Celery tasks of host insights (sent by name; they take plain values).

- `hosts.roll_up_batches(tenant=None)`: rolls the stored batches not rolled up yet into
  `host_attributes` (`rollup.roll_up_pending`), for one tenant or every tenant. Ingest sends
  it after each stored batch; beat sends it now and then, and the all-in-one server once at
  start, to catch up with batches stored while no worker ran (e.g. by the embedded CLI).
  Idempotent: a batch is rolled up once however often it is asked for.
"""

from __future__ import annotations

from celery import shared_task

from services.core.deps import Deps
from services.core.task_client import task_client
from services.hosts import rollup

ROLL_UP_BATCHES = "hosts.roll_up_batches"

_client = task_client()


def bind(deps: Deps) -> None:
    """Use this process's client in the tasks (embedded mode, worker start)."""
    _client.bind(deps.ch)


@shared_task(name=ROLL_UP_BATCHES, acks_late=True)
def roll_up_batches(tenant: str | None = None) -> int:
    return rollup.roll_up_pending(_client.get(), tenant)
