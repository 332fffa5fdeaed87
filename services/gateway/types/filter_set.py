"""A hunting filter: from the guided catalog or saved by an analyst."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from services.gateway import wire


@strawberry.type(description="A guided catalog filter (`catalog:<slug>`) or a saved filter set.")
class FilterSet:
    id: strawberry.ID
    source: str = strawberry.field(description="`catalog` or `saved`.")
    name: str
    category: str
    description: str
    query: str | None
    content: JSON | None = strawberry.field(description="The Stamus structured form, if any.")
    facets: list[str] = strawberry.field(description="Fields a run breaks results down by.")
    shared: bool
    owner: str
    read_only: bool
    mitre: list[str]
    event_types: list[str]
    references: list[str]
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> FilterSet:
        content = data.get("content")
        return cls(
            id=strawberry.ID(str(data.get("id", ""))),
            source=str(data.get("source") or ""),
            name=str(data.get("name") or ""),
            category=str(data.get("category") or ""),
            description=str(data.get("description") or ""),
            query=wire.text(data.get("query")),
            content=None if content is None else JSON(content),
            facets=wire.strings(data.get("facets")),
            shared=bool(data.get("shared", False)),
            owner=str(data.get("owner") or ""),
            read_only=bool(data.get("read_only", False)),
            mitre=wire.strings(data.get("mitre")),
            event_types=wire.strings(data.get("event_types")),
            references=wire.strings(data.get("references")),
            created_at=wire.timestamp(data.get("created_at")),
            updated_at=wire.timestamp(data.get("updated_at")),
        )
