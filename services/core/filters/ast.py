"""The filter AST and its canonical text form.

Nodes are frozen dataclasses: `And`, `Or` (n-ary, flattened), `Not`, `Term` and `MatchAll`.
`to_text(node)` prints the canonical text form; `parse_query(to_text(node))` gives back an equal
node (positions are not compared).

Term values by op:
- `eq`: the plain value (no escapes); `field` None means free text over the original event.
- `wildcard`: a pattern where `*` and `?` are wildcards and `\\*`, `\\?`, `\\\\` are literals.
- `regex`: the regex source, without the surrounding slashes.
- `range`: a `Range`.
- `exists`: None.
- `in_list`: the list name.
- `cidr`: the network (`10.0.0.0/8`, `2001:db8::/32`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Literal

Op = Literal["eq", "wildcard", "regex", "range", "exists", "in_list", "cidr"]

LIST_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
BARE_VALUE = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.\-]*$")
KEYWORDS = frozenset({"AND", "OR", "NOT", "TO"})
# Characters that end or change a bare value; escaped with a backslash in wildcard patterns.
SPECIAL = frozenset(' \t\r\n()"\\:[]{}<>=!^~/@&|+-')


@dataclass(frozen=True)
class Range:
    """Bounds of a range; None is open. `[a TO b]` is inclusive, `{a TO b}` exclusive."""

    lo: str | None
    hi: str | None
    lo_inclusive: bool = True
    hi_inclusive: bool = True


@dataclass(frozen=True)
class Term:
    field: str | None
    op: Op
    value: str | Range | None = None
    pos: str = dc_field(default="", compare=False)
    value_pos: str = dc_field(default="", compare=False)

    def at(self, value: bool = False) -> str:
        """' at L:C' of the field (or of the value) for error messages, or ''."""
        where = (self.value_pos or self.pos) if value else self.pos
        return f" at {where}" if where else ""


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class MatchAll:
    """Matches every event (the empty query, `*`)."""


Node = Term | Not | And | Or | MatchAll


def and_(items: list[Node]) -> Node:
    """A flattened conjunction; MatchAll items drop out."""
    flat: list[Node] = []
    for item in items:
        if isinstance(item, And):
            flat.extend(item.items)
        elif not isinstance(item, MatchAll):
            flat.append(item)
    if not flat:
        return MatchAll()
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def or_(items: list[Node]) -> Node:
    """A flattened disjunction; a MatchAll item makes it MatchAll."""
    flat: list[Node] = []
    for item in items:
        if isinstance(item, MatchAll):
            return MatchAll()
        flat.extend(item.items if isinstance(item, Or) else (item,))
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def value_text(value: str) -> str:
    """A value as a bare word when that reads back unchanged, else quoted."""
    if BARE_VALUE.match(value) and value not in KEYWORDS:
        return value
    return quote(value)


def pattern_text(pattern: str) -> str:
    """A wildcard pattern with every special character escaped."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append("\\" + ch if ch in SPECIAL or ch.isspace() else ch)
        i += 1
    return "".join(out)


def regex_text(source: str) -> str:
    out = []
    i = 0
    while i < len(source):
        if source[i] == "\\" and i + 1 < len(source):
            out.append(source[i : i + 2])
            i += 2
            continue
        out.append("\\/" if source[i] == "/" else source[i])
        i += 1
    return "/" + "".join(out) + "/"


def range_text(r: Range) -> str:
    if r.hi is None and r.lo is not None:
        return (">=" if r.lo_inclusive else ">") + value_text(r.lo)
    if r.lo is None and r.hi is not None:
        return ("<=" if r.hi_inclusive else "<") + value_text(r.hi)
    lo = "*" if r.lo is None else value_text(r.lo)
    hi = "*" if r.hi is None else value_text(r.hi)
    return ("[" if r.lo_inclusive else "{") + f"{lo} TO {hi}" + ("]" if r.hi_inclusive else "}")


def term_text(t: Term) -> str:
    if t.op == "exists":
        return f"_exists_:{t.field}"
    if t.op == "eq" and isinstance(t.value, str):
        text = quote(t.value) if t.field is None else value_text(t.value)
    elif t.op == "wildcard" and isinstance(t.value, str):
        text = pattern_text(t.value)
    elif t.op == "regex" and isinstance(t.value, str):
        text = regex_text(t.value)
    elif t.op == "range" and isinstance(t.value, Range):
        text = range_text(t.value)
    elif t.op == "in_list" and isinstance(t.value, str):
        text = "@" + t.value
    elif t.op == "cidr" and isinstance(t.value, str):
        text = quote(t.value)
    else:
        raise ValueError(f"malformed term {t!r}")
    return text if t.field is None else f"{t.field}:{text}"


def to_text(node: Node) -> str:
    """The canonical text form of a node."""
    if isinstance(node, MatchAll):
        return "*"
    if isinstance(node, Term):
        return term_text(node)
    if isinstance(node, Not):
        inner = to_text(node.item)
        return f"NOT ({inner})" if isinstance(node.item, And | Or) else f"NOT {inner}"
    if isinstance(node, And):
        return " AND ".join(
            f"({to_text(i)})" if isinstance(i, Or) else to_text(i) for i in node.items
        )
    return " OR ".join(f"({to_text(i)})" if isinstance(i, And) else to_text(i) for i in node.items)


def list_references(node: Node) -> list[Term]:
    """The `field:@list` terms of a filter, in order (to check the lists exist)."""
    if isinstance(node, Term):
        return [node] if node.op == "in_list" else []
    if isinstance(node, Not):
        return list_references(node.item)
    if isinstance(node, And | Or):
        return [term for item in node.items for term in list_references(item)]
    return []
