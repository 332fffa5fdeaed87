"""SQL of webhook deliveries and their attempts (the delivery log)."""

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
    "version",
]

DELIVERY_FIELDS = """
    tenant, id, webhook_id, incident_id, event, body, content_type, status, attempts,
    last_status_code, last_error, created_at, updated_at
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

SELECT_ATTEMPTS = """
    SELECT delivery_id, at, attempt, status_code, error, duration_ms FROM delivery_attempts
    WHERE tenant = {tenant:String} AND delivery_id IN {ids:Array(UUID)}
    ORDER BY at
    LIMIT 100000
"""

ATTEMPT_COLUMNS = [
    "tenant",
    "delivery_id",
    "webhook_id",
    "at",
    "attempt",
    "status_code",
    "error",
    "duration_ms",
]


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


def insert_attempts(ch: Client, items: list[tuple[Delivery, Attempt]]) -> None:
    rows = [
        [
            item.tenant,
            item.id,
            item.webhook_id,
            attempt.at,
            attempt.attempt,
            attempt.status_code,
            attempt.error,
            attempt.duration_ms,
        ]
        for item, attempt in items
    ]
    if rows:
        ch.insert("delivery_attempts", rows, column_names=ATTEMPT_COLUMNS)


def attempts(ch: Client, tenant: str, ids: list[UUID]) -> dict[UUID, list[Attempt]]:
    found: dict[UUID, list[Attempt]] = {i: [] for i in ids}
    if not ids:
        return found
    for row in ch.query(SELECT_ATTEMPTS, parameters={"tenant": tenant, "ids": ids}).result_rows:
        found.setdefault(UUID(str(row[0])), []).append(
            Attempt(
                at=utc(row[1]),
                attempt=int(row[2]),
                status_code=int(row[3]),
                error=str(row[4]),
                duration_ms=int(row[5]),
            )
        )
    return found


def pending_of_policy(ch: Client, tenant: str, policy_id: UUID) -> list[UUID]:
    """Deliveries of the policy's incidents never attempted (a run stopped before sending)."""
    params = {"tenant": tenant, "policy": policy_id}
    rows = ch.query(SELECT_PENDING_OF_POLICY, parameters=params).result_rows
    return [UUID(str(r[0])) for r in rows]
