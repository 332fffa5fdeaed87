"""Inputs to create and change policies; field names follow the REST create body."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON


@strawberry.input(
    description="A threat for a `declare` policy: an existing one by `id`, or a new one."
)
class ThreatInput:
    id: strawberry.ID | None = None
    name: str | None = None
    family: str | None = None
    description: str | None = None
    kill_chain: str | None = None

    def body(self) -> dict[str, Any]:
        fields = {
            "id": self.id,
            "name": self.name,
            "family": self.family,
            "description": self.description,
            "kill_chain": self.kill_chain,
        }
        return {key: value for key, value in fields.items() if value is not None}


POLICY_FIELDS = (
    "action",
    "query",
    "content",
    "filter_set",
    "description",
    "enabled",
    "position",
    "comment",
    "tag",
    "type",
    "offender_key",
    "victim_key",
    "victim_type",
    "track_offender",
    "track_victim",
    "history",
    "history_webhooks",
)


def policy_body(policy: PolicyPatch) -> dict[str, Any]:
    """The REST body: the fields given, `threat` nested, `webhooks` a flag or webhook ids."""
    body: dict[str, Any] = {
        name: getattr(policy, name) for name in POLICY_FIELDS if getattr(policy, name) is not None
    }
    if policy.threat is not None:
        body["threat"] = policy.threat.body()
    if policy.webhook_ids is not None:
        body["webhooks"] = [str(id_) for id_ in policy.webhook_ids]
    elif policy.webhooks is not None:
        body["webhooks"] = policy.webhooks
    return body


@strawberry.input(description="Changes to a policy; absent fields stay as they are.")
class PolicyPatch:
    action: str | None = None
    query: str | None = None
    content: JSON | None = None
    filter_set: str | None = None
    description: str | None = None
    enabled: bool | None = None
    position: int | None = None
    comment: str | None = None
    tag: str | None = None
    type: str | None = None
    threat: ThreatInput | None = None
    offender_key: str | None = None
    victim_key: str | None = None
    victim_type: str | None = None
    track_offender: bool | None = None
    track_victim: bool | None = None
    webhooks: bool | None = None
    webhook_ids: list[strawberry.ID] | None = None
    history: bool | None = None
    history_webhooks: bool | None = None

    def body(self) -> dict[str, Any]:
        return policy_body(self)


@strawberry.input(
    description=(
        "A policy: a filter (`query`, Stamus `content` or a `filterSet` id) and an `action` "
        "(`tag` | `declare` | `suppress`) with that action's options. `webhookIds` restricts "
        "declarations to those webhooks; `webhooks: false` sends none."
    )
)
class PolicyInput(PolicyPatch):
    action: str  # required here; every other field as in PolicyPatch


@strawberry.input(description="A historical backfill of a policy (default range: the service's).")
class BackfillInput:
    from_: datetime | None = strawberry.field(name="from", default=None)
    to: datetime | None = None
    webhooks: bool | None = None
    comment: str | None = None

    def body(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "from": self.from_.isoformat() if self.from_ else None,
            "to": self.to.isoformat() if self.to else None,
            "webhooks": self.webhooks,
            "comment": self.comment,
        }
        return {key: value for key, value in fields.items() if value is not None}
