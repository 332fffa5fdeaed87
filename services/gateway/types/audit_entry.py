"""One entry of a policy's audit log: who did what, when, and why."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from services.gateway import wire


@strawberry.type(description="A change to a policy: when, by whom, what, and the comment.")
class AuditEntry:
    at: datetime | None
    actor: str
    action: str
    comment: str
    details: JSON

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> AuditEntry:
        return cls(
            at=wire.timestamp(data.get("at")),
            actor=str(data.get("actor") or ""),
            action=str(data.get("action") or ""),
            comment=str(data.get("comment") or ""),
            details=JSON(data.get("details") or {}),
        )
