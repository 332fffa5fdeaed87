"""REST failures as GraphQL errors: each carries `extensions.code` so clients can branch on it.

The services answer `{"error": {"code", "message", "details"?}}` with a 4xx/5xx status; the
gateway maps the status to one of these. Resolvers turn the expected ones into schema values:
`NotFound` becomes `null` for lookups, `Invalid` becomes a `ValidationError` result member for
mutations; everything else reaches the client as an error with its code.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLError

# "url: refused — ...", "invalid request body — threat.name: field required"
FIELD_PREFIX = re.compile(r"^(?:invalid request body — )?([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*): ")


def camel_path(path: str) -> str:
    """`threat.kill_chain` → `threat.killChain` (GraphQL input names)."""
    return ".".join(
        re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), part) for part in path.split(".")
    )


class GatewayError(GraphQLError):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, status: int | None = None, details: Any = None) -> None:
        extensions: dict[str, Any] = {"code": self.code}
        if status is not None:
            extensions["status"] = status
        super().__init__(message, extensions=extensions)
        self.status = status
        self.details = details


class Unauthenticated(GatewayError):
    code = "UNAUTHENTICATED"


class Forbidden(GatewayError):
    code = "FORBIDDEN"


class NotFound(GatewayError):
    code = "NOT_FOUND"


class Invalid(GatewayError):
    code = "BAD_USER_INPUT"

    def field(self) -> str | None:
        """The first offending input field, named as in the GraphQL input (`threat.killChain`):
        from the service's `details`, else from a message that starts with it."""
        named: str | None = None
        if isinstance(self.details, list):
            named = next(
                (
                    str(problem["field"])
                    for problem in self.details
                    if isinstance(problem, dict) and isinstance(problem.get("field"), str)
                ),
                None,
            )
        elif isinstance(self.details, dict) and isinstance(self.details.get("field"), str):
            named = str(self.details["field"])
        if named is None and (match := FIELD_PREFIX.match(self.message)):
            named = match.group(1)
        return camel_path(named) if named else None


class Conflict(Invalid):
    code = "CONFLICT"


class Unavailable(GatewayError):
    code = "SERVICE_UNAVAILABLE"


def from_status(status: int, message: str, details: Any = None) -> GatewayError:
    """The error for a REST answer with a non-2xx `status`."""
    if status == 401:
        return Unauthenticated(message, status, details)
    if status == 403:
        return Forbidden(message, status, details)
    if status == 404:
        return NotFound(message, status, details)
    if status == 409:
        return Conflict(message, status, details)
    if 400 <= status < 500:
        return Invalid(message, status, details)
    if status in (502, 503, 504):
        return Unavailable(message, status, details)
    return GatewayError(message, status, details)
