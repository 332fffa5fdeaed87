"""SQL of webhook deliveries; each row carries its log of attempts (a new version per attempt)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from services.core.clickhouse import Client, utc
from services.escalation.records import Attempt, Delivery
from services.escalation.store import version

DELIVERY_COLUMNS = [
    "tenant",
    "id",
    "webhook_id",
    "incident_id",
    "event",
    "body",
    "content_type",
    "status",
    "attempts",
    "last_status_code",
    "last_error",
    "created_at",
    "updated_at",
    "log",
    "version",
]

DELIVERY_FIELDS = """
    tenant, id, webhook_id, incident_id, event, body, content_type, status, attempts,
    last_status_code, last_error, created_at, updated_at, log
"""

SELECT_DELIVERY = f"""
    SELECT {DELIVERY_FIELDS} FROM deliveries FINAL
    WHERE tenant = {{tenant:String}} AND id IN {{ids:Array(UUID)}}
    LIMIT {{limit:UInt32}}
"""  # noqa: S608 - constant column list

SELECT_DELIVERIES = f"""
    SELECT {DELIVERY_FIELDS} FROM deliveries FINAL
    WHERE tenant = {{tenant:String}} AND webhook_id = {{webhook:UUID}}
    ORDER BY created_at DESC, id DESC
    LIMIT {{limit:UInt32}}
"""  # noqa: S608 - constant column list

SELECT_PENDING_OF_POLICY = """
    SELECT id FROM deliveries FINAL
    WHERE tenant = {tenant:String} AND status = 'pending'
      AND incident_id IN (
          SELECT id FROM incidents FINAL
          WHERE tenant = {tenant:String} AND policy_id = {policy:UUID}
      )
    LIMIT 100000
"""


def _attempt(value: Any) -> Attempt:
    """An entry of the `log` column (named tuples come back as dicts)."""
    at, attempt, code, error, took = value.values() if isinstance(value, dict) else value
    return Attempt(utc(at), int(attempt), int(code), str(error), int(took))


def _delivery(row: Sequence[Any]) -> Delivery:
    return Delivery(
        tenant=str(row[0]),
        id=UUID(str(row[1])),
        webhook_id=UUID(str(row[2])),
        incident_id=UUID(str(row[3])),
        event=str(row[4]),
        body=str(row[5]),
        content_type=str(row[6]),
        status=str(row[7]),
        attempts=int(row[8]),
        last_status_code=int(row[9]),
        last_error=str(row[10]),
        created_at=utc(row[11]),
        updated_at=utc(row[12]),
        log=tuple(_attempt(a) for a in row[13]),
    )


def insert_deliveries(ch: Client, items: list[Delivery]) -> None:
    if not items:
        return
    v = version()
    rows = [
        [
            d.tenant,
            d.id,
            d.webhook_id,
            d.incident_id,
            d.event,
            d.body,
            d.content_type,
            d.status,
            d.attempts,
            d.last_status_code,
            d.last_error,
            d.created_at,
            d.updated_at,
            [(a.at, a.attempt, a.status_code, a.error, a.duration_ms) for a in d.log],
            v,
        ]
        for d in items
    ]
    ch.insert("deliveries", rows, column_names=DELIVERY_COLUMNS)


def deliveries_by_id(ch: Client, tenant: str, ids: list[UUID]) -> dict[UUID, Delivery]:
    if not ids:
        return {}
    params = {"tenant": tenant, "ids": ids, "limit": len(ids)}
    rows = ch.query(SELECT_DELIVERY, parameters=params).result_rows
    return {d.id: d for d in map(_delivery, rows)}


def delivery(ch: Client, tenant: str, delivery_id: UUID) -> Delivery | None:
    return deliveries_by_id(ch, tenant, [delivery_id]).get(delivery_id)


def deliveries(ch: Client, tenant: str, webhook_id: UUID, limit: int) -> list[Delivery]:
    params = {"tenant": tenant, "webhook": webhook_id, "limit": limit}
    return [_delivery(r) for r in ch.query(SELECT_DELIVERIES, parameters=params).result_rows]


def pending_of_policy(ch: Client, tenant: str, policy_id: UUID) -> list[UUID]:
    """Deliveries of the policy's incidents never attempted (a run stopped before sending)."""
    params = {"tenant": tenant, "policy": policy_id}
    rows = ch.query(SELECT_PENDING_OF_POLICY, parameters=params).result_rows
    return [UUID(str(r[0])) for r in rows]
