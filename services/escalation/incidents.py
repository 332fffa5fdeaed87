"""Incidents: one per (tenant, threat, asset), opened from declarations, notified once.

After a `declare` policy ran over a window, `escalate` looks at the (threat, asset) pairs its
declarations in that window belong to:
- no incident yet → a NEW incident (status `new`), announced to the policy's webhooks;
- a `fixed` incident with declarations written after it was fixed → REOPENED (status `new`
  again, `reopened` + 1), announced as `incident.reopened` — the fix did not hold;
- otherwise (open, or `closed` = dismissed by the analyst) → nothing: a repeat is not news.
The incident id is derived from (tenant, threat, asset) and the delivery id from (incident,
webhook, event, reopen count), so a re-run or a concurrent run writes the same rows again
instead of new ones, and a delivery already made is not made again.

Order of writes (crash safety): deliveries (pending) → incidents → tasks sent by the caller.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from services.core.auth import Principal
from services.core.clickhouse import Client
from services.core.errors import Invalid
from services.escalation import incident_store, notifications, store
from services.escalation.apply import Window
from services.escalation.models import AssetRead, IncidentRead, IncidentUpdate
from services.escalation.records import Incident, IncidentStats, Policy, Threat
from services.escalation.threats import threat_read

INCIDENT_NAMESPACE = uuid.UUID("a4f0f7c2-53c4-4b8e-8a57-1f3f4f0d9c11")


def incident_id(tenant: str, threat_id: UUID, asset_key: str) -> UUID:
    return uuid.uuid5(INCIDENT_NAMESPACE, f"{tenant}\x00{threat_id}\x00{asset_key}")


@dataclass(frozen=True)
class Notice:
    """An incident worth announcing: `incident.new` or `incident.reopened`."""

    incident: Incident
    event: str


def changes(ch: Client, window: Window, policy: Policy, now: datetime) -> list[Notice]:
    """New and reopened incidents from the policy's declarations in `window`."""
    found = incident_store.window_assets(ch, window.tenant, policy.id, window.start, window.end)
    keyed = {incident_id(window.tenant, t, a): (t, a, last) for t, a, last in found}
    existing = incident_store.incidents_by_id(ch, window.tenant, list(keyed))
    notices = []
    for new_id, (threat, key, last_declared) in keyed.items():
        current = existing.get(new_id)
        if current is None:
            asset_type, _, asset = key.partition(":")
            opened = Incident(
                tenant=window.tenant,
                id=new_id,
                threat_id=threat,
                asset_type=asset_type,
                asset=asset,
                policy_id=policy.id,
                status="new",
                opened_at=now,
                status_changed_at=now,
                reopened=0,
                comment="",
                updated_by=f"policy:{policy.id}",
            )
            notices.append(Notice(opened, "incident.new"))
        elif current.status == "fixed" and last_declared > current.status_changed_at:
            reopened = current.changed(
                status="new",
                status_changed_at=now,
                reopened=current.reopened + 1,
                updated_by=f"policy:{policy.id}",
            )
            notices.append(Notice(reopened, "incident.reopened"))
    return notices


def escalate(ch: Client, window: Window, policy: Policy, notify: bool) -> list[UUID]:
    """Open/reopen the incidents of `window`; return the ids of deliveries to send."""
    notices = changes(ch, window, policy, datetime.now(UTC))
    if not notices:
        return []
    pending = []
    if notify:
        reads = incident_reads(ch, window.tenant, [n.incident for n in notices])
        pairs = [(n.event, read) for n, read in zip(notices, reads, strict=True)]
        pending = notifications.prepare(ch, window.tenant, policy, pairs)
    incident_store.insert_incidents(ch, [n.incident for n in notices])
    return pending


def update_incident(
    ch: Client, principal: Principal, item: Incident, body: IncidentUpdate
) -> Incident:
    if body.status is None and not body.comment:
        raise Invalid("invalid request body — status: give a status or a comment")
    now = datetime.now(UTC)
    status = body.status or item.status
    changed = item.changed(
        status=status,
        status_changed_at=now if status != item.status else item.status_changed_at,
        comment=body.comment or item.comment,
        updated_by=principal.name,
    )
    incident_store.insert_incidents(ch, [changed])
    store.insert_audit(
        ch,
        principal.tenant,
        principal.name,
        "incident.update",
        "incident",
        item.id,
        body.comment,
        {"status": {"from": item.status, "to": status}},
    )
    return changed


def incident_reads(ch: Client, tenant: str, items: list[Incident]) -> list[IncidentRead]:
    stats = incident_store.incident_stats(ch, tenant, items)
    threats = store.threats_by_id(ch, tenant, sorted({i.threat_id for i in items}))
    return [
        incident_read(
            i,
            threats.get(i.threat_id),
            stats.get(
                (i.threat_id, incident_store.asset_key(i.asset_type, i.asset)), IncidentStats()
            ),
        )
        for i in items
    ]


def links(item: Incident) -> dict[str, str]:
    return {
        "incident": f"/api/v1/incidents/{item.id}",
        "evidence": f"/api/v1/incidents/{item.id}/events",
    }


def incident_read(item: Incident, threat: Threat | None, stats: IncidentStats) -> IncidentRead:
    return IncidentRead(
        id=item.id,
        status=item.status,
        threat=threat_read(threat) if threat else None,
        kill_chain=stats.kill_chain or (threat.kill_chain if threat else ""),
        asset=AssetRead(type=item.asset_type, value=item.asset),
        offender=stats.offender,
        victim=stats.victim,
        policy_id=item.policy_id,
        first_seen=stats.first_seen,
        last_seen=stats.last_seen,
        events=stats.events,
        opened_at=item.opened_at,
        status_changed_at=item.status_changed_at,
        reopened=item.reopened,
        comment=item.comment,
        links=links(item),
    )
