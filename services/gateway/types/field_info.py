"""One field of the filter registry, for autocompletion."""

from __future__ import annotations

import strawberry

from services.gateway import wire


@strawberry.type(name="Field", description="A field the filter language knows.")
class FieldInfo:
    name: str
    kind: str = strawberry.field(description="ip, string, name, integer, boolean, ...")
    description: str
    aliases: list[str]
    event_types: list[str] = strawberry.field(description="Event types that carry the field.")
    case_insensitive: bool

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> FieldInfo:
        return cls(
            name=str(data.get("name", "")),
            kind=str(data.get("kind") or data.get("type") or ""),
            description=str(data.get("description") or ""),
            aliases=wire.strings(data.get("aliases")),
            event_types=wire.strings(data.get("event_types")),
            case_insensitive=bool(data.get("case_insensitive", False)),
        )
