"""EVE timestamps → UTC epoch microseconds, without a `datetime` per value.

Suricata writes `2024-04-17T19:36:47.231055+0000`; other producers use `+01:00`, `Z`, no offset
(read as UTC), no fraction, or a space instead of `T`. The date-time-offset part (everything but
the fraction) is converted once per distinct second and cached; each value then costs a slice,
a dict lookup and an `int()`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# DateTime64(6) holds 1900-01-01 .. 2299-12-31; a timestamp outside is not a Suricata timestamp.
MIN_YEAR = 1900
MAX_YEAR = 2299

_TIMESTAMP = re.compile(
    r"\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})"
    r"(?:[.,](\d{1,9}))?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?\s*$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CACHE_LIMIT = 100_000
_seconds: dict[str, int | None] = {}


def epoch_micros(text: str) -> int | None:
    """Microseconds since the epoch (UTC) of an EVE timestamp, or None if it is not one."""
    # fast path: Suricata's own layout, `YYYY-MM-DDTHH:MM:SS.ffffff+hhmm`
    if len(text) == 31 and text[19] == "." and text[26] in "+-":
        key = text[:19] + text[26:]
        seconds = _seconds.get(key)
        if seconds is None and key not in _seconds:
            seconds = _cache(key, _seconds_of(text[:19], text[26:]))
        fraction = text[20:26]
        if seconds is None or not fraction.isdigit():
            return None
        return seconds * 1_000_000 + int(fraction)
    return _epoch_micros_general(text)


def _epoch_micros_general(text: str) -> int | None:
    match = _TIMESTAMP.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    base = f"{year}-{month}-{day}T{hour}:{minute}:{second}"
    key = base + (offset or "")
    seconds = _seconds.get(key)
    if seconds is None and key not in _seconds:
        seconds = _cache(key, _seconds_of(base, offset or ""))
    if seconds is None:
        return None
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    return seconds * 1_000_000 + micros


def _cache(key: str, seconds: int | None) -> int | None:
    if len(_seconds) >= _CACHE_LIMIT:
        _seconds.clear()
    _seconds[key] = seconds
    return seconds


def _seconds_of(base: str, offset: str) -> int | None:
    """Epoch seconds of `YYYY-MM-DDTHH:MM:SS` at `offset` (`+hhmm`, `+hh:mm`, `+hh`, `Z`, '')."""
    try:
        local = datetime(
            int(base[0:4]),
            int(base[5:7]),
            int(base[8:10]),
            int(base[11:13]),
            int(base[14:16]),
            int(base[17:19]),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    shift = _offset_seconds(offset)
    if shift is None:
        return None
    instant = local - timedelta(seconds=shift)
    if not MIN_YEAR <= instant.year <= MAX_YEAR:
        return None
    return (instant - _EPOCH) // timedelta(seconds=1)


def _offset_seconds(offset: str) -> int | None:
    if offset in ("", "Z", "z", "UTC"):
        return 0
    digits = offset[1:].replace(":", "")
    if not digits.isdigit() or len(digits) not in (2, 4):
        return None
    hours, minutes = int(digits[:2]), int(digits[2:] or "0")
    if hours > 23 or minutes > 59:
        return None
    value = hours * 3600 + minutes * 60
    return -value if offset[0] == "-" else value


def from_micros(micros: int) -> datetime:
    """The aware UTC datetime of epoch microseconds (for per-batch summaries, not per value)."""
    return _EPOCH + timedelta(microseconds=micros)
