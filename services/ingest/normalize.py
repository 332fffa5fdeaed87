"""Why a line was refused, in words an operator can act on.

The engine decides what is accepted (`extraction.ACCEPTED`); for the few lines it refuses, this
module reads the line again in Python to say exactly what is wrong and where: over the size
limit, invalid UTF-8 (at which byte), blank, not JSON (at which column), not an object, no or
blank `event_type`, no or unparseable `timestamp`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import orjson

# DateTime64(6) holds 1900-01-01 .. 2299-12-31; a timestamp outside is not a Suricata timestamp.
MIN_YEAR = 1900
MAX_YEAR = 2299


def reject_reason(raw: bytes, max_line_bytes: int) -> str:
    """The reason a line the engine refused is not stored as an event."""
    try:
        event = parse_line(raw, max_line_bytes)
    except Rejected as rejected:
        return rejected.reason
    timestamp = event["timestamp"]
    if isinstance(timestamp, str) and _looks_valid(timestamp):
        return "not readable as an EVE object by the engine's JSON parser"
    shown = timestamp if isinstance(timestamp, str) else orjson.dumps(timestamp).decode()
    return f'unparseable "timestamp" {shown[:64]!r}'


def _looks_valid(timestamp: str) -> bool:
    try:
        parsed = datetime.fromisoformat(timestamp.strip())
    except ValueError:
        return False
    return MIN_YEAR <= parsed.year <= MAX_YEAR


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
    clamped); invalid UTF-8, blank lines, broken JSON and lone UTF-16
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
