"""One attempt of a webhook delivery."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="One HTTP attempt: when, the status code or error, how long.")
class DeliveryAttempt:
    at: datetime | None
    attempt: int
    status_code: int | None
    error: str | None
    duration_ms: int

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> DeliveryAttempt:
        status_code = data.get("status_code")
        return cls(
            at=wire.timestamp(data.get("at")),
            attempt=int(data.get("attempt", 0) or 0),
            status_code=int(status_code) if status_code else None,
            error=wire.text(data.get("error")) or None,
            duration_ms=int(data.get("duration_ms", 0) or 0),
        )
