"""Orchestration: read a source → bounded batches → `Pipeline.ingest` → checkpoint → tell
escalation (`dispatch.py`).

One `Ingestor` per run; its `summary` accumulates what was stored. Entry points:

- `ingest_file(ch, tenant, path)`: a plain or gzip file, resumed exactly once (`checkpoints.py`);
- `ingest_stream(ch, tenant, stream, source)`: stdin or a request body (no resume);
- `Ingestor.follow(path, stop)`: a growing `eve.json` across rotations (`follow.py`);
- `Ingestor.consume(redis_list, stop)`: a Redis list, losslessly (`redis_list.py`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID

import redis.exceptions
from celery import Celery

from services.core.clickhouse import Client
from services.ingest import checkpoints, dispatch, domains, follow, networks, store
from services.ingest.checkpoints import ResumePoint
from services.ingest.networks import NetworkMap
from services.ingest.pipeline import BatchResult, Line, Pipeline, Staged
from services.ingest.redis_list import Pending, RedisList
from services.ingest.sources import (
    Batch,
    Limits,
    LineSplitter,
    open_file,
    read_batches,
    read_live_batches,
)

log = logging.getLogger(__name__)

MAX_ERRORS = 100
MAX_BATCH_IDS = 1000
NETWORKS_REFRESH_S = 60.0
REDIS_WAIT_S = 1
REDIS_RETRY_S = 2.0
REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


@dataclass
class IngestSummary:
    """What one run stored. `accepted` counts events and stats lines; `skipped` counts lines a
    resumed run found already stored."""

    accepted: int = 0
    rejected: int = 0
    stats: int = 0
    skipped: int = 0
    batches: int = 0
    errors: list[tuple[str, int, str]] = field(default_factory=list)  # (source, line, reason)
    error_count: int = 0
    batch_ids: list[UUID] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    dispatches: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def add(self, source: str, result: BatchResult, dispatched: str) -> None:
        self.accepted += result.accepted
        self.rejected += result.rejected
        self.stats += result.stats
        self.batches += 1
        self.error_count += len(result.errors)
        room = MAX_ERRORS - len(self.errors)
        self.errors += [(source, line, reason) for line, reason in result.errors[:room]]
        if len(self.batch_ids) < MAX_BATCH_IDS:
            self.batch_ids.append(result.batch_id)
        self.dispatches[dispatched] = self.dispatches.get(dispatched, 0) + 1

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "stats": self.stats,
            "skipped": self.skipped,
            "batches": self.batches,
            "files": self.sources,
            "errors": [{"source": s, "line": n, "reason": r} for s, n, r in self.errors],
            "error_count": self.error_count,
            "dispatches": self.dispatches,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class Progress:
    """Reported after every batch: where the source is, and the run's totals so far."""

    source: str
    offset: int
    line_no: int
    summary: IngestSummary


ProgressFn = Callable[[Progress], None]


class Ingestor:
    """Stores batches of one tenant's lines, checkpointing and dispatching after each."""

    def __init__(
        self,
        ch: Client,
        tenant: str,
        *,
        networks: NetworkMap | None = None,
        celery: Celery | None = None,
        limits: Limits | None = None,
        progress: ProgressFn | None = None,
        ahead: Client | None = None,
    ) -> None:
        self.ch = ch
        self.ahead = ahead
        self.tenant = tenant
        self.celery = celery
        self.limits = limits or Limits()
        self.progress = progress
        self.summary = IngestSummary()
        self._fixed_networks = networks
        domains.load()
        self._networks: NetworkMap | None = networks
        self._networks_at = time.monotonic()

    # -- the one path every source takes -------------------------------------------------------

    def pipeline(self, source: str) -> Pipeline:
        return Pipeline(self.ch, self.tenant, source, self.networks(), self.limits.line_bytes)

    def networks(self) -> NetworkMap:
        """The tenant's networks, re-read now and then so a long follow sees changes."""
        stale = time.monotonic() - self._networks_at > NETWORKS_REFRESH_S
        if self._networks is None or (stale and self._fixed_networks is None):
            self._networks = networks.load(self.ch, self.tenant)
            self._networks_at = time.monotonic()
        return self._networks

    def store(
        self, source: str, batch: Batch, resume: ResumePoint | None = None
    ) -> BatchResult | None:
        """Store the lines of `batch` not already stored; dispatch; report progress."""
        pipeline = self.pipeline(source)
        lines = unstored(batch, resume)
        return self._commit(source, batch, len(lines), pipeline, pipeline.prepare(lines))

    def store_all(
        self, source: str, batches: Iterable[Batch], resume: ResumePoint | None = None
    ) -> Iterator[tuple[Batch, BatchResult | None]]:
        """Store `batches` in order (as `store` does), yielding each once it is stored.

        With a second client (`ahead`), the next batch is read and staged on it (parsed,
        normalized, enriched: `Pipeline.prepare`) while the one before is stored, so that
        reading, parsing and storing share the machine's cores. Batches are still stored one
        after the other, in order: a staged batch is only in the engine's memory, and one not
        stored when the run stops is dropped (its lines were not checkpointed)."""
        if self.ahead is None:
            for batch in batches:
                yield batch, self.store(source, batch, resume)
            return
        ahead = self.ahead
        remaining = iter(batches)

        def stage_next(pipeline: Pipeline) -> tuple[Batch, int, Staged] | None:
            batch = next(remaining, None)
            if batch is None:
                return None
            lines = unstored(batch, resume)
            return batch, len(lines), pipeline.prepare(lines, ahead)

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-ahead")
        staging = pool.submit(stage_next, self.pipeline(source))
        try:
            while (staged := staging.result()) is not None:
                staging = pool.submit(stage_next, self.pipeline(source))
                batch, count, prepared = staged
                yield batch, self._commit(source, batch, count, self.pipeline(source), prepared)
        finally:
            staging.add_done_callback(_discard_staged)
            pool.shutdown(wait=False)

    def _commit(
        self, source: str, batch: Batch, count: int, pipeline: Pipeline, staged: Staged
    ) -> BatchResult | None:
        """Store a staged batch of the `count` lines of `batch` not stored before; dispatch;
        report progress."""
        self.summary.skipped += len(batch.lines) - count
        result = pipeline.commit(staged) if count else None
        if result is not None:
            status = dispatch.dispatch_batch(self.ch, self.celery, self.tenant, source, result)
            self.summary.add(source, result, status)
        if self.progress is not None:
            self.progress(Progress(source, batch.end_offset, batch.end_line_no, self.summary))
        return result

    def store_checkpointed(
        self, source: str, identity: str, batches: Iterable[Batch], resume: ResumePoint
    ) -> None:
        for batch, _result in self.store_all(source, batches, resume):
            checkpoints.save(
                self.ch, self.tenant, source, identity, batch.end_offset, batch.end_line_no
            )

    # -- sources -------------------------------------------------------------------------------

    def file(self, path: Path, source: str | None = None) -> IngestSummary:
        """Ingest a plain or gzip file to its end, resuming where a previous run stopped."""
        name = source or str(path.resolve())
        self.summary.sources.append(name)
        opened = open_file(path, self.limits.line_bytes)
        try:
            if opened.identity is None:
                return self.summary  # empty: nothing to store, nothing to resume
            resume = checkpoints.resume_point(
                self.ch, self.tenant, name, opened.identity, opened.size
            )
            opened.seek(resume.offset)
            splitter = LineSplitter(resume.offset, resume.lines, self.limits.line_bytes)
            batches = read_batches(opened.stream, splitter, self.limits, final=True)
            self.store_checkpointed(name, opened.identity, batches, resume)
        finally:
            opened.close()
        return self.summary

    def stream(self, stream: BinaryIO, source: str, live: bool = False) -> IngestSummary:
        """Ingest a stream to its end (stdin, a request body): no identity, so no resume.
        `live` (a pipe or terminal) stores batches as lines come, not only when full."""
        self.summary.sources.append(source)
        splitter = LineSplitter(max_line_bytes=self.limits.line_bytes)
        if live:
            batches = read_live_batches(stream, splitter, self.limits)
        else:
            batches = read_batches(stream, splitter, self.limits, final=True)
        for _batch, _result in self.store_all(source, batches):
            pass
        return self.summary

    def follow(self, path: Path, stop: threading.Event, source: str | None = None) -> IngestSummary:
        """Tail `path` across rotations until `stop` is set (see follow.py)."""
        name = source or str(path.resolve())
        self.summary.sources.append(name)
        self._finish_rotated(path, name)
        while not stop.is_set():
            generation = follow.open_generation(path, stop, self.limits.line_bytes)
            if generation is None:
                break
            with generation:
                resume = checkpoints.resume_point(
                    self.ch, self.tenant, name, generation.identity, generation.size()
                )
                batches = follow.batches(generation, resume.offset, resume.lines, self.limits, stop)
                self.store_checkpointed(name, generation.identity, batches, resume)
        return self.summary

    def _finish_rotated(self, path: Path, source: str) -> None:
        """Before following, finish a rotated file a previous run left unread (same identity)."""
        unfinished = {
            row["identity"]: row["offset"]
            for row in store.checkpoints(self.ch, self.tenant, timeout_s=30)
            if row["source"] == source
        }
        for sibling in follow.rotated_siblings(path):
            opened = open_file(sibling, self.limits.line_bytes)
            try:
                offset = unfinished.get(opened.identity or "")
                if opened.identity is None or offset is None or opened.compressed:
                    continue
                if offset < opened.stat.st_size:
                    log.info("finishing %s, rotated from %s", sibling, path)
                    resume = checkpoints.resume_point(
                        self.ch, self.tenant, source, opened.identity, opened.size
                    )
                    opened.seek(resume.offset)
                    splitter = LineSplitter(resume.offset, resume.lines, self.limits.line_bytes)
                    batches = read_batches(opened.stream, splitter, self.limits, final=True)
                    self.store_checkpointed(source, opened.identity, batches, resume)
            finally:
                opened.close()

    def consume(
        self,
        queue: RedisList,
        stop: threading.Event,
        source: str | None = None,
        drain: bool = False,
    ) -> IngestSummary:
        """Consume a Redis list until `stop` is set (or, with `drain`, until it is empty).

        Redis going away is waited out (the batch in the processing list is recovered when it
        is back), except with `drain`, where the error is raised."""
        name = source or f"redis:{queue.key}:{queue.consumer}"
        self.summary.sources.append(name)
        identity = queue.identity()
        checkpoints.resume_point(self.ch, self.tenant, name, identity)  # dates a new identity
        while not stop.is_set():
            try:
                if not self._consume_batch(queue, name, identity, drain):
                    break
            except REDIS_ERRORS as exc:
                if drain:
                    raise
                log.warning("Redis %s unavailable (%s); retrying", queue.key, exc)
                stop.wait(REDIS_RETRY_S)
        return self.summary

    def _consume_batch(self, queue: RedisList, source: str, identity: str, drain: bool) -> bool:
        """Store one batch: the one a crash left in the processing list, else a new one.
        False when draining and the list is empty."""
        resume = None
        pending = queue.recover()
        if pending is not None:
            resume = checkpoints.resume_point(self.ch, self.tenant, source, identity)
        else:
            pending = queue.take(self.limits.lines, self.limits.bytes, 0 if drain else REDIS_WAIT_S)
            if pending is None:
                return not drain
        self._store_pending(queue, source, identity, pending, resume)
        return True

    def _store_pending(
        self,
        queue: RedisList,
        source: str,
        identity: str,
        pending: Pending,
        resume: ResumePoint | None,
    ) -> None:
        batch = Batch(pending.lines(), pending.end, pending.end)
        self.store(source, batch, resume)
        checkpoints.save(self.ch, self.tenant, source, identity, pending.end, pending.end)
        queue.commit(pending)


def unstored(batch: Batch, resume: ResumePoint | None) -> list[Line]:
    """The lines of `batch` that a run before this one did not store."""
    if resume is None:
        return batch.lines
    return [line for line in batch.lines if not resume.done(line.offset)]


def _discard_staged(staging: Future[tuple[Batch, int, Staged] | None]) -> None:
    """Drop the batch staged ahead when the run stops before storing it."""
    if staging.cancelled() or staging.exception() is not None:
        return
    staged = staging.result()
    if staged is not None:
        Pipeline.discard(staged[2])


def ingest_file(
    ch: Client,
    tenant: str,
    path: Path,
    networks: NetworkMap | None = None,
    progress: ProgressFn | None = None,
    celery: Celery | None = None,
    source: str | None = None,
    limits: Limits | None = None,
    ahead: Client | None = None,
) -> IngestSummary:
    """Ingest one EVE file (plain or gzip) for `tenant`, exactly once across restarts; with
    `ahead` (a second client of the same engine), each batch is staged while the one before
    is stored (`Ingestor.store_all`)."""
    ingestor = Ingestor(
        ch,
        tenant,
        networks=networks,
        celery=celery,
        limits=limits,
        progress=progress,
        ahead=ahead,
    )
    return ingestor.file(Path(path), source)


def ingest_stream(
    ch: Client,
    tenant: str,
    stream: BinaryIO,
    source: str,
    networks: NetworkMap | None = None,
    celery: Celery | None = None,
    limits: Limits | None = None,
) -> IngestSummary:
    """Ingest NDJSON from a binary stream (stdin, a spooled request body)."""
    return Ingestor(ch, tenant, networks=networks, celery=celery, limits=limits).stream(
        stream, source
    )
