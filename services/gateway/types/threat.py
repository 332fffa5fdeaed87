"""A threat (what a Declaration of Compromise declares) and its family."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="A named threat with its family and kill-chain phase.")
class Threat:
    id: strawberry.ID
    name: str
    family: str
    description: str
    kill_chain: str
    created_at: datetime | None
    created_by: str | None

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Threat:
        return cls(
            id=strawberry.ID(str(data.get("id", ""))),
            name=str(data.get("name", "")),
            family=str(data.get("family") or ""),
            description=str(data.get("description") or ""),
            kill_chain=str(data.get("kill_chain") or ""),
            created_at=wire.timestamp(data.get("created_at")),
            created_by=wire.text(data.get("created_by")),
        )

    @classmethod
    def maybe(cls, data: object) -> Threat | None:
        return cls.from_json(data) if isinstance(data, dict) else None
