"""A threat-intelligence verdict for a domain, IP, URL, SNI or JA3."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from services.gateway import wire


@strawberry.type(description="What the configured intelligence provider says about a value.")
class IntelVerdict:
    kind: str
    value: str
    provider: str | None
    verdict: str | None
    malicious: int | None
    suspicious: int | None
    harmless: int | None
    cached: bool
    checked_at: datetime | None
    details: JSON | None = strawberry.field(description="The provider's answer as returned.")

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> IntelVerdict:
        def count(key: str) -> int | None:
            value = data.get(key)
            return int(value) if isinstance(value, int) else None

        return cls(
            kind=str(data.get("kind", "")),
            value=str(data.get("value", "")),
            provider=wire.text(data.get("provider")),
            verdict=wire.text(data.get("verdict")),
            malicious=count("malicious"),
            suspicious=count("suspicious"),
            harmless=count("harmless"),
            cached=bool(data.get("cached", False)),
            checked_at=wire.timestamp(data.get("checked_at")),
            details=data.get("details", data.get("data")),
        )
