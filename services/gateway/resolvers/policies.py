"""Policies (tag / declare / suppress), their backfill jobs, threats and declarations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.resolvers.outcome import or_none, outcome
from services.gateway.types.connection import Connection, connection
from services.gateway.types.declaration import Declaration
from services.gateway.types.deleted import Deleted
from services.gateway.types.job import Job
from services.gateway.types.policy import Policy
from services.gateway.types.policy_input import BackfillInput, PolicyInput, PolicyPatch
from services.gateway.types.results import DeleteResult, JobResult, PolicyResult, ThreatResult
from services.gateway.types.threat import Threat
from services.gateway.types.threat_input import ThreatCreateInput

POLICIES = "/api/v1/policies"


def _policy(id_: str) -> str:
    return f"{POLICIES}/{quote(id_, safe='')}"


def _job(id_: str) -> str:
    return f"/api/v1/jobs/{quote(id_, safe='')}"


async def policies(info: Info[Context, None]) -> list[Policy]:
    """The tenant's policies, in application order."""
    data = await info.context.api.escalation.get(POLICIES)
    return [Policy.from_json(item) for item in wire.items(data, "policies")]


async def policy(info: Info[Context, None], id: strawberry.ID) -> Policy | None:
    """One policy; null if there is none with this id."""
    return await info.context.loaders.policy_by_id.load(str(id))


async def threats(info: Info[Context, None], family: str | None = None) -> list[Threat]:
    """Threats, optionally of one family."""
    data = await info.context.api.escalation.get("/api/v1/threats", {"family": family})
    return [Threat.from_json(item) for item in wire.items(data, "threats")]


async def threat(info: Info[Context, None], id: strawberry.ID) -> Threat | None:
    """One threat; null if there is none with this id."""
    return await info.context.loaders.threat_by_id.load(str(id))


async def threat_families(info: Info[Context, None]) -> list[str]:
    """The threat families in use, for pickers."""
    data = await info.context.api.escalation.get("/api/v1/threats")
    return wire.strings(data.get("families")) if isinstance(data, dict) else []


async def job(info: Info[Context, None], id: strawberry.ID) -> Job | None:
    """One job with its progress; null if there is none with this id."""

    async def get() -> Job:
        return Job.from_json(await info.context.api.escalation.get(_job(id)))

    return await or_none(get())


async def declarations(
    info: Info[Context, None],
    policy_id: strawberry.ID | None = None,
    from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
    to: datetime | None = None,
    first: int = 100,
    after: str | None = None,
) -> Connection[Declaration]:
    """Escalated events, newest first, optionally of one policy."""
    params = {
        "policy": policy_id,
        "from": from_.isoformat() if from_ else None,
        "to": to.isoformat() if to else None,
        "limit": first,
        "cursor": after,
    }
    data = await info.context.api.escalation.get("/api/v1/declarations", params)
    return connection(data, Declaration.from_json, "declarations")


async def create_threat(info: Info[Context, None], input: ThreatCreateInput) -> ThreatResult:
    """Create a threat (a name already taken is a validation error)."""

    async def create() -> Threat:
        data = await info.context.api.escalation.post("/api/v1/threats", input.body())
        return Threat.from_json(data)

    return await outcome(create())


async def create_policy(info: Info[Context, None], input: PolicyInput) -> PolicyResult:
    """Create a policy; a `declare` policy with `history` also starts a backfill job."""

    async def create() -> Policy:
        return Policy.from_json(await info.context.api.escalation.post(POLICIES, input.body()))

    return await outcome(create())


async def update_policy(
    info: Info[Context, None], id: strawberry.ID, input: PolicyPatch
) -> PolicyResult:
    """Change a policy (enable, disable, reorder, edit its filter)."""

    async def update() -> Policy:
        data = await info.context.api.escalation.patch(_policy(id), input.body())
        return Policy.from_json(data)

    return await outcome(update())


async def delete_policy(
    info: Info[Context, None], id: strawberry.ID, comment: str | None = None
) -> DeleteResult:
    """Delete a policy (what it already did to events stays); the comment is audited."""

    async def delete() -> Deleted:
        await info.context.api.escalation.delete(_policy(id), {"comment": comment})
        return Deleted(id=id)

    return await outcome(delete())


async def backfill_policy(
    info: Info[Context, None], id: strawberry.ID, input: BackfillInput
) -> JobResult:
    """Apply a policy to historical events in a background job."""

    async def start() -> Job:
        data = await info.context.api.escalation.post(f"{_policy(id)}/backfill", input.body())
        return Job.from_json(data)

    return await outcome(start())


async def cancel_job(
    info: Info[Context, None], id: strawberry.ID, comment: str | None = None
) -> JobResult:
    """Cancel a job (it stops before its next chunk)."""

    async def cancel() -> Job:
        path = f"{_job(id)}/cancel"
        return Job.from_json(
            await info.context.api.escalation.post(path, None, {"comment": comment})
        )

    return await outcome(cancel())
