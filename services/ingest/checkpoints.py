"""Resume: a file or Redis ingest killed at any point (even SIGKILL) and started again stores
every line exactly once.

How:

1. A source is a name (`source`, stored on every row) and an identity — for a file its device,
   inode and a hash of its first line (`sources.identity`), so that a rotated or replaced file at
   the same path is a different identity and starts at 0, and a renamed one keeps its place; for
   a Redis list the id of the consumer's state (`redis_list.py`).
2. After each stored batch, a row in `ingest_checkpoints` (ReplacingMergeTree, version =
   time_ns) records the stream offset the batch ends at and the number of lines consumed. A new
   identity gets a checkpoint at 0 before its first batch, which dates the start of its rows.
3. A kill between a batch's inserts and its checkpoint leaves lines stored but not confirmed
   (all of them, or some: events, rejects and stats are separate inserts). On start we read the
   checkpoint, then the offsets already stored for this source at or past it, since it was
   written (`store.stored_offsets` over events, ingest_rejects and sensor_stats), and skip
   those lines. A line is done iff its offset is before the checkpoint or among those offsets.
4. Reading restarts at the checkpoint's offset (a seek; gzip is re-read and discarded up to it).

Assumptions: one ingester per source name at a time, and the stored times (`ingested_at`,
`received_at`) and checkpoint times come from the same clock (the ClickHouse server's defaults).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from services.core.clickhouse import Client
from services.ingest import store

log = logging.getLogger(__name__)

# At most one batch is ever unconfirmed; the bound keeps the look-up bounded regardless.
MAX_UNCONFIRMED = 10_000_000


@dataclass(frozen=True)
class ResumePoint:
    offset: int = 0
    lines: int = 0
    stored: frozenset[int] = field(default_factory=frozenset)

    def done(self, offset: int) -> bool:
        """Whether the line at `offset` is already stored."""
        return offset < self.offset or offset in self.stored


def resume_point(
    ch: Client, tenant: str, source: str, identity: str, size: int | None = None
) -> ResumePoint:
    """Where to resume `identity` of `source`; `size` (when known) is the current stream size:
    a checkpoint past it means the file was truncated and refilled, so it starts again."""
    found = store.checkpoint(ch, tenant, source, identity)
    if found is not None and size is not None and found.offset > size:
        log.warning(
            "%s (%s) is shorter (%d) than its checkpoint (%d): reading it from the start",
            source,
            identity,
            size,
            found.offset,
        )
        found = None
    if found is None:
        store.save_checkpoint(ch, tenant, source, identity, 0, 0)
        return ResumePoint()
    stored = store.stored_offsets(
        ch, tenant, source, found.offset, found.updated_us, MAX_UNCONFIRMED
    )
    if stored:
        log.info("%s: %d line(s) past the checkpoint were already stored", source, len(stored))
    return ResumePoint(found.offset, found.lines, frozenset(stored))


def save(ch: Client, tenant: str, source: str, identity: str, offset: int, lines: int) -> None:
    store.save_checkpoint(ch, tenant, source, identity, offset, lines)
