"""The answer to an ingest of NDJSON lines."""

from __future__ import annotations

from typing import Any

import strawberry

from services.gateway import wire


@strawberry.type(description="Why one input line was rejected.")
class LineError:
    line: int
    reason: str


@strawberry.type(description="How many lines were stored and which were rejected, and why.")
class IngestResult:
    accepted: int
    rejected: int
    stats: int = strawberry.field(description="Accepted `stats` lines (stored as sensor stats).")
    errors: list[LineError]
    errors_total: int
    errors_truncated: bool
    batch_ids: list[strawberry.ID]

    @classmethod
    def from_json(cls, data: Any) -> IngestResult:
        page = data if isinstance(data, dict) else {}
        return cls(
            accepted=int(page.get("accepted", 0)),
            rejected=int(page.get("rejected", 0)),
            stats=int(page.get("stats", 0) or 0),
            errors=[
                LineError(line=int(item.get("line", 0)), reason=str(item.get("reason", "")))
                for item in wire.objects(page.get("errors"))
            ],
            errors_total=int(page.get("errors_total", 0) or 0),
            errors_truncated=bool(page.get("errors_truncated", False)),
            batch_ids=[strawberry.ID(value) for value in wire.strings(page.get("batch_ids"))],
        )
