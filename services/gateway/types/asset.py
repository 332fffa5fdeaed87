"""The asset an incident is about: an IP, a username or a mail address."""

from __future__ import annotations

import strawberry

from services.gateway import wire


@strawberry.type(description="What an incident is about: `type` is `ip`, `username` or `mail`.")
class Asset:
    type: str
    value: str

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Asset:
        return cls(type=str(data.get("type", "")), value=str(data.get("value", "")))
