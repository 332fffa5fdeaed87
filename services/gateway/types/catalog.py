"""The guided hunting catalog with its categories."""

from __future__ import annotations

from typing import Any

import strawberry

from services.gateway import wire
from services.gateway.types.filter_set import FilterSet


@strawberry.type(description="A catalog category (`Policy`, `Suspicious DNS`...) and its size.")
class CatalogCategory:
    name: str
    count: int


@strawberry.type(description="The guided catalog: categories with counts and matching filters.")
class Catalog:
    categories: list[CatalogCategory]
    filter_sets: list[FilterSet]
    total: int

    @classmethod
    def from_json(cls, data: Any) -> Catalog:
        page = data if isinstance(data, dict) else {}
        return cls(
            categories=[
                CatalogCategory(name=str(item.get("name", "")), count=int(item.get("count", 0)))
                for item in wire.objects(page.get("categories"))
            ],
            filter_sets=[FilterSet.from_json(item) for item in wire.items(data)],
            total=int(page.get("total", 0) or 0),
        )
