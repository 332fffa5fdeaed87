"""The ingest pipeline: one batch of raw EVE lines → normalized, enriched, stored.

`Pipeline.ingest(lines)` stores, each in ONE insert per table: the accepted events (`events`,
every row carrying `ingest_batch = batch_id` and its `raw` bytes exactly as received), the
`stats` events (`sensor_stats`), the rejected lines with reason, source, offset and raw bytes
(`ingest_rejects`), and one `ingest_batches` row per (sensor, event_type) plus one row
(sensor '', event_type '') counting the batch's rejects. Sources, checkpoints and the HTTP API
build on this (see services/ingest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from services.core.clickhouse import Client
from services.ingest import enrich, writer
from services.ingest.networks import NetworkMap
from services.ingest.normalize import Rejected, normalize_event, parse_line, sensor_stats_row
from services.ingest.timestamps import from_micros

STATS = "stats"


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
    """Normalize, enrich and store batches of EVE lines for one tenant and source."""

    def __init__(
        self,
        ch: Client,
        tenant: str,
        source: str,
        networks: NetworkMap,
        max_line_bytes: int = 1 << 20,
    ) -> None:
        self.ch = ch
        self.tenant = tenant
        self.source = source
        self.networks = networks
        self.max_line_bytes = max_line_bytes

    def ingest(self, lines: Sequence[Line]) -> BatchResult:
        """Normalize, enrich and store one batch: events, rejects (with reason, source, offset,
        raw bytes) and sensor stats, each in ONE insert per table; also one ingest_batches row
        per (sensor, event_type)."""
        batch = self.prepare(lines)
        self.store(batch)
        return batch.result

    def prepare(self, lines: Sequence[Line]) -> PreparedBatch:
        """Parse, normalize and enrich `lines` without touching the engine."""
        batch = PreparedBatch(uuid4())
        events, stats, rejects = batch.events, batch.stats, batch.rejects
        networks = self.networks
        limit = self.max_line_bytes
        for line in lines:
            raw = line.raw
            try:
                event = parse_line(raw, limit)
                if event["event_type"] == STATS:
                    row = sensor_stats_row(event)
                    row["source_offset"] = line.offset
                    row["raw"] = raw
                    stats.append(row)
                else:
                    row = normalize_event(event)
                    enrich.enrich(row, networks)
                    row["source_offset"] = line.offset
                    row["raw"] = raw
                    events.append(row)
            except Rejected as rejected:
                rejects.append(
                    {
                        "source_offset": line.offset,
                        "line_no": line.line_no,
                        "reason": rejected.reason,
                        "raw": raw,
                    }
                )
        batch.summarize()
        return batch

    def store(self, batch: PreparedBatch) -> None:
        """Insert a prepared batch: events, sensor stats, rejects, then its ingest_batches rows."""
        constants = {"tenant": self.tenant, "source": self.source}
        stored = constants | {"ingest_batch": str(batch.batch_id)}
        writer.insert(self.ch, "events", batch.events, writer.EVENT_COLUMNS, stored)
        writer.insert(self.ch, "sensor_stats", batch.stats, writer.STATS_COLUMNS, stored)
        writer.insert(self.ch, "ingest_rejects", batch.rejects, writer.REJECT_COLUMNS, constants)
        writer.insert(self.ch, "ingest_batches", batch.groups, writer.BATCH_COLUMNS, constants)


@dataclass
class PreparedBatch:
    """A batch ready to insert: sparse rows per table and the result to report."""

    batch_id: UUID
    events: list[dict[str, Any]] = field(default_factory=list)
    stats: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    result: BatchResult = field(init=False)

    def summarize(self) -> None:
        """Count per (sensor, event_type), time bounds, and build the result."""
        spans: dict[tuple[str, str], list[int]] = {}
        for row in self.events:
            self._count(spans, row)
        for row in self.stats:
            self._count(spans, row | {"event_type": STATS})
        by_type: dict[str, int] = {}
        first: int | None = None
        last: int | None = None
        for (sensor, event_type), (count, low, high) in spans.items():
            by_type[event_type] = by_type.get(event_type, 0) + count
            first = low if first is None else min(first, low)
            last = high if last is None else max(last, high)
            self.groups.append(
                {
                    "sensor": sensor,
                    "event_type": event_type,
                    "accepted": count,
                    "first_ts": low,
                    "last_ts": high,
                }
            )
        if self.rejects:
            self.groups.append({"rejected": len(self.rejects)})
        self.result = BatchResult(
            batch_id=self.batch_id,
            accepted=len(self.events) + len(self.stats),
            rejected=len(self.rejects),
            stats=len(self.stats),
            errors=[(r["line_no"], r["reason"]) for r in self.rejects],
            by_type=by_type,
            first_ts=None if first is None else from_micros(first),
            last_ts=None if last is None else from_micros(last),
        )

    @staticmethod
    def _count(spans: dict[tuple[str, str], list[int]], row: dict[str, Any]) -> None:
        key = (row.get("sensor", ""), row["event_type"])
        ts = row["ts"]
        span = spans.get(key)
        if span is None:
            spans[key] = [1, ts, ts]
        else:
            span[0] += 1
            if ts < span[1]:
                span[1] = ts
            elif ts > span[2]:
                span[2] = ts
