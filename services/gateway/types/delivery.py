"""One webhook delivery with its attempt log."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire
from services.gateway.types.delivery_attempt import DeliveryAttempt


@strawberry.type(description="A webhook delivery: its state, attempts and the last HTTP status.")
class Delivery:
    id: strawberry.ID
    webhook_id: strawberry.ID
    incident_id: strawberry.ID | None
    event: str = strawberry.field(description="What was notified (`incident.new`, `test`, ...).")
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime | None
    updated_at: datetime | None
    log: list[DeliveryAttempt]

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Delivery:
        incident_id = data.get("incident_id")
        status_code = data.get("last_status_code")
        return cls(
            id=strawberry.ID(str(data.get("id", ""))),
            webhook_id=strawberry.ID(str(data.get("webhook_id", ""))),
            incident_id=strawberry.ID(str(incident_id)) if incident_id else None,
            event=str(data.get("event") or ""),
            status=str(data.get("status") or ""),
            attempts=int(data.get("attempts", 0) or 0),
            last_status_code=int(status_code) if status_code else None,
            last_error=wire.text(data.get("last_error")) or None,
            created_at=wire.timestamp(data.get("created_at")),
            updated_at=wire.timestamp(data.get("updated_at")),
            log=[DeliveryAttempt.from_json(item) for item in wire.objects(data.get("log"))],
        )
