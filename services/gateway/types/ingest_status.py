"""What ingest stored and rejected — so an empty hunt can always be explained."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from services.gateway import wire
from services.gateway.types.sensor_status import SensorStatus
from services.gateway.types.source_status import SourceCheckpoint, SourceRejects


@strawberry.type(description="Totals over every sensor of the tenant.")
class IngestTotals:
    events: int
    first_event: datetime | None
    last_event: datetime | None
    last_ingest: datetime | None
    sensors: int
    rejects: int
    stats: int = strawberry.field(description="Sensor `stats` records stored.")
    last_stats: datetime | None

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> IngestTotals:
        return cls(
            events=int(data.get("events", 0) or 0),
            first_event=wire.timestamp(data.get("first_event")),
            last_event=wire.timestamp(data.get("last_event")),
            last_ingest=wire.timestamp(data.get("last_ingest")),
            sensors=int(data.get("sensors", 0) or 0),
            rejects=int(data.get("rejects", 0) or 0),
            stats=int(data.get("stats", 0) or 0),
            last_stats=wire.timestamp(data.get("last_stats")),
        )


@strawberry.type(description="Events per sensor and type, rejects and checkpoints per source.")
class IngestStatus:
    totals: IngestTotals
    sensors: list[SensorStatus]
    rejects: list[SourceRejects]
    sources: list[SourceCheckpoint]
    dispatches: JSON = strawberry.field(
        description="Escalation task sends by status: `{status: {batches, last}}`."
    )

    @classmethod
    def from_json(cls, data: Any) -> IngestStatus:
        page = data if isinstance(data, dict) else {}
        totals = page.get("totals")
        return cls(
            totals=IngestTotals.from_json(totals if isinstance(totals, dict) else {}),
            sensors=[SensorStatus.from_json(item) for item in wire.objects(page.get("sensors"))],
            rejects=[SourceRejects.from_json(item) for item in wire.objects(page.get("rejects"))],
            sources=[
                SourceCheckpoint.from_json(item) for item in wire.objects(page.get("sources"))
            ],
            dispatches=JSON(page.get("dispatches") or {}),
        )
