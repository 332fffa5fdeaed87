"""Expected failures of mutations, as members of their result unions."""

from __future__ import annotations

import strawberry

from services.gateway import errors


@strawberry.type(description="The input was rejected; `field` names the offending input field.")
class ValidationError:
    message: str
    field: str | None = None

    @classmethod
    def from_error(cls, error: errors.Invalid) -> ValidationError:
        return cls(message=error.message, field=error.field())


@strawberry.type(description="The object the mutation refers to does not exist.")
class NotFoundError:
    message: str

    @classmethod
    def from_error(cls, error: errors.NotFound) -> NotFoundError:
        return cls(message=error.message)
