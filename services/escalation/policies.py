"""Policies: validation, filter compilation, threats, and create/update/delete with audit.

A policy is a filter (text `query`, Stamus `content`, or a `filter_set` id copied in at save
time) and an action: `tag` (relevant / informational), `declare` (DoC / DoPV with a threat,
offender and victim keys → declarations and incidents) or `suppress`. Enabled policies apply in
`position` order; an event suppressed by an earlier policy is not acted on by later ones.
Every change is written to `audit_log` with the token name and an optional comment.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from services.core import fields, filter_sets, lists
from services.core.auth import Principal
from services.core.clickhouse import Client
from services.core.errors import Invalid, NotFound
from services.core.filters import compile_filter, parse_query, parse_stamus
from services.core.filters.ast import Node
from services.core.web import validate
from services.escalation import store
from services.escalation.apply import VICTIM_EXPRESSIONS, CompiledFilter
from services.escalation.models import PolicyCreate, PolicyRead, PolicyUpdate
from services.escalation.records import Policy, Threat
from services.escalation.threats import resolve_threat, threat_read

ACTION_OPTIONS = {
    "tag": ("tag",),
    "declare": ("type", "threat", "offender_key", "victim_key", "victim_type"),
    "suppress": (),
}
SPEC_EXCLUDE = {"comment", "position", "enabled", "action"}


def _fail(problems: list[tuple[str, str]]) -> None:
    if problems:
        summary = "; ".join(f"{name}: {message}" for name, message in problems)
        details = [{"field": name, "message": message} for name, message in problems]
        raise Invalid(f"invalid request body — {summary}", details=details)


def check_policy(body: PolicyCreate) -> None:
    """Cross-field rules of a policy body; the error names every wrong field."""
    problems: list[tuple[str, str]] = []
    sources = [n for n in ("query", "content", "filter_set") if getattr(body, n) is not None]
    if not sources:
        problems.append(("query", "field required (or content, or filter_set)"))
    elif len(sources) > 1:
        problems.append((sources[1], f"give only one of query, content, filter_set ({sources})"))
    for action, options in ACTION_OPTIONS.items():
        for name in options:
            if action != body.action and getattr(body, name) is not None:
                problems.append((name, f"only for action {action!r}"))
    if body.action == "tag" and body.tag is None:
        problems.append(("tag", "field required"))
    if body.action == "declare":
        problems.extend(_declare_problems(body))
    _fail(problems)


def _declare_problems(body: PolicyCreate) -> list[tuple[str, str]]:
    problems = []
    for name in ("type", "threat", "offender_key"):
        if getattr(body, name) is None:
            problems.append((name, "field required"))
    if body.threat is not None and body.threat.id is None and body.threat.name is None:
        problems.append(("threat.name", "field required"))
    if not body.track_offender and not body.track_victim:
        problems.append(("track_offender", "track the offender, the victim, or both"))
    if body.track_victim or body.victim_key or body.victim_type:
        if body.victim_type is None:
            problems.append(("victim_type", "field required"))
        if body.victim_key is None:
            problems.append(("victim_key", "field required"))
        elif body.victim_type and body.victim_key not in VICTIM_EXPRESSIONS[body.victim_type]:
            allowed = ", ".join(VICTIM_EXPRESSIONS[body.victim_type])
            problems.append(("victim_key", f"for victim_type {body.victim_type}: one of {allowed}"))
    return problems


def filter_of(spec: dict[str, Any]) -> tuple[str | None, list[dict[str, Any]] | None]:
    """The text query or Stamus content the policy filters with (filter sets resolved)."""
    return spec.get("resolved_query") or spec.get("query"), (
        spec.get("resolved_content") or spec.get("content")
    )


def filter_ast(spec: dict[str, Any]) -> Node:
    """The parsed filter of a policy; Invalid (naming the position) when it does not parse."""
    query, content = filter_of(spec)
    if query is not None:
        return parse_query(query)
    if content is not None:
        return parse_stamus(content)
    raise Invalid("query: the policy has no filter")


def compile_spec(spec: dict[str, Any], tenant: str) -> CompiledFilter:
    """Compile a policy's filter; Invalid (naming the field and position) when it is wrong."""
    compiled = compile_filter(filter_ast(spec), fields.EVENT_FIELDS, tenant=tenant)
    return CompiledFilter(sql=compiled.sql, params=dict(compiled.params))


def compile_policy(policy: Policy) -> CompiledFilter:
    return compile_spec(policy.spec, policy.tenant)


def _spec(ch: Client, principal: Principal, body: PolicyCreate) -> dict[str, Any]:
    spec = body.model_dump(mode="json", exclude=SPEC_EXCLUDE)
    if body.filter_set is not None:
        try:
            source = filter_sets.resolve(ch, principal.tenant, body.filter_set)
        except NotFound as exc:
            raise Invalid(f"filter_set: {exc.message}") from None
        spec["resolved_query"] = source.query
        spec["resolved_content"] = source.content
    try:
        compile_spec(spec, principal.tenant)
        lists.check_references(ch, principal.tenant, filter_ast(spec))
    except Invalid as exc:
        where = "filter_set" if body.filter_set else ("query" if body.query else "content")
        raise Invalid(f"{where}: {exc.message}", exc.details) from exc
    if body.threat is not None:
        threat = resolve_threat(ch, principal, body.threat, body.type or "doc")
        spec["threat"] = {"id": str(threat.id)}
    if isinstance(body.webhooks, list):
        known = {h.id for h in store.webhooks(ch, principal.tenant, body.webhooks)}
        missing = [str(i) for i in body.webhooks if i not in known]
        if missing:
            _fail([("webhooks", f"no webhook {', '.join(missing)}")])
    return spec


def create_policy(ch: Client, principal: Principal, body: PolicyCreate) -> Policy:
    check_policy(body)
    spec = _spec(ch, principal, body)
    now = datetime.now(UTC)
    position = (
        body.position if body.position is not None else store.next_position(ch, principal.tenant)
    )
    policy = Policy(
        tenant=principal.tenant,
        id=uuid.uuid4(),
        position=position,
        action=body.action,
        enabled=body.enabled,
        spec=spec,
        created_at=now,
        created_by=principal.name,
        updated_at=now,
        updated_by=principal.name,
    )
    store.insert_policy(ch, policy)
    audit(ch, principal, "policy.create", policy, body.comment, body.model_dump(mode="json"))
    return policy


def merged_body(policy: Policy, update: PolicyUpdate) -> PolicyCreate:
    current = {k: v for k, v in policy.spec.items() if not k.startswith("resolved_")}
    current.update(action=policy.action, enabled=policy.enabled, position=policy.position)
    changes = update.model_dump(mode="json", exclude_unset=True, exclude={"comment"})
    for source in ("query", "content", "filter_set"):
        if changes.get(source) is not None:  # a new filter replaces the old one
            current.update(query=None, content=None, filter_set=None)
    if changes.get("action") not in (None, policy.action):
        for name in (n for options in ACTION_OPTIONS.values() for n in options):
            current[name] = None
    current.update(changes)
    return validate(PolicyCreate, current)  # Invalid naming the field, as for a new policy


def update_policy(ch: Client, principal: Principal, policy: Policy, update: PolicyUpdate) -> Policy:
    body = merged_body(policy, update)
    check_policy(body)
    spec = _spec(ch, principal, body)
    changed = policy.changed(
        position=body.position if body.position is not None else policy.position,
        action=body.action,
        enabled=body.enabled,
        spec=spec,
        updated_at=datetime.now(UTC),
        updated_by=principal.name,
    )
    store.insert_policy(ch, changed)
    details = update.model_dump(mode="json", exclude_unset=True, exclude={"comment"})
    audit(ch, principal, "policy.update", changed, update.comment, details)
    return changed


def delete_policy(ch: Client, principal: Principal, policy: Policy, comment: str) -> None:
    """Soft-delete: the policy stops applying; what it already wrote stays."""
    changed = policy.changed(updated_at=datetime.now(UTC), updated_by=principal.name)
    store.insert_policy(ch, changed, deleted=True)
    audit(ch, principal, "policy.delete", policy, comment, {})


def audit(
    ch: Client,
    principal: Principal,
    action: str,
    policy: Policy,
    comment: str,
    details: dict[str, Any],
) -> None:
    store.insert_audit(
        ch, principal.tenant, principal.name, action, "policy", policy.id, comment, details
    )


def policy_reads(ch: Client, tenant: str, items: list[Policy]) -> list[PolicyRead]:
    counts = store.policy_counts(ch, tenant, items)
    ids = [p.threat_id for p in items if p.threat_id is not None]
    threats = store.threats_by_id(ch, tenant, ids)
    return [
        policy_read(p, threats.get(p.threat_id) if p.threat_id else None, counts[p.id])
        for p in items
    ]


def policy_read(policy: Policy, threat: Threat | None, counts: tuple[int, int]) -> PolicyRead:
    spec = policy.spec
    webhooks = spec.get("webhooks", True)
    return PolicyRead(
        id=policy.id,
        position=policy.position,
        action=policy.action,
        enabled=policy.enabled,
        description=spec.get("description", ""),
        query=spec.get("query"),
        content=spec.get("content"),
        filter_set=spec.get("filter_set"),
        tag=spec.get("tag"),
        type=spec.get("type"),
        threat=threat_read(threat) if threat else None,
        offender_key=spec.get("offender_key"),
        victim_key=spec.get("victim_key"),
        victim_type=spec.get("victim_type"),
        track_offender=bool(spec.get("track_offender", True)),
        track_victim=bool(spec.get("track_victim", False)),
        webhooks=[UUID(str(i)) for i in webhooks] if isinstance(webhooks, list) else bool(webhooks),
        history=bool(spec.get("history", False)),
        history_webhooks=bool(spec.get("history_webhooks", False)),
        created_at=policy.created_at,
        created_by=policy.created_by,
        updated_at=policy.updated_at,
        updated_by=policy.updated_by,
        events_seen=counts[0],
        events_acted=counts[1],
    )
