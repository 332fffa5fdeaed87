"""The ClickHouse client of a module of Celery tasks.

The all-in-one server and the worker entry point hand the tasks the process's own client
(`bind`: chDB allows one engine per data directory per process); without it, one is opened from
`Settings()` on first use — never at import.
"""

from __future__ import annotations

import threading

from services.core import clickhouse
from services.core.clickhouse import Client
from services.core.settings import Settings


class TaskClient:
    def __init__(self) -> None:
        self._client: Client | None = None
        self._lock = threading.Lock()

    def bind(self, ch: Client) -> None:
        """Use this client in the tasks (embedded mode, worker start)."""
        with self._lock:
            self._client = ch

    def get(self) -> Client:
        """The bound client, or one opened from the environment on first use."""
        with self._lock:
            if self._client is None:
                self._client = clickhouse.connect(Settings().clickhouse_dsn())
            return self._client
