"""Coalescing: many threads' small engine calls become one batched call.

The embedded engine runs one statement at a time and every statement has a fixed cost (an
insert ~10-20 ms), so webhook workers delivering in parallel would queue on the engine one row
at a time. A `Coalescer` lets the first caller lead a batch: it lingers a moment for others to
join, runs one call for all their keys, and hands every caller its own result; one batch runs
at a time, so the next one gathers every caller that arrives meanwhile. Callers still
get their result only after the batch ran (a write is committed before the call returns).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class _Batch(Generic[K, V]):
    keys: list[K] = field(default_factory=list)
    results: dict[K, V] = field(default_factory=dict)
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


class Coalescer(Generic[K, V]):
    """Batches concurrent calls of `run(keys) -> {key: value}` (missing keys give None)."""

    def __init__(self, run: Callable[[list[K]], dict[K, V]], linger_s: float = 0.002) -> None:
        self._run = run
        self._linger = linger_s
        self._lock = threading.Lock()
        self._open: _Batch[K, V] | None = None
        self._running = threading.Lock()

    def __call__(self, key: K) -> V | None:
        with self._lock:
            batch = self._open
            leader = batch is None
            if batch is None:
                batch = self._open = _Batch()
            batch.keys.append(key)
        if leader:
            time.sleep(self._linger)
            # One batch runs at a time: while it runs, the next one fills up.
            self._running.acquire()
            with self._lock:
                self._open = None
            try:
                batch.results = self._run(list(dict.fromkeys(batch.keys)))
            except Exception as exc:  # handed to every caller of the batch, then re-raised
                batch.error = exc
            finally:
                self._running.release()
                batch.done.set()
        else:
            batch.done.wait()
        if batch.error is not None:
            raise batch.error
        return batch.results.get(key)
