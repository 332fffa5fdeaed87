"""A role inferred from what a host serves (domain controller, DHCP server, proxy...)."""

from __future__ import annotations

import strawberry

from services.gateway import wire


@strawberry.type(description="A role of a host and the attribute values that show it.")
class HostRole:
    name: str
    description: str
    evidence: list[str]

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> HostRole:
        return cls(
            name=str(data.get("name", "")),
            description=str(data.get("description") or ""),
            evidence=wire.strings(data.get("evidence")),
        )
