"""SQL of incidents, declarations and the evidence events behind an incident.

An incident row holds identity and status; its counts, first/last seen and kill-chain phase are
aggregated from `declarations` when read, so they are right however many runs wrote them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from services.core.clickhouse import Client, utc
from services.escalation.models import KILL_CHAIN
from services.escalation.records import Incident, IncidentStats
from services.escalation.store import version

INCIDENT_COLUMNS = [
    "tenant",
    "id",
    "threat_id",
    "asset_type",
    "asset",
    "policy_id",
    "status",
    "opened_at",
    "status_changed_at",
    "reopened",
    "comment",
    "updated_by",
    "version",
]

INCIDENT_FIELDS = """
    tenant, id, threat_id, asset_type, asset, policy_id, status, opened_at, status_changed_at,
    reopened, comment, updated_by
"""

SELECT_INCIDENTS_BY_ID = f"""
    SELECT {INCIDENT_FIELDS} FROM incidents FINAL
    WHERE tenant = {{tenant:String}} AND id IN {{ids:Array(UUID)}}
    LIMIT {{limit:UInt32}}
"""  # noqa: S608 - constant column list

SELECT_INCIDENT_PAGE = f"""
    SELECT {INCIDENT_FIELDS} FROM incidents FINAL
    WHERE tenant = {{tenant:String}}
      AND greatest(opened_at, status_changed_at) >= {{since:DateTime64(6, 'UTC')}}
      AND (empty({{statuses:Array(String)}}) OR status IN {{statuses:Array(String)}})
      AND (empty({{threats:Array(UUID)}}) OR threat_id IN {{threats:Array(UUID)}})
      AND (opened_at, id) < ({{before_at:DateTime64(6, 'UTC')}}, {{before_id:UUID}})
    ORDER BY opened_at DESC, id DESC
    LIMIT {{limit:UInt32}}
"""  # noqa: S608 - constant column list

SELECT_STATS = """
    SELECT threat_id, asset, min(ts), max(ts), uniqExact(event_id),
           max(indexOf({phases:Array(String)}, kill_chain)), argMin(offender, ts),
           argMin(victim, ts)
    FROM declarations ARRAY JOIN assets AS asset
    WHERE tenant = {tenant:String} AND threat_id IN {threats:Array(UUID)}
      AND asset IN {assets:Array(String)}
    GROUP BY threat_id, asset
    LIMIT 1000000
"""

SELECT_EVIDENCE = """
    SELECT id, ts, event_type, sensor, src_ip, src_port, dest_ip, dest_port, proto, app_proto,
           raw
    FROM events
    WHERE tenant = {tenant:String}
      AND ts >= {first:DateTime64(6, 'UTC')} AND ts <= {last:DateTime64(6, 'UTC')}
      AND id IN (
          SELECT event_id FROM declarations
          WHERE tenant = {tenant:String} AND threat_id = {threat:UUID}
            AND has(assets, {asset:String})
      )
      AND (ts, id) > ({after_ts:DateTime64(6, 'UTC')}, {after_id:UUID})
    ORDER BY ts, id
    LIMIT {limit:UInt32}
"""

SELECT_DECLARATIONS = """
    SELECT event_id, ts, policy_id, threat_id, kill_chain, type, offender, victim, declared_at
    FROM declarations FINAL
    WHERE tenant = {tenant:String}
      AND ts >= {start:DateTime64(6, 'UTC')} AND ts <= {end:DateTime64(6, 'UTC')}
      AND (empty({policies:Array(UUID)}) OR policy_id IN {policies:Array(UUID)})
      AND (ts, event_id) < ({before_ts:DateTime64(6, 'UTC')}, {before_id:UUID})
    ORDER BY ts DESC, event_id DESC
    LIMIT {limit:UInt32}
"""

MAX_UUID = UUID(int=(1 << 128) - 1)
ZERO_UUID = UUID(int=0)


def asset_key(asset_type: str, asset: str) -> str:
    """The `assets` entry of a declaration: `ip:10.0.0.5`, `username:bob`."""
    return f"{asset_type}:{asset}"


def _incident(row: Sequence[Any]) -> Incident:
    return Incident(
        tenant=str(row[0]),
        id=UUID(str(row[1])),
        threat_id=UUID(str(row[2])),
        asset_type=str(row[3]),
        asset=str(row[4]),
        policy_id=UUID(str(row[5])),
        status=str(row[6]),
        opened_at=utc(row[7]),
        status_changed_at=utc(row[8]),
        reopened=int(row[9]),
        comment=str(row[10]),
        updated_by=str(row[11]),
    )


def insert_incidents(ch: Client, items: list[Incident]) -> None:
    if not items:
        return
    v = version()
    rows = [
        [
            i.tenant,
            i.id,
            i.threat_id,
            i.asset_type,
            i.asset,
            i.policy_id,
            i.status,
            i.opened_at,
            i.status_changed_at,
            i.reopened,
            i.comment,
            i.updated_by,
            v,
        ]
        for i in items
    ]
    ch.insert("incidents", rows, column_names=INCIDENT_COLUMNS)


def incidents_by_id(ch: Client, tenant: str, ids: list[UUID]) -> dict[UUID, Incident]:
    if not ids:
        return {}
    params = {"tenant": tenant, "ids": ids, "limit": len(ids)}
    rows = ch.query(SELECT_INCIDENTS_BY_ID, parameters=params).result_rows
    return {i.id: i for i in map(_incident, rows)}


def incident(ch: Client, tenant: str, incident_id: UUID) -> Incident | None:
    return incidents_by_id(ch, tenant, [incident_id]).get(incident_id)


def incident_page(
    ch: Client,
    tenant: str,
    since: datetime,
    statuses: list[str],
    threat_ids: list[UUID],
    limit: int,
    before: tuple[datetime, UUID] | None,
) -> list[Incident]:
    """Incidents opened or changed since `since`, newest first, before the cursor position."""
    before_at, before_id = before or (datetime(2300, 1, 1, tzinfo=since.tzinfo), MAX_UUID)
    params = {
        "tenant": tenant,
        "since": since,
        "statuses": statuses,
        "threats": threat_ids,
        "before_at": before_at,
        "before_id": before_id,
        "limit": limit,
    }
    return [_incident(r) for r in ch.query(SELECT_INCIDENT_PAGE, parameters=params).result_rows]


def incident_stats(
    ch: Client, tenant: str, items: list[Incident]
) -> dict[tuple[UUID, str], IncidentStats]:
    """Stats per (threat id, asset key) for `items`, from their declarations."""
    if not items:
        return {}
    params = {
        "tenant": tenant,
        "threats": sorted({i.threat_id for i in items}),
        "assets": sorted({asset_key(i.asset_type, i.asset) for i in items}),
        "phases": list(KILL_CHAIN),
    }
    found = {}
    for row in ch.query(SELECT_STATS, parameters=params).result_rows:
        phase = int(row[5])
        found[(UUID(str(row[0])), str(row[1]))] = IncidentStats(
            first_seen=utc(row[2]),
            last_seen=utc(row[3]),
            events=int(row[4]),
            kill_chain=KILL_CHAIN[phase - 1] if phase else "",
            offender=str(row[6]),
            victim=str(row[7]),
        )
    return found


def evidence(
    ch: Client,
    tenant: str,
    item: Incident,
    stats: IncidentStats,
    limit: int,
    after: tuple[datetime, UUID] | None,
) -> list[dict[str, Any]]:
    """The events declared for an incident, oldest first, after the cursor position."""
    if stats.first_seen is None or stats.last_seen is None:
        return []
    after_ts, after_id = after or (stats.first_seen, ZERO_UUID)
    params = {
        "tenant": tenant,
        "first": stats.first_seen,
        "last": stats.last_seen,
        "threat": item.threat_id,
        "asset": asset_key(item.asset_type, item.asset),
        "after_ts": after_ts,
        "after_id": after_id,
        "limit": limit,
    }
    columns = [
        "id",
        "ts",
        "event_type",
        "sensor",
        "src_ip",
        "src_port",
        "dest_ip",
        "dest_port",
        "proto",
        "app_proto",
        "raw",
    ]
    rows = ch.query(SELECT_EVIDENCE, parameters=params).result_rows
    events = []
    for row in rows:
        event = dict(zip(columns, row, strict=True))
        event["ts"] = utc(event["ts"])
        events.append(event)
    return events


def declaration_page(
    ch: Client,
    tenant: str,
    start: datetime,
    end: datetime,
    policy_ids: list[UUID],
    limit: int,
    before: tuple[datetime, UUID] | None,
) -> list[dict[str, Any]]:
    before_ts, before_id = before or (end, MAX_UUID)
    params = {
        "tenant": tenant,
        "start": start,
        "end": end,
        "policies": policy_ids,
        "before_ts": before_ts,
        "before_id": before_id,
        "limit": limit,
    }
    names = [
        "event_id",
        "ts",
        "policy_id",
        "threat_id",
        "kill_chain",
        "type",
        "offender",
        "victim",
        "declared_at",
    ]
    rows = ch.query(SELECT_DECLARATIONS, parameters=params).result_rows
    found = []
    for row in rows:
        item = dict(zip(names, row, strict=True))
        item["ts"] = utc(item["ts"])
        item["declared_at"] = utc(item["declared_at"])
        found.append(item)
    return found


SELECT_WINDOW_ASSETS = """
    SELECT threat_id, asset, max(declared_at)
    FROM declarations ARRAY JOIN assets AS asset
    WHERE tenant = {tenant:String} AND policy_id = {policy:UUID}
      AND ts >= {start:DateTime64(6, 'UTC')} AND ts < {end:DateTime64(6, 'UTC')}
    GROUP BY threat_id, asset
    LIMIT 1000000
"""


def window_assets(
    ch: Client, tenant: str, policy_id: UUID, start: datetime, end: datetime
) -> list[tuple[UUID, str, datetime]]:
    """(threat id, asset key, last declared at) of a policy's declarations in `[start, end)`."""
    params = {"tenant": tenant, "policy": policy_id, "start": start, "end": end}
    rows = ch.query(SELECT_WINDOW_ASSETS, parameters=params).result_rows
    return [(UUID(str(r[0])), str(r[1]), utc(r[2])) for r in rows]
