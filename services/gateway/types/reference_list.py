"""A reference list (`field:@name` in the filter language): shipped or the tenant's own."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="One entry: an IP, CIDR or name (`match` is `exact` or `suffix`).")
class ListItem:
    value: str
    match: str | None
    note: str | None

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> ListItem:
        return cls(
            value=str(data.get("value", "")),
            match=wire.text(data.get("match")),
            note=wire.text(data.get("note") or data.get("comment")),
        )


@strawberry.type(description="A named list of values used as `field:@name` in filters.")
class ReferenceList:
    name: str
    kind: str | None
    description: str | None
    shipped: bool
    version: str | None
    updated_at: datetime | None
    items: list[ListItem]

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> ReferenceList:
        version = data.get("version")
        return cls(
            name=str(data.get("name", "")),
            kind=wire.text(data.get("kind")),
            description=wire.text(data.get("description")),
            shipped=bool(data.get("shipped", False)),
            version=None if version is None else str(version),
            updated_at=wire.timestamp(data.get("updated_at")),
            items=[ListItem.from_json(item) for item in wire.objects(data.get("items"))],
        )
