"""One stored EVE event: the key normalized fields, enrichments, tags and the original EVE."""

from __future__ import annotations

from datetime import datetime

import orjson
import strawberry
from strawberry.scalars import JSON

from services.gateway import wire
from services.gateway.types.hostname_info import HostnameInfo
from services.gateway.types.net_info import NetInfo
from services.gateway.types.scalars import IP

ORIGINAL = ("eve", "event", "raw")


@strawberry.type(description="One Suricata EVE event as stored (normalized and enriched).")
class Event:
    id: strawberry.ID
    timestamp: datetime | None
    event_type: str
    sensor: str | None
    flow_id: str | None = strawberry.field(description="The 64-bit Suricata flow id, as text.")
    community_id: str | None
    src_ip: IP | None
    src_port: int | None
    dest_ip: IP | None
    dest_port: int | None
    proto: str | None
    app_proto: str | None
    hostname_info: HostnameInfo | None
    net_info: NetInfo | None
    tags: list[str] = strawberry.field(description="Classification (`relevant`, ...).")
    eve: JSON = strawberry.field(description="The original EVE event exactly as received.")

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Event:
        original = next((data[key] for key in ORIGINAL if key in data), None)
        hostname_info = data.get("hostname_info")
        net_info = data.get("net_info")
        flow_id = data.get("flow_id")
        return cls(
            id=strawberry.ID(str(data.get("id", ""))),
            timestamp=wire.timestamp(data.get("timestamp") or data.get("ts")),
            event_type=str(data.get("event_type", "")),
            sensor=wire.text(data.get("sensor")) or None,
            flow_id=str(flow_id) if flow_id else None,
            community_id=wire.text(data.get("community_id")) or None,
            src_ip=_ip(data.get("src_ip")),
            src_port=_port(data.get("src_port")),
            dest_ip=_ip(data.get("dest_ip")),
            dest_port=_port(data.get("dest_port")),
            proto=wire.text(data.get("proto")) or None,
            app_proto=wire.text(data.get("app_proto")) or None,
            hostname_info=HostnameInfo.from_json(hostname_info)
            if isinstance(hostname_info, dict)
            else None,
            net_info=NetInfo.from_json(net_info) if isinstance(net_info, dict) else None,
            tags=wire.strings(data.get("tags")),
            eve=JSON(_decoded(original)),
        )


def _decoded(original: object) -> object:
    """The original EVE as an object (services may send the stored line as text)."""
    if isinstance(original, str | bytes):
        try:
            return orjson.loads(original)
        except orjson.JSONDecodeError:
            return original
    return original


def _ip(value: object) -> IP | None:
    if not value or value == "::":
        return None
    text = str(value)
    return IP(text.removeprefix("::ffff:") if "." in text else text)


def _port(value: object) -> int | None:
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None
