"""Event counts per time bucket."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from services.gateway import wire


@strawberry.type(description="The number of events in one time bucket starting at `time`.")
class TimelineBucket:
    time: datetime
    count: int


@strawberry.type(description="Event counts per bucket of `interval` over the time range.")
class Timeline:
    interval: str
    interval_seconds: int
    buckets: list[TimelineBucket]

    @classmethod
    def from_json(cls, data: Any) -> Timeline:
        page = data if isinstance(data, dict) else {}
        return cls(
            interval=str(page.get("interval", "")),
            interval_seconds=int(page.get("interval_seconds", 0) or 0),
            buckets=[
                TimelineBucket(
                    time=wire.required_timestamp(item.get("time")),
                    count=int(item.get("count", 0)),
                )
                for item in wire.items(data, "buckets")
            ],
        )
