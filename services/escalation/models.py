"""Wire models of the escalation API: policies, threats, incidents, webhooks, jobs, declarations.

Create bodies forbid unknown fields; cross-field rules (a `declare` policy needs a threat, ...)
are checked in `policies.validate_policy`, which names the field that is wrong.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

Action = Literal["tag", "declare", "suppress"]
TagName = Literal["relevant", "informational"]
DeclarationType = Literal["doc", "dopv"]
OffenderKey = Literal["src_ip", "dest_ip"]
VictimType = Literal["ip", "username", "mail"]
KillChain = Literal[
    "reconnaissance",
    "weaponization",
    "delivery",
    "exploitation",
    "installation",
    "command_and_control",
    "actions_on_objectives",
    "policy_violation",
]
IncidentStatus = Literal["new", "fixed", "closed"]
Preset = Literal["slack", "teams", "generic"]

# Kill-chain phases in order: an incident reports the furthest phase its declarations reached.
KILL_CHAIN: tuple[str, ...] = (
    "reconnaissance",
    "weaponization",
    "delivery",
    "exploitation",
    "installation",
    "command_and_control",
    "actions_on_objectives",
    "policy_violation",
)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ThreatSpec(Body):
    """A threat inline in a policy: `{id}` of an existing one, or `{name, ...}` to create it."""

    id: UUID | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    family: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=10_000)
    kill_chain: KillChain | None = None


class ThreatCreate(Body):
    name: str = Field(min_length=1, max_length=200)
    family: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=10_000)
    kill_chain: KillChain = "command_and_control"
    comment: str = ""


class ThreatRead(BaseModel):
    id: UUID
    name: str
    family: str
    description: str
    kill_chain: str
    created_at: datetime
    created_by: str


class ThreatPage(BaseModel):
    items: list[ThreatRead]
    families: list[str]


class PolicyCreate(Body):
    action: Action
    query: str | None = Field(default=None, max_length=100_000)
    content: list[dict[str, Any]] | None = None
    filter_set: str | None = Field(default=None, min_length=1, max_length=300)
    description: str = Field(default="", max_length=10_000)
    enabled: bool = True
    position: int | None = None
    comment: str = Field(default="", max_length=10_000)
    # tag
    tag: TagName | None = None
    # declare
    type: DeclarationType | None = None
    threat: ThreatSpec | None = None
    offender_key: OffenderKey | None = None
    victim_key: str | None = None
    victim_type: VictimType | None = None
    track_offender: bool = True
    track_victim: bool = False
    webhooks: list[UUID] | bool = True
    history: bool = False
    history_webhooks: bool = False


class PolicyUpdate(Body):
    """Any subset of the create fields; the merged policy is validated like a new one."""

    action: Action | None = None
    query: str | None = Field(default=None, max_length=100_000)
    content: list[dict[str, Any]] | None = None
    filter_set: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    enabled: bool | None = None
    position: int | None = None
    comment: str = Field(default="", max_length=10_000)
    tag: TagName | None = None
    type: DeclarationType | None = None
    threat: ThreatSpec | None = None
    offender_key: OffenderKey | None = None
    victim_key: str | None = None
    victim_type: VictimType | None = None
    track_offender: bool | None = None
    track_victim: bool | None = None
    webhooks: list[UUID] | bool | None = None
    history: bool | None = None
    history_webhooks: bool | None = None


class PolicyDelete(Body):
    comment: str = Field(default="", max_length=10_000)


class PolicyRead(BaseModel):
    id: UUID
    position: int
    action: str
    enabled: bool
    description: str
    query: str | None
    content: list[dict[str, Any]] | None
    filter_set: str | None
    tag: str | None
    type: str | None
    threat: ThreatRead | None
    offender_key: str | None
    victim_key: str | None
    victim_type: str | None
    track_offender: bool
    track_victim: bool
    webhooks: list[UUID] | bool
    history: bool
    history_webhooks: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    events_seen: int
    events_acted: int
    backfill_job: UUID | None = None


class PolicyPage(BaseModel):
    items: list[PolicyRead]


class AuditRead(BaseModel):
    at: datetime
    actor: str
    action: str
    comment: str
    details: dict[str, Any]


class BackfillCreate(Body):
    from_: datetime | None = Field(default=None, alias="from")
    to: datetime | None = None
    webhooks: bool | None = None
    comment: str = Field(default="", max_length=10_000)


class JobRead(BaseModel):
    id: UUID
    kind: str
    policy_id: UUID
    status: str
    range_start: datetime
    range_end: datetime
    chunk_seconds: int
    chunks_total: int
    chunks_done: int
    events_total: int
    events_done: int
    events_acted: int  # events the job's chunks newly tagged / declared / suppressed
    webhooks: bool
    created_at: datetime
    created_by: str
    started_at: datetime | None
    finished_at: datetime | None
    eta_seconds: float | None
    error: str


class IncidentUpdate(Body):
    status: IncidentStatus | None = None
    comment: str = Field(default="", max_length=10_000)


class AssetRead(BaseModel):
    type: str
    value: str


class IncidentRead(BaseModel):
    id: UUID
    status: str
    threat: ThreatRead | None
    kill_chain: str
    asset: AssetRead
    offender: str
    victim: str
    policy_id: UUID
    first_seen: datetime | None
    last_seen: datetime | None
    events: int
    opened_at: datetime
    status_changed_at: datetime
    reopened: int
    comment: str
    links: dict[str, str]


class IncidentPage(BaseModel):
    items: list[IncidentRead]
    cursor: str | None


class DeclarationRead(BaseModel):
    event_id: UUID
    ts: datetime
    policy_id: UUID
    threat_id: UUID
    kill_chain: str
    type: str
    offender: str
    victim: str
    declared_at: datetime


class DeclarationPage(BaseModel):
    items: list[DeclarationRead]
    cursor: str | None


class WebhookCreate(Body):
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=2000)
    secret: str | None = Field(default=None, min_length=8, max_length=500)
    template: str | None = Field(default=None, max_length=100_000)
    preset: Preset | None = None
    enabled: bool = True
    comment: str = Field(default="", max_length=10_000)


class WebhookUpdate(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    url: str | None = Field(default=None, min_length=1, max_length=2000)
    secret: str | None = Field(default=None, min_length=8, max_length=500)
    template: str | None = Field(default=None, max_length=100_000)
    preset: Preset | None = None
    enabled: bool | None = None
    comment: str = Field(default="", max_length=10_000)


class WebhookRead(BaseModel):
    id: UUID
    name: str
    url: str
    template: str | None
    preset: str | None
    enabled: bool
    created_at: datetime
    updated_at: datetime
    secret: str | None = None  # only in the create response


class WebhookPage(BaseModel):
    items: list[WebhookRead]


class AttemptRead(BaseModel):
    at: datetime
    attempt: int
    status_code: int
    error: str
    duration_ms: int


class DeliveryRead(BaseModel):
    id: UUID
    webhook_id: UUID
    incident_id: UUID | None
    event: str
    status: str
    attempts: int
    last_status_code: int
    last_error: str
    created_at: datetime
    updated_at: datetime
    log: list[AttemptRead]


class DeliveryPage(BaseModel):
    items: list[DeliveryRead]
