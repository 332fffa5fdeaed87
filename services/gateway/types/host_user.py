"""A user seen logging in on a host."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="A user seen on a host; `loggedIn` when seen within the window.")
class HostUser:
    name: str
    source: str
    first_seen: datetime | None
    last_seen: datetime | None
    count: int
    logged_in: bool

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> HostUser:
        return cls(
            name=str(data.get("name", "")),
            source=str(data.get("source") or ""),
            first_seen=wire.timestamp(data.get("first_seen")),
            last_seen=wire.timestamp(data.get("last_seen")),
            count=int(data.get("count", 0) or 0),
            logged_in=bool(data.get("logged_in", False)),
        )
