"""Which events a query reads: a filter (text, saved set, host filter) and a time range."""

from __future__ import annotations

from datetime import datetime

import strawberry

from services.gateway.clients import Params


@strawberry.input(
    description=(
        "Events matching `query` (the filter language) and/or the filter set `filterSet`, "
        "optionally only those whose source or destination host matches `hostQuery`, between "
        "`from` and `to` (default: the last 24 hours)."
    )
)
class EventFilter:
    query: str | None = None
    filter_set: strawberry.ID | None = None
    host_query: str | None = None
    host_side: str | None = strawberry.field(
        default=None, description="Which side `hostQuery` applies to: `src`, `dest` or `any`."
    )
    include_suppressed: bool | None = strawberry.field(
        default=None, description="Include events hidden by `suppress` policies."
    )
    from_: datetime | None = strawberry.field(default=None, name="from")
    to: datetime | None = None

    def params(self) -> Params:
        return {
            "query": self.query,
            "filter_set": self.filter_set,
            "host_query": self.host_query,
            "host_side": self.host_side,
            "include_suppressed": self.include_suppressed,
            **time_params(self.from_, self.to),
        }


def time_params(start: datetime | None, end: datetime | None) -> dict[str, str | None]:
    """`from`/`to` query parameters (ISO 8601); absent ones take the service's default."""
    return {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
    }


def event_params(where: EventFilter | None) -> Params:
    return where.params() if where else {}
