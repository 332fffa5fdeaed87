"""A reference list with a page of its entries."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from services.gateway import wire
from services.gateway.types.reference_list_info import ReferenceListInfo


@strawberry.type(description="One entry: an IP, CIDR or name (`match` is `exact` or `suffix`).")
class ListItem:
    value: str
    kind: str
    match: str
    attrs: JSON = strawberry.field(description="Provenance and details (provider, protocols...).")

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> ListItem:
        return cls(
            value=str(data.get("value", "")),
            kind=str(data.get("kind") or ""),
            match=str(data.get("match") or ""),
            attrs=JSON(data.get("attrs") or {}),
        )


@strawberry.type(description="A reference list and a page of its entries (`nextOffset` for more).")
class ReferenceList:
    info: ReferenceListInfo
    items: list[ListItem]
    next_offset: int | None

    @classmethod
    def from_json(cls, data: Any) -> ReferenceList:
        page = data if isinstance(data, dict) else {}
        header = page.get("list")
        next_offset = page.get("next_offset")
        return cls(
            info=ReferenceListInfo.from_json(header if isinstance(header, dict) else {}),
            items=[ListItem.from_json(item) for item in wire.items(data)],
            next_offset=int(next_offset) if isinstance(next_offset, int) else None,
        )
