"""Threats and their families: created explicitly or inline by a `declare` policy.

A threat's id is derived from its tenant and lower-cased name, so naming the same threat in
several policies (or creating it twice) yields one threat.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.core.auth import Principal
from services.core.clickhouse import Client
from services.core.errors import Conflict, Invalid
from services.escalation import store
from services.escalation.models import ThreatCreate, ThreatRead, ThreatSpec
from services.escalation.records import Threat

THREAT_NAMESPACE = uuid.UUID("6f1c8f9e-2b7a-4d0e-9a51-5e1d0c3b7a40")
DEFAULT_PHASE = {"doc": "command_and_control", "dopv": "policy_violation"}


def threat_id(tenant: str, name: str) -> uuid.UUID:
    return uuid.uuid5(THREAT_NAMESPACE, f"{tenant}\x00{name.strip().lower()}")


def create_threat(ch: Client, principal: Principal, body: ThreatCreate) -> Threat:
    """A new threat; Conflict when the tenant already has one of that name."""
    new_id = threat_id(principal.tenant, body.name)
    if store.threat(ch, principal.tenant, new_id) is not None:
        raise Conflict(f"a threat named {body.name!r} already exists (id {new_id})")
    threat = Threat(
        id=new_id,
        name=body.name.strip(),
        family=body.family.strip(),
        description=body.description,
        kill_chain=body.kill_chain,
        created_at=datetime.now(UTC),
        created_by=principal.name,
    )
    store.insert_threat(ch, principal.tenant, threat)
    store.insert_audit(
        ch,
        principal.tenant,
        principal.name,
        "threat.create",
        "threat",
        threat.id,
        body.comment,
        body.model_dump(mode="json", exclude={"comment"}),
    )
    return threat


def resolve_threat(ch: Client, principal: Principal, spec: ThreatSpec, kind: str) -> Threat:
    """The threat a policy names: `{id}` must exist; `{name, ...}` is reused or created."""
    if spec.id is not None:
        found = store.threat(ch, principal.tenant, spec.id)
        if found is None:
            raise Invalid(f"invalid request body — threat.id: no threat {spec.id}")
        return found
    if spec.name is None:
        raise Invalid("invalid request body — threat.name: field required")
    existing = store.threat(ch, principal.tenant, threat_id(principal.tenant, spec.name))
    if existing is not None:
        return existing
    body = ThreatCreate(
        name=spec.name,
        family=spec.family,
        description=spec.description,
        kill_chain=spec.kill_chain or DEFAULT_PHASE.get(kind, "command_and_control"),
    )
    return create_threat(ch, principal, body)


def threat_read(threat: Threat) -> ThreatRead:
    return ThreatRead(
        id=threat.id,
        name=threat.name,
        family=threat.family,
        description=threat.description,
        kill_chain=threat.kill_chain,
        created_at=threat.created_at,
        created_by=threat.created_by,
    )
