"""A run of a filter set: its count, timeline and the facets it declares, in one call."""

from __future__ import annotations

from typing import Any

import strawberry

from services.gateway import wire
from services.gateway.types.facet import Facet
from services.gateway.types.timeline import Timeline


@strawberry.type(description="What a filter set finds in the time range.")
class HuntRun:
    count: int
    timeline: Timeline
    facets: list[Facet]

    @classmethod
    def from_json(cls, data: Any) -> HuntRun:
        page = data if isinstance(data, dict) else {}
        facets = page.get("facets") or []
        if isinstance(facets, dict):
            facets = [{"field": field, "values": values} for field, values in facets.items()]
        return cls(
            count=int(page.get("count", 0)),
            timeline=Timeline.from_json(page.get("timeline") or {}),
            facets=[Facet.from_json(item) for item in wire.objects(facets)],
        )
