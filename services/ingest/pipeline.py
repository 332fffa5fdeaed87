"""The ingest pipeline: one batch of raw EVE lines → normalized, enriched, stored.

`Pipeline.ingest(lines)` stores, each in ONE insert per table: the accepted events (`events`,
every row carrying `ingest_batch = batch_id` and its `raw` bytes exactly as received), the
`stats` events (`sensor_stats`), the rejected lines with reason, source, offset and raw bytes
(`ingest_rejects`), and one `ingest_batches` row per (sensor, event_type) plus one row
(sensor '', event_type '') counting the batch's rejects. Large batches are prepared in several
processes (`parallel.py`). Sources, checkpoints and the HTTP API build on this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from services.core.clickhouse import Client
from services.ingest import parallel, writer
from services.ingest.networks import NetworkMap
from services.ingest.preparation import Chunk
from services.ingest.timestamps import from_micros


@dataclass(frozen=True, slots=True)
class Line:
    """One raw line as read from a source."""

    raw: bytes  # without the trailing newline
    offset: int  # byte offset of the line's start in its source (0-based); for HTTP: index
    line_no: int  # 1-based line number in the source / request body


@dataclass
class BatchResult:
    """What one `Pipeline.ingest` stored. `accepted + rejected == len(lines)`; `accepted`
    includes the `stats` lines, of which `stats` were stored in `sensor_stats`."""

    batch_id: UUID
    accepted: int
    rejected: int
    stats: int
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line_no, reason)
    by_type: dict[str, int] = field(default_factory=dict)
    first_ts: datetime | None = None  # of accepted events
    last_ts: datetime | None = None


class Pipeline:
    """Normalize, enrich and store batches of EVE lines for one tenant and source.

    `helpers` is the number of extra processes preparing batches of `parallel_min_lines` lines
    or more; 0 (the default) prepares everything in the calling process. Entry points guarded
    by `if __name__ == "__main__":` may pass `parallel.SUGGESTED_HELPERS` (see parallel.py)."""

    def __init__(
        self,
        ch: Client,
        tenant: str,
        source: str,
        networks: NetworkMap,
        max_line_bytes: int = 1 << 20,
        *,
        helpers: int = 0,
        parallel_min_lines: int = parallel.MIN_LINES,
    ) -> None:
        self.ch = ch
        self.tenant = tenant
        self.source = source
        self.networks = networks
        self.max_line_bytes = max_line_bytes
        self.helpers = helpers
        self.parallel_min_lines = parallel_min_lines

    def ingest(self, lines: Sequence[Line]) -> BatchResult:
        """Normalize, enrich and store one batch: events, rejects (with reason, source, offset,
        raw bytes) and sensor stats, each in ONE insert per table; also one ingest_batches row
        per (sensor, event_type)."""
        batch_id = uuid4()
        chunk = self.prepare(lines)
        self.store(batch_id, chunk)
        return result_of(batch_id, chunk)

    def prepare(self, lines: Sequence[Line]) -> Chunk:
        """Parse, normalize and enrich `lines` without touching the engine."""
        return parallel.prepare(
            [line.raw for line in lines],
            [line.offset for line in lines],
            [line.line_no for line in lines],
            self.networks,
            self.max_line_bytes,
            self.helpers,
            self.parallel_min_lines,
        )

    def store(self, batch_id: UUID, chunk: Chunk) -> None:
        """Insert a prepared batch: events, sensor stats, rejects, then its ingest_batches rows."""
        constants = {"tenant": self.tenant, "source": self.source}
        stored = constants | {"ingest_batch": str(batch_id)}
        writer.insert_table(self.ch, "events", chunk.events, writer.EVENT_COLUMNS, stored)
        writer.insert_rows(self.ch, "sensor_stats", chunk.stats, writer.STATS_COLUMNS, stored)
        writer.insert_rows(
            self.ch, "ingest_rejects", chunk.rejects, writer.REJECT_COLUMNS, constants
        )
        writer.insert_rows(
            self.ch, "ingest_batches", batch_rows(chunk), writer.BATCH_COLUMNS, constants
        )


def batch_rows(chunk: Chunk) -> list[dict[str, object]]:
    """The ingest_batches rows of a batch: one per (sensor, event_type), one for its rejects."""
    rows: list[dict[str, object]] = [
        {"sensor": s, "event_type": t, "accepted": n, "first_ts": low, "last_ts": high}
        for (s, t), (n, low, high) in chunk.spans.items()
    ]
    if chunk.rejects:
        rows.append({"rejected": len(chunk.rejects)})
    return rows


def result_of(batch_id: UUID, chunk: Chunk) -> BatchResult:
    by_type: dict[str, int] = {}
    for (_sensor, event_type), (count, _low, _high) in chunk.spans.items():
        by_type[event_type] = by_type.get(event_type, 0) + count
    lows = [low for _n, low, _high in chunk.spans.values()]
    highs = [high for _n, _low, high in chunk.spans.values()]
    return BatchResult(
        batch_id=batch_id,
        accepted=chunk.accepted,
        rejected=len(chunk.rejects),
        stats=len(chunk.stats),
        errors=[(r["line_no"], r["reason"]) for r in chunk.rejects],
        by_type=by_type,
        first_ts=from_micros(min(lows)) if lows else None,
        last_ts=from_micros(max(highs)) if highs else None,
    )
