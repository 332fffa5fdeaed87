"""Endpoints of policies, threats and jobs (incidents: `incident_api`, webhooks: `webhook_api`).

Each endpoint: authenticate (`auth.require`) → parse → logic/store → respond, scoped to the
caller's tenant. Writes accept an optional `comment`, recorded in the audit log.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from services.core.auth import Scope, require
from services.core.clickhouse import Client
from services.core.deps import Deps
from services.core.errors import Invalid, NotFound
from services.core.openapi import documents
from services.core.web import JSON, parse_datetime, read_model
from services.escalation import backfill, job_store, jobs, policies, store, threats
from services.escalation.models import (
    AuditRead,
    BackfillCreate,
    JobRead,
    PolicyCreate,
    PolicyPage,
    PolicyRead,
    PolicyUpdate,
    ThreatCreate,
    ThreatPage,
    ThreatRead,
)
from services.escalation.records import Job, Policy
from services.escalation.tasks import RUN_BACKFILL


def deps_of(request: Request) -> Deps:
    deps: Deps = request.app.state.deps
    return deps


def path_id(request: Request, what: str) -> UUID:
    raw = request.path_params["id"]
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound(f"no {what} {raw!r} (ids are UUIDs)") from None


def found_policy(ch: Client, tenant: str, request: Request) -> Policy:
    policy_id = path_id(request, "policy")
    policy = store.policy(ch, tenant, policy_id)
    if policy is None:
        raise NotFound(f"no policy {policy_id}")
    return policy


def start_backfill(
    deps: Deps, policy: Policy, start: datetime, end: datetime, webhooks: bool, actor: str
) -> Job:
    job = backfill.create_job(deps.ch, policy, start, end, webhooks, actor)
    deps.celery.send_task(RUN_BACKFILL, kwargs={"tenant": policy.tenant, "job_id": str(job.id)})
    return job


@documents(returns=PolicyPage)
async def list_policies(request: Request) -> Response:
    """
    summary: List policies in application order
    responses:
      200: {description: "policies, each with events_seen and events_acted"}
    """
    principal = require(request, Scope.READ)
    ch = deps_of(request).ch
    items = policies.policy_reads(ch, principal.tenant, store.policies(ch, principal.tenant))
    return JSON(PolicyPage(items=items))


@documents(body=PolicyCreate, returns=PolicyRead, status=201)
async def create_policy(request: Request) -> Response:
    """
    summary: Create a policy (tag, declare or suppress)
    description: >-
      Body fields: action, query | content | filter_set, description, enabled, position,
      comment; tag (for tag); type, threat, offender_key, victim_key, victim_type,
      track_offender, track_victim, webhooks, history, history_webhooks (for declare).
      With history true, a backfill job over all stored history starts (backfill_job).
    responses:
      201: {description: the policy}
      400: {description: invalid body (the message names the field)}
    """
    principal = require(request, Scope.WRITE)
    deps = deps_of(request)
    body = await read_model(request, PolicyCreate)
    policy = policies.create_policy(deps.ch, principal, body)
    read = policies.policy_reads(deps.ch, principal.tenant, [policy])[0]
    if body.history:
        start, end = backfill.history_range(deps.ch, principal.tenant, deps.settings.retention_days)
        job = start_backfill(deps, policy, start, end, body.history_webhooks, principal.name)
        read.backfill_job = job.id
    return JSON(read, status_code=201)


@documents(returns=PolicyRead)
async def get_policy(request: Request) -> Response:
    """
    summary: One policy
    responses:
      200: {description: the policy}
      404: {description: no such policy}
    """
    principal = require(request, Scope.READ)
    ch = deps_of(request).ch
    policy = found_policy(ch, principal.tenant, request)
    return JSON(policies.policy_reads(ch, principal.tenant, [policy])[0])


@documents(body=PolicyUpdate, returns=PolicyRead)
async def update_policy(request: Request) -> Response:
    """
    summary: Change a policy (any subset of the create fields, plus comment)
    responses:
      200: {description: the policy}
      400: {description: invalid body}
      404: {description: no such policy}
    """
    principal = require(request, Scope.WRITE)
    ch = deps_of(request).ch
    policy = found_policy(ch, principal.tenant, request)
    body = await read_model(request, PolicyUpdate)
    changed = policies.update_policy(ch, principal, policy, body)
    return JSON(policies.policy_reads(ch, principal.tenant, [changed])[0])


async def delete_policy(request: Request) -> Response:
    """
    summary: Delete a policy (what it already wrote stays); optional ?comment=
    responses:
      204: {description: deleted}
      404: {description: no such policy}
    """
    principal = require(request, Scope.WRITE)
    ch = deps_of(request).ch
    policy = found_policy(ch, principal.tenant, request)
    policies.delete_policy(ch, principal, policy, request.query_params.get("comment", ""))
    return Response(status_code=204)


async def policy_audit(request: Request) -> Response:
    """
    summary: Audit log of a policy (who, when, what, comment)
    responses:
      200: {description: entries, newest first}
    """
    principal = require(request, Scope.READ)
    ch = deps_of(request).ch
    policy_id = path_id(request, "policy")
    entries = store.audit_entries(ch, principal.tenant, "policy", policy_id)
    return JSON({"items": [AuditRead(**e) for e in entries]})


@documents(body=BackfillCreate, returns=JobRead, status=202)
async def create_backfill(request: Request) -> Response:
    """
    summary: Apply a policy to history (a background job)
    description: "Body: {from, to, webhooks}; from defaults to the first stored event, to to now."
    responses:
      202: {description: the job}
      404: {description: no such policy}
    """
    principal = require(request, Scope.WRITE)
    deps = deps_of(request)
    policy = found_policy(deps.ch, principal.tenant, request)
    body = await read_model(request, BackfillCreate)
    first, last = backfill.history_range(deps.ch, principal.tenant, deps.settings.retention_days)
    start, end = body.from_ or first, body.to or last
    webhooks = policy.option("history_webhooks", False) if body.webhooks is None else body.webhooks
    job = start_backfill(deps, policy, start, end, bool(webhooks), principal.name)
    store.insert_audit(
        deps.ch,
        principal.tenant,
        principal.name,
        "policy.backfill",
        "policy",
        policy.id,
        body.comment,
        {"job": str(job.id), "from": start.isoformat(), "to": end.isoformat()},
    )
    return JSON(jobs.job_read(job, job_store.progress(deps.ch, principal.tenant, job.id)), 202)


@documents(returns=JobRead)
async def get_job(request: Request) -> Response:
    """
    summary: A job's state and progress (chunks and events done/total, ETA)
    responses:
      200: {description: the job}
      404: {description: no such job}
    """
    principal = require(request, Scope.READ)
    ch = deps_of(request).ch
    job_id = path_id(request, "job")
    job = job_store.job(ch, principal.tenant, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    return JSON(jobs.job_read(job, job_store.progress(ch, principal.tenant, job_id)))


@documents(returns=JobRead, status=202)
async def cancel_job(request: Request) -> Response:
    """
    summary: Cancel a job (before its next chunk); optional ?comment=
    responses:
      202: {description: the job}
      404: {description: no such job}
    """
    principal = require(request, Scope.WRITE)
    ch = deps_of(request).ch
    job_id = path_id(request, "job")
    job = job_store.job(ch, principal.tenant, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    job = jobs.cancel_job(ch, principal, job, request.query_params.get("comment", ""))
    return JSON(jobs.job_read(job, job_store.progress(ch, principal.tenant, job_id)), 202)


@documents(returns=ThreatPage)
async def list_threats(request: Request) -> Response:
    """
    summary: Threats and their families (?family= filters)
    responses:
      200: {description: "{items, families}"}
    """
    principal = require(request, Scope.READ)
    ch = deps_of(request).ch
    family = request.query_params.get("family", "")
    items = store.threats(ch, principal.tenant, family)
    families = sorted({t.family for t in store.threats(ch, principal.tenant) if t.family})
    return JSON(ThreatPage(items=[threats.threat_read(t) for t in items], families=families))


@documents(body=ThreatCreate, returns=ThreatRead, status=201)
async def create_threat(request: Request) -> Response:
    """
    summary: Create a threat (name, family, description, kill_chain)
    responses:
      201: {description: the threat}
      409: {description: a threat of that name exists}
    """
    principal = require(request, Scope.WRITE)
    ch = deps_of(request).ch
    body = await read_model(request, ThreatCreate)
    return JSON(threats.threat_read(threats.create_threat(ch, principal, body)), status_code=201)


@documents(returns=ThreatRead)
async def get_threat(request: Request) -> Response:
    """
    summary: One threat
    responses:
      200: {description: the threat}
      404: {description: no such threat}
    """
    principal = require(request, Scope.READ)
    threat_id = path_id(request, "threat")
    threat = store.threat(deps_of(request).ch, principal.tenant, threat_id)
    if threat is None:
        raise NotFound(f"no threat {threat_id}")
    return JSON(threats.threat_read(threat))


def optional_datetime(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    return parse_datetime(raw, name) if raw else None


def uuid_param(request: Request, name: str) -> UUID | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError:
        raise Invalid(f"parameter {name!r}: {raw!r} is not a UUID") from None
