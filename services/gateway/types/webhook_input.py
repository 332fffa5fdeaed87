"""Inputs to create and change webhooks."""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.input(
    description=(
        "A webhook: destination, HMAC secret (generated when absent and returned once), "
        "and a `preset` (`slack`, `teams`, `generic`) or a Jinja2 `template`."
    )
)
class WebhookInput:
    name: str
    url: str
    secret: str | None = None
    preset: str | None = None
    template: str | None = None
    enabled: bool = True
    comment: str | None = None

    def body(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "name": self.name,
            "url": self.url,
            "secret": self.secret,
            "preset": self.preset,
            "template": self.template,
            "enabled": self.enabled,
            "comment": self.comment,
        }
        return {key: value for key, value in fields.items() if value is not None}


@strawberry.input(description="Changes to a webhook; absent fields stay as they are.")
class WebhookPatch:
    name: str | None = None
    url: str | None = None
    secret: str | None = None
    preset: str | None = None
    template: str | None = None
    enabled: bool | None = None
    comment: str | None = None

    def body(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "name": self.name,
            "url": self.url,
            "secret": self.secret,
            "preset": self.preset,
            "template": self.template,
            "enabled": self.enabled,
            "comment": self.comment,
        }
        return {key: value for key, value in fields.items() if value is not None}
