"""A run of a filter set: its count, timeline and the facets it declares, in one call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from services.gateway import wire
from services.gateway.types.facet import Facet
from services.gateway.types.filter_set import FilterSet
from services.gateway.types.timeline import Timeline


@strawberry.type(description="What a filter set finds in the time range.")
class HuntRun:
    filter_set: FilterSet
    start: datetime | None
    end: datetime | None
    count: int
    timeline: Timeline
    facets: list[Facet]

    @classmethod
    def from_json(cls, data: Any) -> HuntRun:
        page = data if isinstance(data, dict) else {}
        filter_set = page.get("filter_set")
        return cls(
            filter_set=FilterSet.from_json(filter_set if isinstance(filter_set, dict) else {}),
            start=wire.timestamp(page.get("start")),
            end=wire.timestamp(page.get("end")),
            count=int(page.get("count", 0)),
            timeline=Timeline.from_json(page.get("timeline") or {}),
            facets=[Facet.from_json(item) for item in wire.objects(page.get("facets"))],
        )
