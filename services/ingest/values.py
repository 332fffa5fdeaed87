"""EVE values → column values, for producers that disagree on types.

Decisions (documented in docs/PERFORMANCE.md and the module docstrings that use them):
- strings: a non-string scalar becomes its text (`200` → `"200"`); objects and arrays become
  compact JSON; NUL and any other character is kept as is;
- unsigned integers: numeric strings are read (`"200"`); negative values become 0 and values
  beyond the column's range are clamped to its maximum (a negative counter is a producer bug,
  and the original value stays in `raw`); anything else is 0.
"""

from __future__ import annotations

from typing import Any

import orjson

U8 = 0xFF
U16 = 0xFFFF
U32 = 0xFFFF_FFFF
U64 = 0xFFFF_FFFF_FFFF_FFFF
I64_MIN = -(1 << 63)
I64_MAX = (1 << 63) - 1


def text(value: Any) -> str:
    """The column text of an EVE value ('' for null)."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return orjson.dumps(value).decode()


def uint(value: Any, limit: int) -> int:
    """An unsigned column value: negatives → 0, beyond `limit` → `limit`, non-numbers → 0."""
    if type(value) is int:
        if value < 0:
            return 0
        return value if value <= limit else limit
    if isinstance(value, bool) or value is None:
        return int(bool(value)) if value is not None else 0
    if isinstance(value, float):
        if value != value or value < 0:  # NaN or negative
            return 0
        return limit if value >= limit else int(value)
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.isdigit():
            return min(int(stripped), limit)
    return 0


def int64(value: Any) -> int:
    """A signed 64-bit column value (deltas may be negative); out of range is clamped."""
    if type(value) is int:
        return I64_MIN if value < I64_MIN else (I64_MAX if value > I64_MAX else value)
    if isinstance(value, float) and value == value:
        return int(max(min(value, I64_MAX), I64_MIN))
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.lstrip("-").isdigit():
            return int64(int(stripped))
    return 0
