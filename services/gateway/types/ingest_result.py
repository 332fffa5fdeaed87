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
    errors: list[LineError]

    @classmethod
    def from_json(cls, data: Any) -> IngestResult:
        page = data if isinstance(data, dict) else {}
        return cls(
            accepted=int(page.get("accepted", 0)),
            rejected=int(page.get("rejected", 0)),
            errors=[
                LineError(line=int(item.get("line", 0)), reason=str(item.get("reason", "")))
                for item in wire.objects(page.get("errors"))
            ],
        )
