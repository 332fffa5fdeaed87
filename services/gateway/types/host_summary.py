"""Activity counts of a host."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from services.gateway import wire


@strawberry.type(description="How active a host is: events, alerts, flows, bytes, peers.")
class HostSummary:
    events: int
    events_by_type: JSON = strawberry.field(description="Event counts by event type.")
    alerts: int
    flows: int
    bytes_sent: int
    bytes_received: int
    peers: int
    services: int
    users: int

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> HostSummary:
        def count(key: str) -> int:
            return int(data.get(key, 0) or 0)

        return cls(
            events=count("events"),
            events_by_type=JSON(data.get("events_by_type") or {}),
            alerts=count("alerts"),
            flows=count("flows"),
            bytes_sent=count("bytes_sent"),
            bytes_received=count("bytes_received"),
            peers=count("peers"),
            services=count("services"),
            users=count("users"),
        )
