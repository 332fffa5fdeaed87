"""One host-insight attribute (`hostname`, `service`, `ja3`...) with the values seen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from services.gateway import wire


@strawberry.type(description="One value of an attribute with when it was first and last seen.")
class AttributeValue:
    value: JSON
    first_seen: datetime | None
    last_seen: datetime | None
    count: int

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> AttributeValue:
        return cls(
            value=JSON(data.get("value")),
            first_seen=wire.timestamp(data.get("first_seen")),
            last_seen=wire.timestamp(data.get("last_seen")),
            count=int(data.get("count", 0)),
        )


@strawberry.type(description="A host attribute and every value seen for it.")
class HostAttribute:
    name: str
    values: list[AttributeValue]

    @classmethod
    def list_from_json(cls, data: Any) -> list[HostAttribute]:
        """Attributes from `{name: [values]}` or `[{name, values}]`."""
        if isinstance(data, dict):
            pairs = [(str(name), values) for name, values in data.items()]
        else:
            pairs = [(str(item.get("name", "")), item.get("values")) for item in wire.objects(data)]
        return [
            cls(name=name, values=[AttributeValue.from_json(v) for v in wire.objects(values)])
            for name, values in sorted(pairs)
        ]
