"""One field of the filter registry, for autocompletion."""

from __future__ import annotations

import strawberry

from services.gateway import wire


@strawberry.type(name="Field", description="A field the filter language knows.")
class FieldInfo:
    name: str
    type: str
    description: str | None
    aliases: list[str]

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> FieldInfo:
        return cls(
            name=str(data.get("name", "")),
            type=str(data.get("type", "")),
            description=wire.text(data.get("description")),
            aliases=wire.strings(data.get("aliases")),
        )
