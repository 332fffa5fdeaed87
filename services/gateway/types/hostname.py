"""A name a host was seen with (DHCP, SMB/NTLMSSP, Kerberos, DNS PTR, TLS certificate)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway import wire


@strawberry.type(description="A hostname of a host, where it came from and when it was seen.")
class Hostname:
    name: str
    source: str
    first_seen: datetime | None
    last_seen: datetime | None
    count: int

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Hostname:
        return cls(
            name=str(data.get("name", "")),
            source=str(data.get("source") or ""),
            first_seen=wire.timestamp(data.get("first_seen")),
            last_seen=wire.timestamp(data.get("last_seen")),
            count=int(data.get("count", 0) or 0),
        )
