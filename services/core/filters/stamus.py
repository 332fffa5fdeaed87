"""The structured form: Stamus (Scirius) filter-set `content` lists.

Each item is `{id, value, negated, fullString}`; items are ANDed. Semantics by id kind:

- a field name or alias (`app_proto`, `alert.signature`, `dns.query.rrname`, `msg`, any EVE path
  such as `alert.metadata.source` through the raw event):
  - value `*` → the field exists;
  - `fullString: true` → exact match (`field:"value"`; on IP fields a CIDR when it has a `/`);
  - `fullString: false` → case-insensitive match of a string field: the value as a wildcard
    pattern if it has `*` or `?` (`curl*` starts with curl), else a substring (`MALWARE` →
    `*MALWARE*`). Numbers, IPs and booleans match exactly either way.
- `es_filter` → the value is a Lucene query string, parsed with the text parser.
- `alert.tag` → the tag toggles `{"relevant": b, "informational": b, "untagged": b}`: the events
  carrying an enabled tag, plus untagged events when `untagged` is on (all on = no constraint);
  a plain string value is one tag.
- `hits_min`, `hits_max` → not event predicates: Stamus applies them to per-signature alert
  counts on the rules page. They are left out of the AST; `signature_hit_limits(content)` returns
  them for aggregations.
- `host_id.*` → host-insight attributes; valid only with a registry that defines them (the hosts
  service's), otherwise `Invalid`.

`negated: true` wraps the item in NOT. Unknown ids raise `Invalid` naming the item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from services.core import fields
from services.core.errors import Invalid
from services.core.filters.ast import MatchAll, Node, Not, Term, and_, or_
from services.core.filters.compile import compile_filter
from services.core.filters.text import parse_query

SIGNATURE_LIMITS = ("hits_min", "hits_max")
TAG_TOGGLES = ("relevant", "informational", "untagged")
WILDCARD_LITERALS = str.maketrans({"\\": "\\\\"})


def parse_stamus(
    content: Sequence[Mapping[str, Any]], registry: fields.Registry = fields.EVENT_FIELDS
) -> Node:
    """The AST of a Stamus filter-set `content` list; raises Invalid naming the bad item."""
    if not isinstance(content, list | tuple):
        raise Invalid("filter-set content must be a list of {id, value, negated, fullString}")
    items: list[Node] = []
    for index, item in enumerate(content):
        where = f"content[{index}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            raise Invalid(f"{where} must be an object with a string id")
        try:
            node = _item(item, registry)
            compile_filter(node, registry, tenant="")
        except Invalid as exc:
            raise Invalid(f'{where} (id "{item["id"]}"): {exc.message}', exc.details) from exc
        if item.get("negated") is True:
            node = Not(node)
        items.append(node)
    return and_(items)


def signature_hit_limits(content: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """The `hits_min` / `hits_max` items of a content list (per-signature alert counts)."""
    limits: dict[str, int] = {}
    for item in content:
        if isinstance(item, Mapping) and item.get("id") in SIGNATURE_LIMITS:
            limits[str(item["id"])] = _integer(item.get("value"), str(item["id"]))
    return limits


def _integer(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Invalid(f"{name} must be an integer")
    try:
        return int(value)
    except ValueError:
        raise Invalid(f'{name} must be an integer, got "{value}"') from None


def _item(item: Mapping[str, Any], registry: fields.Registry) -> Node:
    kind = str(item["id"])
    value = item.get("value")
    if kind in SIGNATURE_LIMITS:
        _integer(value, kind)
        return MatchAll()
    if kind == "es_filter":
        if not isinstance(value, str):
            raise Invalid("es_filter value must be a query string")
        return parse_query(value, registry)
    if kind == "alert.tag":
        return _tags(value)
    if kind.startswith("host_id.") and registry.get(kind) is None:
        raise Invalid(
            f'"{kind}" is a host-insight attribute: filter hosts through the hosts API, '
            "or use it with the host registry"
        )
    field = registry.lookup(kind)
    text = _scalar(value)
    if text == "*":
        return Term(field.name, "exists")
    if field.kind == "ip" and "/" in text:
        return Term(field.name, "cidr", text)
    full = item.get("fullString", True) is not False
    if full or field.kind not in ("string", "string_array", "raw", "tag"):
        return Term(field.name, "eq", text)
    pattern = text.translate(WILDCARD_LITERALS)
    if "*" not in text and "?" not in text:
        pattern = f"*{pattern}*"
    return Term(field.name, "wildcard", pattern)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise Invalid(f"value must be a string or a number, got {type(value).__name__}")


def _tags(value: Any) -> Node:
    if isinstance(value, str):
        return Term("tag", "eq", value)
    if not isinstance(value, Mapping):
        raise Invalid("alert.tag value must be a tag name or {relevant, informational, untagged}")
    enabled = {name: value.get(name, True) is not False for name in TAG_TOGGLES}
    if all(enabled.values()):
        return MatchAll()
    options: list[Node] = [
        Term("tag", "eq", name) for name in ("relevant", "informational") if enabled[name]
    ]
    if enabled["untagged"]:
        options.append(Not(Term("tag", "exists")))
    if not options:
        raise Invalid("alert.tag: at least one of relevant, informational, untagged must be on")
    return or_(options)
