"""Runs: policies applied to a window — a live ingest batch or a backfill chunk.

Both go through `run_policy` → `apply.apply_policy` (the one SQL path) → for `declare`
policies `incidents.escalate`. A live run applies every enabled policy in `position` order;
events suppressed by an earlier `suppress` policy are skipped by later ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from services.core.clickhouse import Client
from services.escalation import apply, incidents, policies, store
from services.escalation.apply import Window
from services.escalation.records import Policy


@dataclass
class RunResult:
    events_seen: int = 0
    acted: dict[UUID, int] = field(default_factory=dict)
    deliveries: list[UUID] = field(default_factory=list)


def suppressors_before(items: list[Policy], target: Policy) -> list[UUID]:
    """Enabled suppress policies placed before `target` (their suppressions hide events)."""
    earlier = []
    for item in items:
        if item.id == target.id:
            break
        if item.enabled and item.action == "suppress":
            earlier.append(item.id)
    return earlier


def run_policy(
    ch: Client,
    window: Window,
    policy: Policy,
    suppressors: list[UUID],
    notify: bool,
) -> tuple[int, list[UUID]]:
    """Apply one policy to `window`; (events newly acted on, deliveries to send)."""
    threat = store.threat(ch, policy.tenant, policy.threat_id) if policy.threat_id else None
    compiled = policies.compile_policy(policy)
    acted = apply.apply_policy(ch, window, policy, compiled, threat, suppressors)
    deliveries: list[UUID] = []
    if policy.action == "declare":
        deliveries = incidents.escalate(ch, window, policy, notify)
    return acted, deliveries


def run_batch(ch: Client, window: Window) -> RunResult:
    """Apply the tenant's enabled policies, in order, to one ingest batch."""
    items = store.policies(ch, window.tenant)
    enabled = [p for p in items if p.enabled]
    result = RunResult()
    if not enabled:
        return result
    result.events_seen = apply.events_in_window(ch, window)
    for policy in enabled:
        acted, deliveries = run_policy(
            ch, window, policy, suppressors_before(items, policy), notify=True
        )
        result.acted[policy.id] = acted
        result.deliveries.extend(deliveries)
        store.insert_policy_run(
            ch, window.tenant, policy.id, f"batch:{window.batch_id}", result.events_seen
        )
    return result
