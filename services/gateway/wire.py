"""Reading the services' JSON answers into Python values for the GraphQL types.

The REST wire shapes are the contract (`services/*/models.py`); these readers only convert
scalars (ISO 8601 text to aware datetimes) and tolerate absent optional keys.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

JSONObject = dict[str, Any]


def timestamp(value: Any) -> datetime | None:
    """An aware UTC datetime from ISO 8601 text (`...Z` or with an offset); None when absent."""
    if not value or not isinstance(value, str):
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def required_timestamp(value: Any) -> datetime:
    parsed = timestamp(value)
    if parsed is None:
        raise ValueError(f"expected an ISO 8601 date-time, got {value!r}")
    return parsed


def text(value: Any) -> str | None:
    return None if value is None else str(value)


def strings(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def objects(value: Any) -> list[JSONObject]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def items(data: Any, *keys: str) -> list[JSONObject]:
    """The list of a page answer (`{"items": [...]}`) or a bare list."""
    if isinstance(data, list):
        return objects(data)
    if isinstance(data, dict):
        for key in (*keys, "items"):
            if isinstance(data.get(key), list):
                return objects(data[key])
    return []


def cursor(data: Any) -> str | None:
    if isinstance(data, dict):
        value = data.get("next_cursor") or data.get("cursor")
        return str(value) if value else None
    return None
