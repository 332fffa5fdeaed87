"""Top values of one field with their counts (the domain/subdomain breakdown tables)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from services.gateway import wire


@strawberry.type(description="One value of a facet and how many events carry it.")
class FacetValue:
    value: JSON
    count: int


@strawberry.type(description="The top values of `field` among the matching events.")
class Facet:
    field: str
    values: list[FacetValue]

    @classmethod
    def from_json(cls, data: Any, field: str = "") -> Facet:
        page = data if isinstance(data, dict) else {}
        return cls(
            field=str(page.get("field") or field),
            values=[
                FacetValue(value=JSON(item.get("value")), count=int(item.get("count", 0)))
                for item in wire.items(data, "buckets", "values")
            ],
        )
