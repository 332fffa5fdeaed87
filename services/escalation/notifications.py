"""Notifications: the payload of an incident notice and its deliveries, one per webhook.

A delivery's body is rendered once, here, so every attempt sends the same bytes with the same
signature and `Idempotency-Key`. The default payload (the `generic` preset) is:

    {"event": "incident.new", "tenant": "...",
     "incident": {"id", "status", "type", "type_label", "threat", "threat_id", "family",
                  "description", "kill_chain", "asset": {"type", "value"}, "offender",
                  "victim", "first_seen", "last_seen", "events", "policy_id", "reopened",
                  "links": {"incident": "/api/v1/incidents/<id>",
                            "evidence": "/api/v1/incidents/<id>/events"}}}
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson

from services.core.clickhouse import Client
from services.core.web import dumps
from services.escalation import delivery_store, store, templates
from services.escalation.models import IncidentRead
from services.escalation.records import Delivery, Policy, Webhook

DELIVERY_NAMESPACE = uuid.UUID("0e7c6d3a-9f1b-4c52-b6a8-7d2e5f4a3b19")
TYPE_LABELS = {"doc": "Declaration of Compromise", "dopv": "Declaration of Policy Violation"}
ZERO = UUID(int=0)


def delivery_id(incident: UUID, webhook: UUID, event: str, generation: int) -> UUID:
    return uuid.uuid5(DELIVERY_NAMESPACE, f"{incident}\x00{webhook}\x00{event}\x00{generation}")


def payload(tenant: str, event: str, read: IncidentRead, policy_type: str) -> dict[str, Any]:
    threat = read.threat
    incident = {
        "id": str(read.id),
        "status": read.status,
        "type": policy_type,
        "type_label": TYPE_LABELS.get(policy_type, policy_type),
        "threat": threat.name if threat else "",
        "threat_id": str(threat.id) if threat else "",
        "family": threat.family if threat else "",
        "description": threat.description if threat else "",
        "kill_chain": read.kill_chain,
        "asset": {"type": read.asset.type, "value": read.asset.value},
        "offender": read.offender,
        "victim": read.victim,
        "first_seen": read.first_seen,
        "last_seen": read.last_seen,
        "events": read.events,
        "policy_id": str(read.policy_id),
        "reopened": read.reopened,
        "links": read.links,
    }
    # Round-trip through JSON so templates see plain strings (ISO 8601 times, text ids).
    data: dict[str, Any] = orjson.loads(
        dumps({"event": event, "tenant": tenant, "incident": incident})
    )
    return data


def targets(ch: Client, tenant: str, policy: Policy) -> list[Webhook]:
    """The enabled webhooks a policy notifies: its list, all of the tenant's (true), or none."""
    chosen = policy.option("webhooks", True)
    if chosen is False or chosen == []:
        return []
    ids = [UUID(str(i)) for i in chosen] if isinstance(chosen, list) else None
    return [h for h in store.webhooks(ch, tenant, ids) if h.enabled]


def rendered(hook: Webhook, data: dict[str, Any]) -> tuple[str, str, str]:
    """(body, content type, error) of `data` through the webhook's template."""
    source = templates.template_source(hook.template, hook.preset)
    try:
        body = templates.render(source, templates.context_for(data))
    except templates.RenderError as exc:
        return "", "text/plain; charset=utf-8", f"template: {exc}"
    return body, templates.content_type(body), ""


def new_delivery(
    tenant: str, hook: Webhook, incident: UUID, event: str, data: dict[str, Any], generation: int
) -> Delivery:
    body, content_type, error = rendered(hook, data)
    now = datetime.now(UTC)
    return Delivery(
        tenant=tenant,
        id=delivery_id(incident, hook.id, event, generation),
        webhook_id=hook.id,
        incident_id=incident,
        event=event,
        body=body,
        content_type=content_type,
        status="failed" if error else "pending",
        attempts=0,
        last_status_code=0,
        last_error=error,
        created_at=now,
        updated_at=now,
    )


def prepare(
    ch: Client, tenant: str, policy: Policy, notices: list[tuple[str, IncidentRead]]
) -> list[UUID]:
    """Write a pending delivery per (notice, webhook); return the ids to send."""
    hooks = targets(ch, tenant, policy)
    if not hooks:
        return []
    wanted: list[Delivery] = []
    for event, read in notices:
        data = payload(tenant, event, read, str(policy.option("type") or "doc"))
        wanted.extend(new_delivery(tenant, h, read.id, event, data, read.reopened) for h in hooks)
    known = delivery_store.deliveries_by_id(ch, tenant, [d.id for d in wanted])
    fresh = [d for d in wanted if d.id not in known]
    delivery_store.insert_deliveries(ch, fresh)
    unsent = [d.id for d in known.values() if d.status == "pending"]  # after a crash
    return [d.id for d in fresh if d.status == "pending"] + unsent


def sample_delivery(ch: Client, tenant: str, hook: Webhook) -> Delivery:
    """A `webhook.test` delivery of the sample incident (not sent yet)."""
    data = templates.sample_payload("webhook.test")
    data["tenant"] = tenant
    item = new_delivery(tenant, hook, ZERO, "webhook.test", data, 0)
    item = item.changed(id=uuid.uuid4())
    delivery_store.insert_deliveries(ch, [item])
    return item
