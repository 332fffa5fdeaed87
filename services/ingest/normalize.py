"""One raw EVE line → a sparse row of `events` columns, or the reason it is rejected.

Pure functions, no I/O. A line is accepted when it is valid UTF-8 JSON holding an object with a
non-blank string `event_type` and a parseable `timestamp` (the two fields Suricata's EVE schema
requires). Every event type is accepted, known or not: the common fields are always promoted and
the protocol blocks found in the event fill their columns (`protocols.BLOCKS`).

Rows are sparse dicts (column → value); absent columns take their defaults at insert. IPs stay
text here (the enrichment canonicalizes them, an invalid one is stored as `::` with the original
kept in `raw`); timestamps are epoch microseconds (UTC).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from services.ingest import protocols
from services.ingest.timestamps import epoch_micros
from services.ingest.values import U16, U64, int64, text, uint

Row = dict[str, Any]

# IANA protocol numbers → the names Suricata writes; unknown numbers stay as their number.
PROTOCOLS = {
    0: "HOPOPT",
    1: "ICMP",
    2: "IGMP",
    4: "IPIP",
    6: "TCP",
    17: "UDP",
    41: "IPv6",
    47: "GRE",
    50: "ESP",
    51: "AH",
    58: "IPv6-ICMP",
    89: "OSPF",
    103: "PIM",
    112: "VRRP",
    132: "SCTP",
    136: "UDPLite",
}
_PROTO_NAMES = {name.upper(): name for name in PROTOCOLS.values()} | {"ICMPV6": "IPv6-ICMP"}
_proto_cache: dict[str, str] = {}


class Rejected(Exception):
    """A line that cannot be stored as an event; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_line(raw: bytes, max_line_bytes: int) -> dict[str, Any]:
    """The EVE object of one line (without its newline); raises `Rejected` with the reason."""
    if len(raw) > max_line_bytes:
        raise Rejected(f"line is {len(raw)} bytes; limit {max_line_bytes}")
    try:
        event = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        event = _parse_strictly_slow(raw, exc)
    if type(event) is not dict:
        raise Rejected(f"not a JSON object but {_json_kind(event)}")
    event_type = event.get("event_type")
    if event_type is None:
        raise Rejected('missing required field "event_type"')
    if type(event_type) is not str or not event_type.strip():
        raise Rejected('field "event_type" must be a non-blank string')
    timestamp = event.get("timestamp")
    if timestamp is None:
        raise Rejected('missing required field "timestamp"')
    return event


def _parse_strictly_slow(raw: bytes, exc: orjson.JSONDecodeError) -> Any:
    """The slow path for what orjson refuses: integers beyond 64 bits are valid JSON (stored
    clamped, see values.uint); invalid UTF-8, blank lines, broken JSON and lone UTF-16
    surrogate escapes (not storable as UTF-8) are rejected with their reason."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        raise Rejected(f"invalid UTF-8 at byte {bad.start}") from None
    if not text.strip():
        raise Rejected("empty line")
    try:
        event = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as slow:
        raise Rejected(f"invalid JSON at column {slow.colno}: {slow.msg}") from None
    except ValueError:
        raise Rejected(f"invalid JSON at column {exc.colno}: {exc.msg}") from None
    try:
        json.dumps(event, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise Rejected("invalid JSON: a string holds a lone UTF-16 surrogate escape") from None
    return event


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def event_time(event: dict[str, Any]) -> int:
    """Epoch microseconds of the event's `timestamp`; raises `Rejected` if unparseable."""
    timestamp = event["timestamp"]
    micros = epoch_micros(timestamp) if type(timestamp) is str else None
    if micros is None:
        shown = timestamp if type(timestamp) is str else text(timestamp)
        raise Rejected(f'unparseable "timestamp" {shown[:64]!r}')
    return micros


# top-level EVE key → column, for text fields
COMMON_TEXT = (
    ("src_ip", "src_ip"),
    ("dest_ip", "dest_ip"),
    ("host", "sensor"),
    ("in_iface", "in_iface"),
    ("app_proto", "app_proto"),
    ("community_id", "community_id"),
)


def normalize_event(event: dict[str, Any]) -> Row:
    """The promoted columns of an accepted EVE object (see the module docstring).

    The hot path of ingest: the common fields are read one by one (no loop over a table), and
    the protocol blocks are found with one C-level set intersection; they are filled in the
    event's key order only when there are several (some share columns, the later one wins)."""
    get = event.get
    row: Row = {"event_type": event["event_type"], "ts": event_time(event)}
    for key, column in COMMON_TEXT:
        value = get(key)
        if value is not None:
            row[column] = value if type(value) is str else text(value)
    value = get("src_port")
    if value is not None:
        row["src_port"] = value if type(value) is int and 0 <= value <= U16 else uint(value, U16)
    value = get("dest_port")
    if value is not None:
        row["dest_port"] = value if type(value) is int and 0 <= value <= U16 else uint(value, U16)
    value = get("flow_id")
    if value is not None:
        row["flow_id"] = value if type(value) is int and 0 <= value <= U64 else uint(value, U64)
    proto = get("proto")
    if proto is not None:
        row["proto"] = proto_name(proto)
    tx_id = get("tx_id")
    if type(tx_id) is int and 0 <= tx_id < 1 << 63:
        row["tx_id"] = tx_id
    vlan = get("vlan")
    if vlan is not None:
        row["vlan"] = vlans(vlan)
    found = protocols.BLOCKS.intersection(event)
    if len(found) == 1:
        (key,) = found
        block = event[key]
        if type(block) is dict:
            protocols.block_columns(key, block, row)
    elif found:
        for key, block in event.items():
            if key in found and type(block) is dict:
                protocols.block_columns(key, block, row)
    return row


def proto_name(value: Any) -> str:
    """`TCP`, `tcp`, `6`, `"006"` → `TCP`; unknown numbers → their number; names upper-cased
    except the mixed-case IANA names (`IPv6-ICMP`)."""
    key = value if type(value) is str else text(value)
    name = _proto_cache.get(key)
    if name is None:
        name = _proto_name(key)
        if len(_proto_cache) < 4096:
            _proto_cache[key] = name
    return name


def _proto_name(key: str) -> str:
    stripped = key.strip()
    if stripped.isdigit():
        number = int(stripped)
        return PROTOCOLS.get(number, str(number))
    upper = stripped.upper()
    return _PROTO_NAMES.get(upper, upper)


def vlans(value: Any) -> list[int]:
    """`vlan` as an int or an array of ints (QinQ) → the list of VLAN ids."""
    if isinstance(value, list):
        return [uint(v, U16) for v in value if not isinstance(v, dict | list)]
    if isinstance(value, dict):
        return []
    return [uint(value, U16)]


def sensor_stats_row(event: dict[str, Any]) -> Row:
    """A `stats` event → a `sensor_stats` row (counters of the whole sensor)."""
    stats = event.get("stats")
    stats = stats if isinstance(stats, dict) else {}
    capture = _block(stats, "capture")
    decoder = _block(stats, "decoder")
    flow = _block(stats, "flow")
    flows = flow.get("total")
    if flows is None:
        flows = sum(uint(flow.get(k), U64) for k in ("tcp", "udp", "icmpv4", "icmpv6"))
    return {
        "ts": event_time(event),
        "sensor": text(event.get("host")),
        "uptime": uint(stats.get("uptime"), U64),
        "kernel_packets": uint(capture.get("kernel_packets"), U64),
        "kernel_drops": int64(capture.get("kernel_drops")),
        "decoder_packets": uint(decoder.get("pkts"), U64),
        "decoder_bytes": uint(decoder.get("bytes"), U64),
        "flows": uint(flows, U64),
    }


def _block(parent: dict[str, Any], key: str) -> dict[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}
