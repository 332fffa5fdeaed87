"""What ingest stored, per sensor and event type — so an empty result can be explained."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="Events stored for one sensor and event type, and when.")
class IngestStatus:
    sensor: str
    event_type: str
    events: int
    first_event: datetime | None
    last_event: datetime | None
    last_ingest: datetime | None
    rejects: int

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> IngestStatus:
        return cls(
            sensor=str(data.get("sensor", "")),
            event_type=str(data.get("event_type", "")),
            events=int(data.get("events", 0) or 0),
            first_event=wire.timestamp(data.get("first_event")),
            last_event=wire.timestamp(data.get("last_event")),
            last_ingest=wire.timestamp(data.get("last_ingest")),
            rejects=int(data.get("rejects", 0) or 0),
        )
