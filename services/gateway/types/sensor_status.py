"""Events stored for one sensor, per event type."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="Events of one type from one sensor, and when.")
class EventTypeStatus:
    event_type: str
    events: int
    first_event: datetime | None
    last_event: datetime | None
    last_ingest: datetime | None

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> EventTypeStatus:
        return cls(
            event_type=str(data.get("event_type", "")),
            events=int(data.get("events", 0) or 0),
            first_event=wire.timestamp(data.get("first_event")),
            last_event=wire.timestamp(data.get("last_event")),
            last_ingest=wire.timestamp(data.get("last_ingest")),
        )


@strawberry.type(description="Events stored from one sensor, in total and per event type.")
class SensorStatus:
    sensor: str
    events: int
    first_event: datetime | None
    last_event: datetime | None
    last_ingest: datetime | None
    event_types: list[EventTypeStatus]

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> SensorStatus:
        return cls(
            sensor=str(data.get("sensor", "")),
            events=int(data.get("events", 0) or 0),
            first_event=wire.timestamp(data.get("first_event")),
            last_event=wire.timestamp(data.get("last_event")),
            last_ingest=wire.timestamp(data.get("last_ingest")),
            event_types=[
                EventTypeStatus.from_json(item) for item in wire.objects(data.get("event_types"))
            ],
        )
