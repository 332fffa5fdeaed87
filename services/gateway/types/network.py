"""A named network: organization context for `net_info` enrichment."""

from __future__ import annotations

from typing import Any

import strawberry

from services.gateway import wire


@strawberry.type(description="A named network: CIDRs, department, and whether it is home.")
class Network:
    name: str
    cidrs: list[str]
    department: str
    home: bool

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Network:
        return cls(
            name=str(data.get("name", "")),
            cidrs=wire.strings(data.get("cidrs")),
            department=str(data.get("department") or ""),
            home=bool(data.get("home", False)),
        )


@strawberry.input(description="A named network to store.")
class NetworkInput:
    name: str
    cidrs: list[str]
    department: str | None = None
    home: bool = True

    def body(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "cidrs": self.cidrs,
            "department": self.department or "",
            "home": self.home,
        }
