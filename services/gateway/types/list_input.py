"""The new content of a tenant's reference list."""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.input(description="One entry of a reference list.")
class ListItemInput:
    value: str
    match: str | None = None
    note: str | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"value": self.value}
        if self.match is not None:
            body["match"] = self.match
        if self.note is not None:
            body["note"] = self.note
        return body


@strawberry.input(description="Replaces the whole list `name` for the caller's tenant.")
class ReferenceListInput:
    items: list[ListItemInput]
    description: str | None = None
    kind: str | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"items": [item.body() for item in self.items]}
        if self.description is not None:
            body["description"] = self.description
        if self.kind is not None:
            body["kind"] = self.kind
        return body
