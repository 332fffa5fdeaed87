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
    provider: str
    found: bool = strawberry.field(description="Whether the provider knows the value.")
    verdict: str
    stats: JSON = strawberry.field(description="Engine counts (`malicious`, `harmless`...).")
    reputation: int | None
    link: str | None
    cached: bool
    fetched_at: datetime | None
    details: JSON = strawberry.field(description="The provider's answer as returned.")

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> IntelVerdict:
        reputation = data.get("reputation")
        return cls(
            kind=str(data.get("kind", "")),
            value=str(data.get("value", "")),
            provider=str(data.get("provider") or ""),
            found=bool(data.get("found", False)),
            verdict=str(data.get("verdict") or ""),
            stats=JSON(data.get("stats") or {}),
            reputation=int(reputation) if isinstance(reputation, int) else None,
            link=wire.text(data.get("link")) or None,
            cached=bool(data.get("cached", False)),
            fetched_at=wire.timestamp(data.get("fetched_at")),
            details=JSON(data.get("details") or {}),
        )
