"""A background job (a backfill) with its progress."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="A background job: state and progress (chunks and events).")
class Job:
    id: strawberry.ID
    kind: str
    policy_id: strawberry.ID | None
    status: str
    range_start: datetime | None
    range_end: datetime | None
    chunks_total: int
    chunks_done: int
    events_total: int
    events_done: int
    events_acted: int
    webhooks: bool
    eta_seconds: float | None
    error: str | None
    created_at: datetime | None
    created_by: str | None
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Job:
        policy_id = data.get("policy_id")
        eta = data.get("eta_seconds")
        return cls(
            id=strawberry.ID(str(data.get("id", ""))),
            kind=str(data.get("kind", "")),
            policy_id=strawberry.ID(str(policy_id)) if policy_id else None,
            status=str(data.get("status", "")),
            range_start=wire.timestamp(data.get("range_start")),
            range_end=wire.timestamp(data.get("range_end")),
            chunks_total=int(data.get("chunks_total", 0) or 0),
            chunks_done=int(data.get("chunks_done", 0) or 0),
            events_total=int(data.get("events_total", 0) or 0),
            events_done=int(data.get("events_done", 0) or 0),
            events_acted=int(data.get("events_acted", 0) or 0),
            webhooks=bool(data.get("webhooks", False)),
            eta_seconds=float(eta) if isinstance(eta, int | float) else None,
            error=wire.text(data.get("error")) or None,
            created_at=wire.timestamp(data.get("created_at")),
            created_by=wire.text(data.get("created_by")),
            started_at=wire.timestamp(data.get("started_at")),
            finished_at=wire.timestamp(data.get("finished_at")),
        )
