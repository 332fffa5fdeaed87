"""A host-rollup worker for the benches: a thread that rolls up whatever is stored, as the
deployed worker does after each batch, until the bench's inserts are done."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from services.core.clickhouse import Client
from services.hosts import rollup


@contextmanager
def rolling_up(roller: Client, tenant: str) -> Iterator[None]:
    """Roll up `tenant`'s pending batches on `roller` (a connection of its own) while the body
    runs; on exit, wait until everything stored by then is rolled up."""
    done = threading.Event()

    def follow() -> None:
        while not done.is_set():
            if not rollup.roll_up_pending(roller, tenant):
                done.wait(0.05)
        rollup.roll_up_pending(roller, tenant)

    worker = threading.Thread(target=follow, name="rollup-worker")
    worker.start()
    try:
        yield
    finally:
        done.set()
        worker.join()
