"""`Filter`: a request's text query and/or Stamus content as one AST, ready to compile."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.core import fields
from services.core.filters.ast import MatchAll, Node, and_, to_text
from services.core.filters.compile import Compiled, compile_filter
from services.core.filters.membership import ListVersion
from services.core.filters.stamus import parse_stamus
from services.core.filters.text import parse_query


@dataclass(frozen=True)
class Filter:
    """A parsed filter. Both inputs given means both must match (AND)."""

    ast: Node

    @classmethod
    def from_request(
        cls,
        query: str | None,
        content: Sequence[Mapping[str, Any]] | None = None,
        registry: fields.Registry = fields.EVENT_FIELDS,
    ) -> Filter:
        parts: list[Node] = []
        if query:
            parts.append(parse_query(query, registry))
        if content:
            parts.append(parse_stamus(content, registry))
        return cls(and_(parts))

    @property
    def matches_all(self) -> bool:
        return isinstance(self.ast, MatchAll)

    def to_text(self) -> str:
        return to_text(self.ast)

    def compile(
        self,
        tenant: str,
        registry: fields.Registry = fields.EVENT_FIELDS,
        versions: Mapping[str, ListVersion] | None = None,
    ) -> Compiled:
        return compile_filter(self.ast, registry, tenant, versions)


def compile_for_events(
    tenant: str,
    query: str | None,
    content: Sequence[Mapping[str, Any]] | None = None,
) -> Compiled:
    """The `events` predicate for a request's `query` and/or Stamus `content`."""
    return Filter.from_request(query, content).compile(tenant)
