"""One stored EVE event: the key normalized fields, enrichments, tags and the original EVE."""

from __future__ import annotations

from datetime import datetime

import orjson
import strawberry
from strawberry.scalars import JSON

from services.gateway import wire
from services.gateway.types.scalars import IP

ORIGINAL = ("eve", "event", "raw")


@strawberry.type(description="One Suricata EVE event as stored (normalized and enriched).")
class Event:
    id: strawberry.ID
    timestamp: datetime | None
    event_type: str
    sensor: str | None
    src_ip: IP | None
    src_port: int | None
    dest_ip: IP | None
    dest_port: int | None
    proto: str | None
    app_proto: str | None
    tags: list[str]
    fields: JSON = strawberry.field(
        description="Every normalized and enrichment field the service returned, by name."
    )
    eve: JSON = strawberry.field(description="The original EVE event exactly as received.")

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> Event:
        original = next((data[key] for key in ORIGINAL if key in data), None)
        return cls(
            id=strawberry.ID(str(data.get("id", ""))),
            timestamp=wire.timestamp(data.get("timestamp") or data.get("ts")),
            event_type=str(data.get("event_type", "")),
            sensor=wire.text(data.get("sensor")),
            src_ip=_ip(data.get("src_ip")),
            src_port=_port(data.get("src_port")),
            dest_ip=_ip(data.get("dest_ip")),
            dest_port=_port(data.get("dest_port")),
            proto=wire.text(data.get("proto")) or None,
            app_proto=wire.text(data.get("app_proto")) or None,
            tags=wire.strings(data.get("tags")),
            fields=JSON({k: v for k, v in data.items() if k not in ORIGINAL}),
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
    return IP(str(value)) if value and value != "::" else None


def _port(value: object) -> int | None:
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None
