"""The header of a reference list (`field:@name` in the filter language)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="A named list used as `field:@name`: shipped, or the tenant's own.")
class ReferenceListInfo:
    name: str
    description: str
    kind: str = strawberry.field(description="What the entries are: ip, name, ja3, ...")
    source: str
    item_count: int
    version: int
    updated_at: datetime | None
    shipped: bool
    editable: bool

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> ReferenceListInfo:
        return cls(
            name=str(data.get("name", "")),
            description=str(data.get("description") or ""),
            kind=str(data.get("kind") or ""),
            source=str(data.get("source") or ""),
            item_count=int(data.get("item_count", 0) or 0),
            version=int(data.get("version", 0) or 0),
            updated_at=wire.timestamp(data.get("updated_at")),
            shipped=bool(data.get("shipped", False)),
            editable=bool(data.get("editable", False)),
        )
