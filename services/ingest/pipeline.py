"""The ingest pipeline: one batch of raw EVE lines → normalized, enriched, stored.

`Pipeline.ingest(lines)` stores, each in ONE insert per table: the accepted events (`events`,
every row carrying `ingest_batch = batch_id` and its `raw` bytes exactly as received), the
`stats` events (`sensor_stats`), the rejected lines with reason, source, offset and raw bytes
(`ingest_rejects`), and one `ingest_batches` row per (sensor, event_type) plus one row
(sensor '', event_type '') counting the batch's rejects, each with the batch id (host insights
roll each stored batch up afterwards: services/hosts/rollup.py). The engine parses the lines
(`staging.py`). It does so in two steps, `prepare` (staged, parsed, enriched; nothing stored)
and `commit` (stored), so that a batch can be staged while the one before is stored
(`ingestion.Ingestor`). Sources, checkpoints and the HTTP API build on this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID, uuid4

from services.core.clickhouse import Client, utc
from services.ingest import staging, writer
from services.ingest.networks import NetworkMap
from services.ingest.normalize import reject_reason

# (sensor, event_type, accepted, first ts, last ts) of one batch
Span = tuple[str, str, int, datetime, datetime]


class Line(NamedTuple):
    """One raw line as read from a source (a tuple: a batch makes 50,000 of them)."""

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

    The engine parses and normalizes (`staging.py`, `extraction.py`); Python frames the lines,
    answers the enrichment lookups per distinct name and IP, and words the reasons of refused
    lines (`normalize.reject_reason`)."""

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
        return self.commit(self.prepare(lines))

    def prepare(self, lines: Sequence[Line], ch: Client | None = None) -> Staged:
        """Stage one batch in the engine through `ch` (this pipeline's client by default):
        parsed, normalized, enriched and its rejects worded, nothing stored yet. `commit`
        stores it, `discard` drops it; the staged tables belong to the engine, so another
        client of it can finish the batch (`Ingestor` stages the next batch while it stores
        the one before)."""
        batch_id = uuid4()
        if not lines:
            return Staged(batch_id, None, [], [])
        batch = staging.stage(ch or self.ch, batch_id)
        try:
            batch.load(
                [line.raw for line in lines],
                [line.offset for line in lines],
                [line.line_no for line in lines],
            )
            batch.parse(self.max_line_bytes)
            batch.enrich(self.networks)
            rejects = [
                {
                    "line_no": number,
                    "source_offset": offset,
                    "reason": reject_reason(raw, self.max_line_bytes),
                    "raw": raw,
                }
                for number, offset, raw in batch.refused()
            ]
            return Staged(batch_id, batch, rejects, batch.spans())
        except BaseException:
            batch.drop()
            raise

    def commit(self, staged: Staged) -> BatchResult:
        """Store a staged batch through this pipeline's client, each table in ONE insert."""
        constants = {"tenant": self.tenant, "source": self.source}
        if staged.batch is not None:
            staged.batch.ch = self.ch
            try:
                staged.batch.store(constants | {"ingest_batch": str(staged.batch_id)})
            finally:
                staged.batch.drop()
        rejects = staged.rejects
        writer.insert_rows(self.ch, "ingest_rejects", rejects, writer.REJECT_COLUMNS, constants)
        rows = batch_rows(staged.spans, len(rejects))
        stored = constants | {"batch_id": str(staged.batch_id)}
        writer.insert_rows(self.ch, "ingest_batches", rows, writer.BATCH_COLUMNS, stored)
        return result_of(staged.batch_id, staged.spans, rejects)

    @staticmethod
    def discard(staged: Staged) -> None:
        """Drop a staged batch that will not be stored."""
        if staged.batch is not None:
            staged.batch.drop()


@dataclass(frozen=True)
class Staged:
    """One batch staged by `Pipeline.prepare`: its per-batch tables (None for no lines), the
    rejects with their reasons, and the spans of what `commit` will store."""

    batch_id: UUID
    batch: staging.StagedBatch | None
    rejects: list[dict[str, Any]]
    spans: list[Span]


def batch_rows(spans: Sequence[Span], rejected: int) -> list[dict[str, object]]:
    """The ingest_batches rows of a batch: one per (sensor, event_type), one for its rejects."""
    rows: list[dict[str, object]] = [
        {"sensor": s, "event_type": t, "accepted": n, "first_ts": low, "last_ts": high}
        for s, t, n, low, high in spans
    ]
    if rejected:
        rows.append({"rejected": rejected})
    return rows


def result_of(batch_id: UUID, spans: Sequence[Span], rejects: list[dict[str, Any]]) -> BatchResult:
    by_type: dict[str, int] = {}
    for _sensor, event_type, count, _low, _high in spans:
        by_type[event_type] = by_type.get(event_type, 0) + count
    return BatchResult(
        batch_id=batch_id,
        accepted=sum(span[2] for span in spans),
        rejected=len(rejects),
        stats=by_type.get(staging.STATS, 0),
        errors=[(r["line_no"], r["reason"]) for r in rejects],
        by_type=by_type,
        first_ts=min((utc(span[3]) for span in spans), default=None),
        last_ts=max((utc(span[4]) for span in spans), default=None),
    )
