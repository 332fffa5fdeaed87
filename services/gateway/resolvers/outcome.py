"""Turning expected REST failures of a mutation into members of its result union."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from services.gateway import errors
from services.gateway.types.errors import NotFoundError, ValidationError

T = TypeVar("T")


async def outcome(call: Awaitable[T]) -> T | ValidationError | NotFoundError:
    """The result of `call`; a 404 becomes `NotFoundError`, another 4xx `ValidationError`.

    Authentication and permission failures stay GraphQL errors (with their codes)."""
    try:
        return await call
    except errors.NotFound as error:
        return NotFoundError.from_error(error)
    except errors.Invalid as error:
        return ValidationError.from_error(error)


async def or_none(call: Awaitable[T]) -> T | None:
    """The result of a lookup, or None when the service answers 404."""
    try:
        return await call
    except errors.NotFound:
        return None


async def validated(call: Awaitable[T]) -> T | ValidationError:
    """The result of `call`; any 4xx the caller caused (404 included) becomes `ValidationError`."""
    try:
        return await call
    except errors.NotFound as error:
        return ValidationError(message=error.message, field=None)
    except errors.Invalid as error:
        return ValidationError.from_error(error)
