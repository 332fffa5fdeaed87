"""Inputs to create and change saved filter sets."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON


@strawberry.input(description="A new saved filter set: a text `query` or Stamus `content`.")
class FilterSetInput:
    name: str
    description: str | None = None
    query: str | None = None
    content: JSON | None = None
    shared: bool = False

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "shared": self.shared}
        for key, value in (
            ("description", self.description),
            ("query", self.query),
            ("content", self.content),
        ):
            if value is not None:
                body[key] = value
        return body


@strawberry.input(description="Changes to a saved filter set; absent fields stay as they are.")
class FilterSetPatch:
    name: str | None = None
    description: str | None = None
    query: str | None = None
    content: JSON | None = None
    shared: bool | None = None

    def body(self) -> dict[str, Any]:
        fields = {
            "name": self.name,
            "description": self.description,
            "query": self.query,
            "content": self.content,
            "shared": self.shared,
        }
        return {key: value for key, value in fields.items() if value is not None}
