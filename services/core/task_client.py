"""What the Celery tasks of a module work with (a ClickHouse client, or a richer context).

The all-in-one server and the worker entry point hand the tasks the process's own (`bind`:
chDB allows one engine per data directory per process); without it, one is opened from the
environment on first use — never at import.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from services.core import clickhouse
from services.core.clickhouse import Client
from services.core.settings import Settings

T = TypeVar("T")


class TaskResource(Generic[T]):
    """A value the tasks share: bound by the process, else opened by `open_` on first use."""

    def __init__(self, open_: Callable[[], T]) -> None:
        self._open = open_
        self._value: T | None = None
        self._lock = threading.Lock()

    def bind(self, value: T) -> None:
        """Use this value in the tasks (embedded mode, worker start)."""
        with self._lock:
            self._value = value

    def get(self) -> T:
        """The bound value, or one opened on first use."""
        with self._lock:
            if self._value is None:
                self._value = self._open()
            return self._value


def open_client() -> Client:
    """A client of the engine the environment configures (`SIGHTLINE_*`)."""
    return clickhouse.connect(Settings().clickhouse_dsn())


def task_client() -> TaskResource[Client]:
    """The ClickHouse client of a task module."""
    return TaskResource(open_client)
