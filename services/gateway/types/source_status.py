"""Per-source ingest state: rejects, and how far a file or list has been read."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="How many lines a source had rejected, and the last time.")
class SourceRejects:
    source: str
    rejects: int
    last_reject: datetime | None

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> SourceRejects:
        return cls(
            source=str(data.get("source", "")),
            rejects=int(data.get("rejects", 0) or 0),
            last_reject=wire.timestamp(data.get("last_reject")),
        )


@strawberry.type(description="Where reading a source stopped (ingest resumes from here).")
class SourceCheckpoint:
    source: str
    identity: str
    offset: int
    lines: int
    updated_at: datetime | None

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> SourceCheckpoint:
        return cls(
            source=str(data.get("source", "")),
            identity=str(data.get("identity") or ""),
            offset=int(data.get("offset", 0) or 0),
            lines=int(data.get("lines", 0) or 0),
            updated_at=wire.timestamp(data.get("updated_at")),
        )
