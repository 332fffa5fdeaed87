"""Celery tasks of ingest (sent by name; they take plain values).

- `ingest.redispatch_batches(tenant=None)`: sends `escalation.apply_policies` again for the
  stored batches whose send failed (broker down) or was skipped (ingested without a broker,
  e.g. by the embedded CLI). Idempotent: a batch is re-sent until a send succeeds. Run it
  periodically (Celery beat) or once after an offline ingest.

The tasks need a ClickHouse client: `bind(deps)` hands them the process's client
(`core.task_client`).
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from services.core.deps import Deps
from services.core.task_client import task_client
from services.ingest import dispatch, store

REDISPATCH_BATCHES = "ingest.redispatch_batches"

_client = task_client()


def bind(deps: Deps) -> None:
    """Use this process's client in the tasks (embedded mode, worker start)."""
    _client.bind(deps.ch)


@shared_task(bind=True, name=REDISPATCH_BATCHES, acks_late=True)
def redispatch_batches(self: Task[Any, Any], tenant: str | None = None) -> dict[str, int]:
    ch = _client.get()
    tenants = [tenant] if tenant else store.tenants_with_undispatched(ch)
    totals: dict[str, int] = {}
    for name in tenants:
        for status, count in dispatch.redispatch(ch, self.app, name).items():
            totals[status] = totals.get(status, 0) + count
    return totals
