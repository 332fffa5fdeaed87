"""Organization context of an event: the named networks and departments of both sides."""

from __future__ import annotations

import strawberry

from services.gateway import wire


@strawberry.type(description="Named networks of source and destination (`internet` outside).")
class NetInfo:
    src: str
    dest: str
    src_dept: str
    dest_dept: str
    src_internal: bool
    dest_internal: bool

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> NetInfo:
        return cls(
            src=str(data.get("src") or ""),
            dest=str(data.get("dest") or ""),
            src_dept=str(data.get("src_dept") or ""),
            dest_dept=str(data.get("dest_dept") or ""),
            src_internal=bool(data.get("src_internal", False)),
            dest_internal=bool(data.get("dest_internal", False)),
        )
