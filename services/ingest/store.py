"""The ingest service's SQL: checkpoints, stored offsets, dispatches, status, rejects, sensors.

Every query is scoped by tenant and bounded (LIMIT and, for API reads, max_execution_time).
Datetimes leave this module as aware UTC.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from services.core.clickhouse import Client, utc

STATUS_LIMIT = 10_000


@dataclass(frozen=True)
class Checkpoint:
    offset: int
    lines: int
    updated_us: int  # server time of the checkpoint, microseconds since the epoch


SELECT_CHECKPOINT = """
    SELECT `offset`, lines, toUnixTimestamp64Micro(updated_at)
    FROM ingest_checkpoints FINAL
    WHERE tenant = {tenant:String} AND source = {source:String} AND identity = {identity:String}
    LIMIT 1
"""


def checkpoint(ch: Client, tenant: str, source: str, identity: str) -> Checkpoint | None:
    rows = ch.query(
        SELECT_CHECKPOINT,
        parameters={"tenant": tenant, "source": source, "identity": identity},
    ).result_rows
    if not rows:
        return None
    offset, lines, updated_us = rows[0]
    return Checkpoint(int(offset), int(lines), int(updated_us))


def save_checkpoint(
    ch: Client, tenant: str, source: str, identity: str, offset: int, lines: int
) -> None:
    ch.insert(
        "ingest_checkpoints",
        [[tenant, source, identity, offset, lines, time.time_ns()]],
        column_names=["tenant", "source", "identity", "offset", "lines", "version"],
    )


SELECT_REQUEST = """
    SELECT body_sha256, response FROM ingest_requests FINAL
    WHERE tenant = {tenant:String} AND key = {key:String}
    LIMIT 1
"""


def answered_request(ch: Client, tenant: str, key: str) -> tuple[str, bytes] | None:
    """The body digest and answer of the request sent earlier with this idempotency key."""
    rows = ch.query(
        SELECT_REQUEST,
        parameters={"tenant": tenant, "key": key},
        column_formats={"response": "bytes"},
    ).result_rows
    if not rows:
        return None
    digest, response = rows[0]
    return str(digest), bytes(response)


def record_request(ch: Client, tenant: str, key: str, digest: str, response: bytes) -> None:
    ch.insert(
        "ingest_requests",
        [[tenant, key, digest, response]],
        column_names=["tenant", "key", "body_sha256", "response"],
        settings={"async_insert": 0},
    )


# Lines of `source` stored at or after `offset` since `since_us`: what a batch that was inserted
# but not checkpointed left behind. Bounded: at most a batch or two is ever unconfirmed.
SELECT_STORED_OFFSETS = """
    SELECT source_offset FROM events
    WHERE tenant = {tenant:String} AND source = {source:String}
      AND source_offset >= {offset:UInt64}
      AND ingested_at >= fromUnixTimestamp64Micro({since_us:Int64})
    UNION ALL
    SELECT source_offset FROM ingest_rejects
    WHERE tenant = {tenant:String} AND source = {source:String}
      AND source_offset >= {offset:UInt64}
      AND received_at >= fromUnixTimestamp64Micro({since_us:Int64})
    UNION ALL
    SELECT source_offset FROM sensor_stats
    WHERE tenant = {tenant:String} AND source = {source:String}
      AND source_offset >= {offset:UInt64}
      AND ingested_at >= fromUnixTimestamp64Micro({since_us:Int64})
    LIMIT {limit:UInt64}
"""


def stored_offsets(
    ch: Client, tenant: str, source: str, offset: int, since_us: int, limit: int
) -> set[int]:
    # The stored times have millisecond precision: compare from the start of that millisecond.
    rows = ch.query(
        SELECT_STORED_OFFSETS,
        parameters={
            "tenant": tenant,
            "source": source,
            "offset": offset,
            "since_us": since_us - since_us % 1000,
            "limit": limit,
        },
    ).result_rows
    return {int(row[0]) for row in rows}


@dataclass(frozen=True)
class Dispatch:
    """A stored batch with events, as escalation needs it."""

    batch_id: UUID
    source: str
    start: datetime
    end: datetime
    events: int


DISPATCH_COLUMNS = ["tenant", "batch_id", "source", "start", "end", "events", "status", "error"]


def record_dispatch(ch: Client, tenant: str, batch: Dispatch, status: str, error: str) -> None:
    row = [tenant, batch.batch_id, batch.source, batch.start, batch.end, batch.events]
    ch.insert("ingest_dispatches", [[*row, status, error]], column_names=DISPATCH_COLUMNS)


# Batches whose latest dispatch was not `sent`, oldest first.
SELECT_UNDISPATCHED = """
    SELECT batch_id, any(source), min(start), max(end), max(events)
    FROM ingest_dispatches
    WHERE tenant = {tenant:String} AND at >= now64(6) - INTERVAL {days:UInt32} DAY
    GROUP BY batch_id
    HAVING argMax(status, at) != 'sent'
    ORDER BY min(at)
    LIMIT {limit:UInt64}
"""


def undispatched(ch: Client, tenant: str, limit: int, days: int = 7) -> list[Dispatch]:
    rows = ch.query(
        SELECT_UNDISPATCHED, parameters={"tenant": tenant, "days": days, "limit": limit}
    ).result_rows
    return [
        Dispatch(batch_id, str(source), utc(start), utc(end), int(events))
        for batch_id, source, start, end, events in rows
    ]


SELECT_DISPATCH_TENANTS = """
    SELECT DISTINCT tenant FROM ingest_dispatches
    WHERE at >= now64(6) - INTERVAL {days:UInt32} DAY AND status != 'sent'
    LIMIT 10000
"""


def tenants_with_undispatched(ch: Client, days: int = 7) -> list[str]:
    rows = ch.query(SELECT_DISPATCH_TENANTS, parameters={"days": days}).result_rows
    return [str(row[0]) for row in rows]


SELECT_EVENT_STATUS = """
    SELECT sensor, event_type, count(), min(ts), max(ts), max(ingested_at)
    FROM events
    WHERE tenant = {tenant:String}
    GROUP BY sensor, event_type
    ORDER BY sensor, event_type
    LIMIT {limit:UInt64}
"""

SELECT_REJECT_STATUS = """
    SELECT source, count(), max(received_at)
    FROM ingest_rejects
    WHERE tenant = {tenant:String}
    GROUP BY source
    ORDER BY source
    LIMIT {limit:UInt64}
"""

SELECT_CHECKPOINTS = """
    SELECT source, identity, `offset`, lines, updated_at
    FROM ingest_checkpoints FINAL
    WHERE tenant = {tenant:String}
    ORDER BY updated_at DESC
    LIMIT {limit:UInt64}
"""

SELECT_DISPATCH_STATUS = """
    SELECT status, count(), max(at)
    FROM ingest_dispatches
    WHERE tenant = {tenant:String}
    GROUP BY status
    ORDER BY status
    LIMIT 10
"""

SELECT_STATS_COUNT = """
    SELECT count(), max(ts) FROM sensor_stats WHERE tenant = {tenant:String}
"""


def _rows(ch: Client, sql: str, tenant: str, timeout_s: int) -> list[tuple[Any, ...]]:
    rows = ch.query(
        sql,
        parameters={"tenant": tenant, "limit": STATUS_LIMIT},
        settings={"max_execution_time": timeout_s},
    ).result_rows
    return [tuple(row) for row in rows]


def event_status(ch: Client, tenant: str, timeout_s: int) -> list[dict[str, Any]]:
    return [
        {
            "sensor": str(sensor),
            "event_type": str(event_type),
            "events": int(count),
            "first_event": utc(first),
            "last_event": utc(last),
            "last_ingest": utc(ingested),
        }
        for sensor, event_type, count, first, last, ingested in _rows(
            ch, SELECT_EVENT_STATUS, tenant, timeout_s
        )
    ]


def reject_status(ch: Client, tenant: str, timeout_s: int) -> list[dict[str, Any]]:
    return [
        {"source": str(source), "rejects": int(count), "last_reject": utc(last)}
        for source, count, last in _rows(ch, SELECT_REJECT_STATUS, tenant, timeout_s)
    ]


def checkpoints(ch: Client, tenant: str, timeout_s: int) -> list[dict[str, Any]]:
    return [
        {
            "source": str(source),
            "identity": str(identity),
            "offset": int(offset),
            "lines": int(lines),
            "updated_at": utc(updated),
        }
        for source, identity, offset, lines, updated in _rows(
            ch, SELECT_CHECKPOINTS, tenant, timeout_s
        )
    ]


def dispatch_status(ch: Client, tenant: str, timeout_s: int) -> dict[str, dict[str, Any]]:
    return {
        str(status): {"batches": int(count), "last": utc(last)}
        for status, count, last in _rows(ch, SELECT_DISPATCH_STATUS, tenant, timeout_s)
    }


def stats_count(ch: Client, tenant: str, timeout_s: int) -> tuple[int, datetime | None]:
    count, last = _rows(ch, SELECT_STATS_COUNT, tenant, timeout_s)[0]
    return int(count), (utc(last) if int(count) else None)


SELECT_REJECTS = """
    SELECT toUnixTimestamp64Micro(received_at), received_at, source, source_offset, line_no,
           reason, toValidUTF8(substring(raw, 1, {raw_bytes:UInt64})), length(raw)
    FROM ingest_rejects
    WHERE tenant = {tenant:String}
      AND received_at >= {start:DateTime64(6, 'UTC')} AND received_at < {end:DateTime64(6, 'UTC')}
      AND ({source:String} = '' OR source = {source:String})
      AND (toUnixTimestamp64Micro(received_at), source, source_offset)
          < ({after_us:Int64}, {after_source:String}, {after_offset:UInt64})
    ORDER BY received_at DESC, source DESC, source_offset DESC
    LIMIT {limit:UInt64}
"""


@dataclass(frozen=True)
class RejectKey:
    """Where a page of rejects continues: strictly after this (newest-first) position."""

    received_us: int
    source: str
    offset: int


def rejects(
    ch: Client,
    tenant: str,
    start: datetime,
    end: datetime,
    source: str,
    after: RejectKey | None,
    limit: int,
    raw_bytes: int,
    timeout_s: int,
) -> list[dict[str, Any]]:
    key = after or RejectKey(2**62, "", 0)
    rows = ch.query(
        SELECT_REJECTS,
        parameters={
            "tenant": tenant,
            "start": start,
            "end": end,
            "source": source,
            "after_us": key.received_us,
            "after_source": key.source,
            "after_offset": key.offset,
            "limit": limit,
            "raw_bytes": raw_bytes,
        },
        settings={"max_execution_time": timeout_s},
    ).result_rows
    return [
        {
            "received_us": int(received_us),
            "received_at": utc(received_at),
            "source": str(source_name),
            "offset": int(offset),
            "line": int(line_no),
            "reason": str(reason),
            "raw": raw if isinstance(raw, str) else bytes(raw).decode("utf-8", "replace"),
            "raw_bytes": int(raw_len),
        }
        for received_us, received_at, source_name, offset, line_no, reason, raw, raw_len in rows
    ]


SELECT_SENSORS = """
    SELECT sensor, max(ts), argMax(uptime, ts), argMax(kernel_packets, ts),
           argMax(kernel_drops, ts), argMax(decoder_packets, ts), argMax(decoder_bytes, ts),
           argMax(flows, ts), count()
    FROM sensor_stats
    WHERE tenant = {tenant:String}
    GROUP BY sensor
    ORDER BY sensor
    LIMIT {limit:UInt64}
"""


def sensors(ch: Client, tenant: str, timeout_s: int) -> list[dict[str, Any]]:
    found = []
    for sensor, last, uptime, packets, drops, dpackets, dbytes, flows, reports in _rows(
        ch, SELECT_SENSORS, tenant, timeout_s
    ):
        found.append(
            {
                "sensor": str(sensor),
                "last_stats": utc(last),
                "uptime": int(uptime),
                "kernel_packets": int(packets),
                "kernel_drops": int(drops),
                "drop_ratio": (int(drops) / int(packets)) if int(packets) > 0 else 0.0,
                "decoder_packets": int(dpackets),
                "decoder_bytes": int(dbytes),
                "flows": int(flows),
                "reports": int(reports),
            }
        )
    return found
