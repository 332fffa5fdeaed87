"""A line ingest rejected, kept with the reason and the original bytes."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="A rejected input line: why, from where, and the line itself.")
class Reject:
    timestamp: datetime | None
    source: str | None
    offset: int | None
    reason: str
    line: str | None

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Reject:
        offset = data.get("offset", data.get("source_offset"))
        return cls(
            timestamp=wire.timestamp(data.get("ts") or data.get("timestamp")),
            source=wire.text(data.get("source")),
            offset=int(offset) if isinstance(offset, int) else None,
            reason=str(data.get("reason", "")),
            line=wire.text(data.get("line", data.get("raw"))),
        )
