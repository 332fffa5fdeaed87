"""Wire models of the hosts service: host documents, host search pages, evidence, intel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class ValueRead(BaseModel):
    value: str
    first_seen: datetime
    last_seen: datetime
    count: int
    amount: int = 0


class AttributeRead(BaseModel):
    name: str
    kind: str
    description: str
    source: str
    distinct: int
    truncated: bool
    values: list[ValueRead]


class HostnameRead(BaseModel):
    name: str
    source: str
    first_seen: datetime
    last_seen: datetime
    count: int


class UserRead(BaseModel):
    name: str
    source: str
    first_seen: datetime
    last_seen: datetime
    count: int
    logged_in: bool


class RoleRead(BaseModel):
    name: str
    description: str
    evidence: list[str]


class HostSummary(BaseModel):
    events: int
    events_by_type: dict[str, int]
    alerts: int
    flows: int
    bytes_sent: int
    bytes_received: int
    peers: int
    services: int
    users: int


class HostRead(BaseModel):
    ip: str
    first_seen: datetime
    last_seen: datetime
    reference_time: datetime
    logged_in_window_s: int
    hostnames: list[HostnameRead]
    users: list[UserRead]
    roles: list[RoleRead]
    summary: HostSummary
    attributes: dict[str, AttributeRead]


class HostListItem(BaseModel):
    ip: str
    first_seen: datetime
    last_seen: datetime
    events: int | None
    hostnames: list[str]
    users: list[UserRead]
    roles: list[str]


class RollupLag(BaseModel):
    """Stored batches not rolled up into host insights yet: host search and documents show
    their events once a worker has rolled them up, normally within seconds."""

    batches: int
    events: int
    oldest_stored_at: datetime | None


class HostPage(BaseModel):
    items: list[HostListItem]
    next_cursor: str | None
    start: datetime
    end: datetime
    host_query: str
    query: str
    pending: RollupLag


class EvidenceRead(BaseModel):
    id: str
    ts: datetime
    event_type: str
    src_ip: str
    src_port: int
    dest_ip: str
    dest_port: int
    proto: str
    app_proto: str
    event: dict[str, Any]


class EvidencePage(BaseModel):
    ip: str
    items: list[EvidenceRead]
    next_cursor: str | None


class IntelRead(BaseModel):
    kind: str
    value: str
    provider: str
    found: bool
    verdict: str
    stats: dict[str, int]
    reputation: int | None
    link: str
    cache: str
    cached: bool
    fetched_at: datetime
    details: dict[str, Any]
