"""Spreading the preparation of a large batch over processes.

Parsing and normalizing EVE in Python is the CPU-bound part of ingest (see
docs/PERFORMANCE.md); a batch of at least `MIN_LINES` lines is cut in parts, the caller's
process prepares the first part while helper processes prepare the others, and the parts are
merged in order before the one insert per table. Helpers are `spawn`ed (never forked from a
process running the engine's threads), started on first use and shared by every pipeline of
the process. Each keeps its own name and IP caches, warm across batches.

Opt-in (`Pipeline(..., helpers=1)`), because `spawn` re-imports the program's main module in
each helper: only entry points guarded by `if __name__ == "__main__":` (the `sightline` CLI,
bench scripts, servers) may turn it on, and never from daemonic processes (Celery's prefork
workers). A helper that dies is replaced and its part prepared in the calling process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from services.ingest.networks import Network, NetworkMap
from services.ingest.preparation import Chunk, merge, prepare_lines

MIN_LINES = 8192
# helpers an entry point may ask for: one per extra core (the engine shares the cores too)
SUGGESTED_HELPERS = 1 if (os.cpu_count() or 1) >= 2 else 0

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_maps: dict[tuple[Network, ...], NetworkMap] = {}  # in helper processes


def prepare(
    raws: Sequence[bytes],
    offsets: Sequence[int],
    numbers: Sequence[int],
    networks: NetworkMap,
    max_line_bytes: int,
    helpers: int,
    min_lines: int = MIN_LINES,
) -> Chunk:
    """Prepare the lines, in `1 + helpers` processes when there are at least `min_lines`."""
    count = len(raws)
    if helpers <= 0 or count < max(min_lines, helpers + 1):
        return prepare_lines(raws, offsets, numbers, networks, max_line_bytes)
    parts = helpers + 1
    size = -(-count // parts)
    bounds = [(start, min(start + size, count)) for start in range(0, count, size)]
    pool = _executor(helpers)
    futures: list[Future[Chunk]] = [
        pool.submit(
            _prepare_in_helper,
            list(raws[a:b]),
            list(offsets[a:b]),
            list(numbers[a:b]),
            networks.networks,
            max_line_bytes,
        )
        for a, b in bounds[1:]
    ]
    first_end = bounds[0][1]
    first = prepare_lines(
        raws[:first_end], offsets[:first_end], numbers[:first_end], networks, max_line_bytes
    )
    try:
        rest = [future.result() for future in futures]
    except BrokenProcessPool:
        _discard(pool)
        rest = [
            prepare_lines(raws[a:b], offsets[a:b], numbers[a:b], networks, max_line_bytes)
            for a, b in bounds[1:]
        ]
    return merge([first, *rest])


def _prepare_in_helper(
    raws: list[bytes],
    offsets: list[int],
    numbers: list[int],
    networks: tuple[Network, ...],
    max_line_bytes: int,
) -> Chunk:
    network_map = _maps.get(networks)
    if network_map is None:
        if len(_maps) >= 8:
            _maps.clear()
        network_map = _maps[networks] = NetworkMap(networks)
    return prepare_lines(raws, offsets, numbers, network_map, max_line_bytes)


def _executor(helpers: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != helpers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(max_workers=helpers, mp_context=context)
            _pool_size = helpers
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False)


def shutdown() -> None:
    """Stop the helper processes (they are also stopped at interpreter exit)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True)
