"""Input to create a threat."""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.input(description="A new threat; `killChain` defaults to `command_and_control`.")
class ThreatCreateInput:
    name: str
    family: str | None = None
    description: str | None = None
    kill_chain: str | None = None
    comment: str | None = None

    def body(self) -> dict[str, Any]:
        fields = {
            "name": self.name,
            "family": self.family,
            "description": self.description,
            "kill_chain": self.kill_chain,
            "comment": self.comment,
        }
        return {key: value for key, value in fields.items() if value is not None}
