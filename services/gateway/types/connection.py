"""A page of results with cursor pagination (`EventConnection`, `IncidentConnection`, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from services.gateway import wire
from services.gateway.types.page_info import PageInfo

T = TypeVar("T")


@strawberry.type(description="A page of results; pass `pageInfo.endCursor` as `after` for more.")
class Connection(Generic[T]):
    nodes: list[T]
    page_info: PageInfo


def connection(data: Any, build: Callable[[wire.JSONObject], T], *keys: str) -> Connection[T]:
    """A connection from a REST page (`{"items": [...], "next_cursor": ...}`)."""
    page = data if isinstance(data, dict) else {}
    return Connection(
        nodes=[build(item) for item in wire.items(data, *keys)], page_info=PageInfo.from_json(page)
    )
