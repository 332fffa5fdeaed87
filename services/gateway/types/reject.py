"""A line ingest rejected, kept with the reason and the original bytes."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="A rejected input line: why, from where, and the line itself.")
class Reject:
    received_at: datetime | None
    source: str
    offset: int
    line: int
    reason: str
    raw: str = strawberry.field(description="The line as received (maybe truncated).")
    raw_bytes: int
    raw_truncated: bool

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Reject:
        return cls(
            received_at=wire.timestamp(data.get("received_at")),
            source=str(data.get("source") or ""),
            offset=int(data.get("offset", 0) or 0),
            line=int(data.get("line", 0) or 0),
            reason=str(data.get("reason") or ""),
            raw=str(data.get("raw") or ""),
            raw_bytes=int(data.get("raw_bytes", 0) or 0),
            raw_truncated=bool(data.get("raw_truncated", False)),
        )
