"""Typed rows of the escalation tables, as `store` reads and writes them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class Policy:
    """A policy row; `spec` is the validated create body (filter and action options)."""

    tenant: str
    id: UUID
    position: int
    action: str
    enabled: bool
    spec: dict[str, Any]
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str

    def option(self, name: str, default: Any = None) -> Any:
        return self.spec.get(name, default)

    @property
    def threat_id(self) -> UUID | None:
        threat = self.spec.get("threat") or {}
        value = threat.get("id")
        return UUID(str(value)) if value else None

    def changed(self, **values: Any) -> Policy:
        return replace(self, **values)


@dataclass(frozen=True)
class Threat:
    id: UUID
    name: str
    family: str
    description: str
    kill_chain: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class Webhook:
    tenant: str
    id: UUID
    name: str
    url: str
    secret: str
    template: str
    preset: str
    enabled: bool
    created_at: datetime
    updated_at: datetime

    def changed(self, **values: Any) -> Webhook:
        return replace(self, **values)


@dataclass(frozen=True)
class Incident:
    tenant: str
    id: UUID
    threat_id: UUID
    asset_type: str
    asset: str
    policy_id: UUID
    status: str
    opened_at: datetime
    status_changed_at: datetime
    reopened: int
    comment: str
    updated_by: str

    def changed(self, **values: Any) -> Incident:
        return replace(self, **values)


@dataclass(frozen=True)
class IncidentStats:
    """What an incident's declarations say: when, how many, how far along the kill chain."""

    first_seen: datetime | None = None
    last_seen: datetime | None = None
    events: int = 0
    kill_chain: str = ""
    offender: str = ""
    victim: str = ""


@dataclass(frozen=True)
class Attempt:
    at: datetime
    attempt: int
    status_code: int
    error: str
    duration_ms: int


@dataclass(frozen=True)
class Delivery:
    tenant: str
    id: UUID
    webhook_id: UUID
    incident_id: UUID
    event: str
    body: str
    content_type: str
    status: str
    attempts: int
    last_status_code: int
    last_error: str
    created_at: datetime
    updated_at: datetime
    log: tuple[Attempt, ...] = ()

    def changed(self, **values: Any) -> Delivery:
        return replace(self, **values)


@dataclass(frozen=True)
class Job:
    tenant: str
    id: UUID
    kind: str
    policy_id: UUID
    status: str
    range_start: datetime
    range_end: datetime
    chunk_seconds: int
    chunks_total: int
    events_total: int
    webhooks: bool
    created_at: datetime
    created_by: str
    started_at: datetime | None
    finished_at: datetime | None
    error: str

    def changed(self, **values: Any) -> Job:
        return replace(self, **values)


@dataclass(frozen=True)
class JobProgress:
    chunks_done: set[int] = field(default_factory=set)
    events_done: int = 0
    events_acted: int = 0
    last_done_at: datetime | None = None
