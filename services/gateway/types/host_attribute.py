"""One host-insight attribute (`hostname`, `service`, `ja3`...) with the values seen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from services.gateway import wire


@strawberry.type(description="One value of an attribute with when it was first and last seen.")
class AttributeValue:
    value: str
    first_seen: datetime | None
    last_seen: datetime | None
    count: int
    amount: int = strawberry.field(description="A summed quantity (bytes) where one applies.")

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> AttributeValue:
        return cls(
            value=str(data.get("value", "")),
            first_seen=wire.timestamp(data.get("first_seen")),
            last_seen=wire.timestamp(data.get("last_seen")),
            count=int(data.get("count", 0) or 0),
            amount=int(data.get("amount", 0) or 0),
        )


@strawberry.type(description="A host attribute and the values seen for it.")
class HostAttribute:
    name: str
    kind: str
    description: str
    source: str
    distinct: int = strawberry.field(description="How many distinct values were seen.")
    truncated: bool = strawberry.field(description="Whether `values` lists only the top ones.")
    values: list[AttributeValue]

    @classmethod
    def from_json(cls, name: str, data: wire.JSONObject) -> HostAttribute:
        return cls(
            name=str(data.get("name") or name),
            kind=str(data.get("kind") or ""),
            description=str(data.get("description") or ""),
            source=str(data.get("source") or ""),
            distinct=int(data.get("distinct", 0) or 0),
            truncated=bool(data.get("truncated", False)),
            values=[AttributeValue.from_json(item) for item in wire.objects(data.get("values"))],
        )

    @classmethod
    def list_from_json(cls, data: Any) -> list[HostAttribute]:
        """Attributes from `{name: attribute}`, sorted by name."""
        if not isinstance(data, dict):
            return []
        return [
            cls.from_json(str(name), value)
            for name, value in sorted(data.items())
            if isinstance(value, dict)
        ]
