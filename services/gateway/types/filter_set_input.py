"""Inputs to create and change saved filter sets."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON


@strawberry.input(
    description=(
        "A saved filter set: a text `query` and/or Stamus `content` (both given: both must "
        "match), the `facets` a run breaks results down by, private unless `shared`."
    )
)
class FilterSetInput:
    name: str
    description: str | None = None
    query: str | None = None
    content: JSON | None = None
    facets: list[str] | None = None
    category: str | None = None
    shared: bool | None = None

    def body(self) -> dict[str, Any]:
        return _given(self)


@strawberry.input(description="Changes to a saved filter set; absent fields stay as they are.")
class FilterSetPatch:
    name: str | None = None
    description: str | None = None
    query: str | None = None
    content: JSON | None = None
    facets: list[str] | None = None
    category: str | None = None
    shared: bool | None = None

    def body(self) -> dict[str, Any]:
        return _given(self)


def _given(value: FilterSetInput | FilterSetPatch) -> dict[str, Any]:
    fields = {
        "name": value.name,
        "description": value.description,
        "query": value.query,
        "content": value.content,
        "facets": value.facets,
        "category": value.category,
        "shared": value.shared,
    }
    return {key: item for key, item in fields.items() if item is not None}
