"""Preparation of lines for storage, without the engine: parse, normalize, enrich, and turn
the events into one column-oriented Arrow table.

`prepare_lines` is CPU-only and picklable in and out, so a batch can be split across processes
(`parallel.py`); `merge` joins the chunks back in order.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from services.ingest import enrich, writer
from services.ingest.networks import NetworkMap
from services.ingest.normalize import Rejected, normalize_event, parse_line, sensor_stats_row

STATS = "stats"
SLICE = 4096

Row = dict[str, Any]
# (sensor, event_type) → [accepted, first ts, last ts] (epoch microseconds)
Spans = dict[tuple[str, str], list[int]]


@dataclass
class Chunk:
    """Prepared lines: the events as Arrow, the sensor stats and rejects as rows, and the
    per-(sensor, event_type) counts and time bounds of what was accepted."""

    events: pa.Table | None = None
    stats: list[Row] = field(default_factory=list)
    rejects: list[Row] = field(default_factory=list)
    spans: Spans = field(default_factory=dict)

    @property
    def accepted(self) -> int:
        events = 0 if self.events is None else self.events.num_rows
        return events + len(self.stats)


def prepare_lines(
    raws: Sequence[bytes],
    offsets: Sequence[int],
    numbers: Sequence[int],
    networks: NetworkMap,
    max_line_bytes: int,
) -> Chunk:
    """Prepare parallel lists of raw lines, their byte offsets and 1-based line numbers.

    Events are turned into Arrow `SLICE` lines at a time, so the per-event dicts of only one
    slice are alive at once (they weigh ~20x their Arrow form)."""
    chunk = Chunk()
    tables: list[pa.Table] = []
    for start in range(0, len(raws), SLICE):
        end = start + SLICE
        with _no_cyclic_gc():
            events, kept_offsets, kept_raws = _prepare_slice(
                raws[start:end],
                offsets[start:end],
                numbers[start:end],
                networks,
                max_line_bytes,
                chunk,
            )
        if events:
            given: dict[str, Sequence[Any]] = {"source_offset": kept_offsets, "raw": kept_raws}
            tables.append(writer.columns_of(events, writer.EVENT_COLUMNS, given))
    if tables:
        chunk.events = (
            tables[0] if len(tables) == 1 else writer.concat(tables, writer.EVENT_COLUMNS)
        )
    return chunk


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Parsed events are trees without cycles: the cyclic collector, triggered by the many
    dicts a slice allocates, would only rescan every live object again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _prepare_slice(
    raws: Sequence[bytes],
    offsets: Sequence[int],
    numbers: Sequence[int],
    networks: NetworkMap,
    max_line_bytes: int,
    chunk: Chunk,
) -> tuple[list[Row], list[int], list[bytes]]:
    """The event rows of a slice with their byte offsets and raw lines (kept as columns, not
    in the rows); its stats, rejects and counts go to `chunk`."""
    events: list[Row] = []
    kept_offsets: list[int] = []
    kept_raws: list[bytes] = []
    stats, rejects, spans = chunk.stats, chunk.rejects, chunk.spans
    for raw, offset, number in zip(raws, offsets, numbers, strict=True):
        try:
            event = parse_line(raw, max_line_bytes)
            if event["event_type"] == STATS:
                row = sensor_stats_row(event)
                row["source_offset"] = offset
                row["raw"] = raw
                stats.append(row)
                _count(spans, row["sensor"], STATS, row["ts"])
            else:
                row = normalize_event(event)
                enrich.enrich(row, networks)
                events.append(row)
                kept_offsets.append(offset)
                kept_raws.append(raw)
                _count(spans, row.get("sensor", ""), row["event_type"], row["ts"])
        except Rejected as rejected:
            rejects.append(
                {"source_offset": offset, "line_no": number, "reason": rejected.reason, "raw": raw}
            )
    return events, kept_offsets, kept_raws


def _count(spans: Spans, sensor: str, event_type: str, ts: int) -> None:
    span = spans.get((sensor, event_type))
    if span is None:
        spans[(sensor, event_type)] = [1, ts, ts]
    else:
        span[0] += 1
        if ts < span[1]:
            span[1] = ts
        elif ts > span[2]:
            span[2] = ts


def merge(chunks: Sequence[Chunk]) -> Chunk:
    """The chunks of one batch joined in order."""
    if len(chunks) == 1:
        return chunks[0]
    merged = Chunk()
    tables = [c.events for c in chunks if c.events is not None]
    if tables:
        merged.events = writer.concat(tables, writer.EVENT_COLUMNS)
    for chunk in chunks:
        merged.stats += chunk.stats
        merged.rejects += chunk.rejects
        for key, (count, low, high) in chunk.spans.items():
            span = merged.spans.get(key)
            if span is None:
                merged.spans[key] = [count, low, high]
            else:
                span[0] += count
                span[1] = min(span[1], low)
                span[2] = max(span[2], high)
    return merged
