"""The ClickHouse connection: embedded chDB (`chdb:///dir`) or a server (`http(s)://`).

One client is shared by every thread of a process: the chDB engine allows one data directory per
process and its client is safe to use from several threads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import clickhouse_connect
from clickhouse_connect.driver.client import Client
from clickhouse_connect.driver.exceptions import DatabaseError

__all__ = ["Client", "DatabaseError", "connect", "error_code", "utc"]

# ClickHouse error codes we branch on (never on message text).
TIMEOUT_EXCEEDED = 159
TOO_SLOW = 160
CANNOT_PARSE_INPUT = 27
ILLEGAL_TYPE_OF_ARGUMENT = 43
CANNOT_COMPILE_REGEXP = 427


def connect(dsn: str, settings: dict[str, Any] | None = None) -> Client:
    """Open a client for `dsn`; for `chdb://` the data directory is created if missing."""
    if dsn.startswith("chdb://"):
        Path(dsn.removeprefix("chdb://")).mkdir(parents=True, exist_ok=True)
    return clickhouse_connect.get_client(dsn=dsn, settings=settings or {})


def second_client(ch: Client, dsn: str) -> Client:
    """Another client of the engine or server `ch` talks to: of the same embedded engine (its
    data directory), or a new connection to `dsn` for a server. Two clients run two queries at
    once (ingest stages a batch on one while it stores another on the other)."""
    if is_embedded(ch):
        path: str = ch.path  # type: ignore[attr-defined]  # the chDB client's data directory
        return connect(f"chdb://{path}")
    return connect(dsn)


def is_embedded(ch: Client) -> bool:
    """Whether `ch` runs the engine in this process (chDB), rather than talking to a server."""
    return type(ch).__name__ == "ChdbClient"


def release_memory(ch: Client) -> None:
    """Give the embedded engine's freed memory back to the OS (a no-op for a server).

    The engine's allocator keeps what a large batch freed for reuse: without this, an ingest
    process sits ~300 MiB higher between batches than what it holds."""
    if is_embedded(ch):
        ch.command("SYSTEM JEMALLOC PURGE")


def error_code(exc: DatabaseError) -> int | None:
    code = getattr(exc, "code", None)
    return code if isinstance(code, int) else None


def utc(value: datetime) -> datetime:
    """Normalize a datetime from the engine (naive means UTC) or a caller to aware UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
