"""A hunting filter: from the guided catalog or saved by an analyst."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from services.gateway import wire


@strawberry.type(description="A guided catalog filter or a saved filter set.")
class FilterSet:
    id: strawberry.ID
    name: str
    description: str | None
    category: str | None
    query: str | None
    content: JSON | None = strawberry.field(description="The Stamus structured form, if any.")
    event_types: list[str]
    mitre: list[str]
    facets: list[str]
    source: str | None = strawberry.field(description="`catalog` or `saved`.")
    shared: bool
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> FilterSet:
        return cls(
            id=strawberry.ID(str(data.get("id", ""))),
            name=str(data.get("name") or data.get("title") or ""),
            description=wire.text(data.get("description")),
            category=wire.text(data.get("category")),
            query=wire.text(data.get("query")),
            content=data.get("content"),
            event_types=wire.strings(data.get("event_types")),
            mitre=wire.strings(data.get("mitre")),
            facets=wire.strings(data.get("facets")),
            source=wire.text(data.get("source")),
            shared=bool(data.get("shared", False)),
            created_at=wire.timestamp(data.get("created_at")),
            updated_at=wire.timestamp(data.get("updated_at")),
        )
