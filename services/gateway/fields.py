"""A typed decorator for documented resolver fields on GraphQL types.

`@strawberry.field(description=...)` is untyped for mypy; `@documented("...")` is the same
field with a type mypy can check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.types.field import StrawberryField


def documented(description: str) -> Callable[[Callable[..., Any]], StrawberryField]:
    def wrap(resolver: Callable[..., Any]) -> StrawberryField:
        return strawberry.field(resolver, description=description)

    return wrap
