"""Cursor pagination state of a connection."""

from __future__ import annotations

import strawberry

from services.gateway import wire


@strawberry.type(description="Pass `endCursor` as `after` to fetch the next page.")
class PageInfo:
    end_cursor: str | None
    has_next_page: bool

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> PageInfo:
        cursor = wire.cursor(data)
        return cls(end_cursor=cursor, has_next_page=cursor is not None)
