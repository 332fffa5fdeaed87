"""The result of a successful delete."""

from __future__ import annotations

import strawberry


@strawberry.type(description="The object `id` was deleted.")
class Deleted:
    id: strawberry.ID
