"""SQL of the escalation configuration: policies, threats, webhooks, audit, policy run counts.

Config tables are ReplacingMergeTree(version) read with FINAL and NOT deleted; a write is an
insert of the whole row with `version = time.time_ns()`. Incidents, declarations, deliveries and
jobs live in `incident_store`, `delivery_store` and `job_store`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import orjson

from services.core.clickhouse import Client, utc
from services.escalation.records import Policy, Threat, Webhook

MAX_POLICIES = 10_000
MAX_THREATS = 10_000
MAX_WEBHOOKS = 1_000


def version() -> int:
    return time.time_ns()


# --- policies ---------------------------------------------------------------------------------

POLICY_COLUMNS = [
    "tenant",
    "id",
    "position",
    "action",
    "enabled",
    "spec",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "deleted",
    "version",
]

SELECT_POLICIES = """
    SELECT tenant, id, position, action, enabled, spec, created_at, created_by, updated_at,
           updated_by
    FROM policies FINAL
    WHERE tenant = {tenant:String} AND NOT deleted
    ORDER BY position, created_at, id
    LIMIT {limit:UInt32}
"""

SELECT_POLICY = """
    SELECT tenant, id, position, action, enabled, spec, created_at, created_by, updated_at,
           updated_by
    FROM policies FINAL
    WHERE tenant = {tenant:String} AND id = {id:UUID} AND NOT deleted
    LIMIT 1
"""

SELECT_MAX_POSITION = """
    SELECT max(position), count() FROM policies FINAL
    WHERE tenant = {tenant:String} AND NOT deleted
"""


def _policy(row: Sequence[Any]) -> Policy:
    return Policy(
        tenant=str(row[0]),
        id=UUID(str(row[1])),
        position=int(row[2]),
        action=str(row[3]),
        enabled=bool(row[4]),
        spec=orjson.loads(row[5]),
        created_at=utc(row[6]),
        created_by=str(row[7]),
        updated_at=utc(row[8]),
        updated_by=str(row[9]),
    )


def insert_policy(ch: Client, policy: Policy, deleted: bool = False) -> None:
    row = [
        policy.tenant,
        policy.id,
        policy.position,
        policy.action,
        policy.enabled,
        orjson.dumps(policy.spec).decode(),
        policy.created_at,
        policy.created_by,
        policy.updated_at,
        policy.updated_by,
        deleted,
        version(),
    ]
    ch.insert("policies", [row], column_names=POLICY_COLUMNS)


def policies(ch: Client, tenant: str) -> list[Policy]:
    """Every live policy of the tenant, in application order."""
    params = {"tenant": tenant, "limit": MAX_POLICIES}
    return [_policy(r) for r in ch.query(SELECT_POLICIES, parameters=params).result_rows]


def policy(ch: Client, tenant: str, policy_id: UUID) -> Policy | None:
    rows = ch.query(SELECT_POLICY, parameters={"tenant": tenant, "id": policy_id}).result_rows
    return _policy(rows[0]) if rows else None


def next_position(ch: Client, tenant: str) -> int:
    highest, count = ch.query(SELECT_MAX_POSITION, parameters={"tenant": tenant}).result_rows[0]
    return int(highest) + 1 if int(count) else 0


# Events each policy acted on, read from what it wrote (so re-runs never inflate the counts).
COUNT_ACTED = {
    "tag": """
        SELECT policy_id, count() FROM event_tags FINAL
        WHERE tenant = {tenant:String} AND policy_id IN {ids:Array(UUID)} GROUP BY policy_id
    """,
    "declare": """
        SELECT policy_id, count() FROM declarations FINAL
        WHERE tenant = {tenant:String} AND policy_id IN {ids:Array(UUID)} GROUP BY policy_id
    """,
    "suppress": """
        SELECT policy_id, count() FROM event_suppressions FINAL
        WHERE tenant = {tenant:String} AND policy_id IN {ids:Array(UUID)} GROUP BY policy_id
    """,
}

COUNT_SEEN = """
    SELECT policy_id, sum(events_seen) FROM policy_runs FINAL
    WHERE tenant = {tenant:String} AND policy_id IN {ids:Array(UUID)} GROUP BY policy_id
"""


def policy_counts(ch: Client, tenant: str, items: list[Policy]) -> dict[UUID, tuple[int, int]]:
    """(events_seen, events_acted) per policy."""
    counts = {p.id: (0, 0) for p in items}
    if not items:
        return counts
    ids = [p.id for p in items]
    seen = {
        UUID(str(r[0])): int(r[1])
        for r in ch.query(COUNT_SEEN, parameters={"tenant": tenant, "ids": ids}).result_rows
    }
    acted: dict[UUID, int] = {}
    for action, sql in COUNT_ACTED.items():
        action_ids = [p.id for p in items if p.action == action]
        if action_ids:
            rows = ch.query(sql, parameters={"tenant": tenant, "ids": action_ids}).result_rows
            acted.update({UUID(str(r[0])): int(r[1]) for r in rows})
    return {i: (seen.get(i, 0), acted.get(i, 0)) for i in counts}


def insert_policy_run(ch: Client, tenant: str, policy_id: UUID, run_key: str, seen: int) -> None:
    ch.insert(
        "policy_runs",
        [[tenant, policy_id, run_key, seen, version()]],
        column_names=["tenant", "policy_id", "run_key", "events_seen", "version"],
    )


# --- audit ------------------------------------------------------------------------------------

SELECT_AUDIT = """
    SELECT at, actor, action, comment, details FROM audit_log
    WHERE tenant = {tenant:String} AND object_type = {type:String} AND object_id = {id:String}
    ORDER BY at DESC
    LIMIT {limit:UInt32}
"""


def insert_audit(
    ch: Client,
    tenant: str,
    actor: str,
    action: str,
    object_type: str,
    object_id: UUID,
    comment: str,
    details: dict[str, Any],
) -> None:
    ch.insert(
        "audit_log",
        [[tenant, actor, action, object_type, str(object_id), comment, orjson.dumps(details)]],
        column_names=[
            "tenant",
            "actor",
            "action",
            "object_type",
            "object_id",
            "comment",
            "details",
        ],
    )


def audit_entries(
    ch: Client, tenant: str, object_type: str, object_id: UUID, limit: int = 200
) -> list[dict[str, Any]]:
    params = {"tenant": tenant, "type": object_type, "id": str(object_id), "limit": limit}
    rows = ch.query(SELECT_AUDIT, parameters=params).result_rows
    return [
        {
            "at": utc(r[0]),
            "actor": str(r[1]),
            "action": str(r[2]),
            "comment": str(r[3]),
            "details": orjson.loads(r[4] or "{}"),
        }
        for r in rows
    ]


# --- threats ----------------------------------------------------------------------------------

THREAT_COLUMNS = [
    "tenant",
    "id",
    "name",
    "family",
    "description",
    "kill_chain",
    "created_at",
    "created_by",
    "version",
]

SELECT_THREATS = """
    SELECT id, name, family, description, kill_chain, created_at, created_by
    FROM threats FINAL
    WHERE tenant = {tenant:String} AND NOT deleted
      AND ({family:String} = '' OR family = {family:String})
    ORDER BY name
    LIMIT {limit:UInt32}
"""

SELECT_THREATS_BY_ID = """
    SELECT id, name, family, description, kill_chain, created_at, created_by
    FROM threats FINAL
    WHERE tenant = {tenant:String} AND id IN {ids:Array(UUID)} AND NOT deleted
    LIMIT {limit:UInt32}
"""


def _threat(row: Sequence[Any]) -> Threat:
    return Threat(
        id=UUID(str(row[0])),
        name=str(row[1]),
        family=str(row[2]),
        description=str(row[3]),
        kill_chain=str(row[4]),
        created_at=utc(row[5]),
        created_by=str(row[6]),
    )


def insert_threat(ch: Client, tenant: str, threat: Threat) -> None:
    row = [
        tenant,
        threat.id,
        threat.name,
        threat.family,
        threat.description,
        threat.kill_chain,
        threat.created_at,
        threat.created_by,
        version(),
    ]
    ch.insert("threats", [row], column_names=THREAT_COLUMNS)


def threats(ch: Client, tenant: str, family: str = "") -> list[Threat]:
    params = {"tenant": tenant, "family": family, "limit": MAX_THREATS}
    return [_threat(r) for r in ch.query(SELECT_THREATS, parameters=params).result_rows]


def threats_by_id(ch: Client, tenant: str, ids: list[UUID]) -> dict[UUID, Threat]:
    if not ids:
        return {}
    params = {"tenant": tenant, "ids": ids, "limit": len(ids)}
    found = [_threat(r) for r in ch.query(SELECT_THREATS_BY_ID, parameters=params).result_rows]
    return {t.id: t for t in found}


def threat(ch: Client, tenant: str, threat_id: UUID) -> Threat | None:
    return threats_by_id(ch, tenant, [threat_id]).get(threat_id)


# --- webhooks ---------------------------------------------------------------------------------

WEBHOOK_COLUMNS = [
    "tenant",
    "id",
    "name",
    "url",
    "secret",
    "template",
    "preset",
    "enabled",
    "created_at",
    "updated_at",
    "deleted",
    "version",
]

SELECT_WEBHOOKS = """
    SELECT tenant, id, name, url, secret, template, preset, enabled, created_at, updated_at
    FROM webhooks FINAL
    WHERE tenant = {tenant:String} AND NOT deleted
      AND (empty({ids:Array(UUID)}) OR id IN {ids:Array(UUID)})
    ORDER BY name, id
    LIMIT {limit:UInt32}
"""


def _webhook(row: Sequence[Any]) -> Webhook:
    return Webhook(
        tenant=str(row[0]),
        id=UUID(str(row[1])),
        name=str(row[2]),
        url=str(row[3]),
        secret=str(row[4]),
        template=str(row[5]),
        preset=str(row[6]),
        enabled=bool(row[7]),
        created_at=utc(row[8]),
        updated_at=utc(row[9]),
    )


def insert_webhook(ch: Client, hook: Webhook, deleted: bool = False) -> None:
    row = [
        hook.tenant,
        hook.id,
        hook.name,
        hook.url,
        hook.secret,
        hook.template,
        hook.preset,
        hook.enabled,
        hook.created_at,
        hook.updated_at,
        deleted,
        version(),
    ]
    ch.insert("webhooks", [row], column_names=WEBHOOK_COLUMNS)


def webhooks(ch: Client, tenant: str, ids: list[UUID] | None = None) -> list[Webhook]:
    """The tenant's webhooks (all, or those of `ids`)."""
    params = {"tenant": tenant, "ids": ids or [], "limit": MAX_WEBHOOKS}
    return [_webhook(r) for r in ch.query(SELECT_WEBHOOKS, parameters=params).result_rows]


def webhook(ch: Client, tenant: str, webhook_id: UUID) -> Webhook | None:
    found = webhooks(ch, tenant, [webhook_id])
    return found[0] if found else None
