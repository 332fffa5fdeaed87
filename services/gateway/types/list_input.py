"""The new content of one of the tenant's reference lists."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON


@strawberry.input(
    description=(
        "One entry: `10.0.0.53`, `10.0.0.0/8`, `corp.example.com`, `*.example.com`; `match` "
        "`suffix` also matches subdomains."
    )
)
class ListItemInput:
    value: str
    match: str | None = None
    attrs: JSON | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"value": self.value}
        if self.match is not None:
            body["match"] = self.match
        if self.attrs is not None:
            body["attrs"] = self.attrs
        return body


@strawberry.input(description="Replaces the whole list `name` for the caller's tenant.")
class ReferenceListInput:
    items: list[ListItemInput]
    description: str | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"items": [item.body() for item in self.items]}
        if self.description is not None:
            body["description"] = self.description
        return body
