"""A page of filter sets from a catalog search (offset pagination, as the API pages)."""

from __future__ import annotations

from typing import Any

import strawberry

from services.gateway import wire
from services.gateway.types.filter_set import FilterSet


@strawberry.type(description="Catalog filters and saved sets; pass `nextOffset` as `offset`.")
class FilterSetPage:
    nodes: list[FilterSet]
    total: int
    next_offset: int | None

    @classmethod
    def from_json(cls, data: Any) -> FilterSetPage:
        page = data if isinstance(data, dict) else {}
        next_offset = page.get("next_offset")
        return cls(
            nodes=[FilterSet.from_json(item) for item in wire.items(data)],
            total=int(page.get("total", 0) or 0),
            next_offset=int(next_offset) if isinstance(next_offset, int) else None,
        )
