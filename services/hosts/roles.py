"""Roles a host plays, inferred from what it serves (`role_evidence` rows) and how many clients
its proxy ports have. The rules live in `services.core.host_fields.ROLES` so that host filters
(`role:domain_controller`) and host documents agree."""

from __future__ import annotations

from collections.abc import Iterable

from services.core.host_fields import PROXY_CLIENT, ROLES
from services.hosts.models import RoleRead
from services.hosts.store import AttributeRow


def roles_from_rows(rows: Iterable[AttributeRow]) -> list[RoleRead]:
    """The roles shown by a host's rows (role evidence and distinct client peers)."""
    evidence: set[str] = set()
    clients = 0
    for row in rows:
        if row.attribute == "role_evidence":
            evidence.add(row.value)
        elif row.attribute == PROXY_CLIENT:
            clients = max(clients, row.distinct)
    return [
        RoleRead(
            name=rule.name,
            description=rule.description,
            evidence=sorted(e for e in (*rule.all_of, *rule.any_of) if e in evidence),
        )
        for rule in ROLES
        if rule.holds(evidence, clients)
    ]
