"""The compiler: AST → a ClickHouse boolean expression with every value bound.

Parameters are named `f0`, `f1`, ... in order; identifiers come only from the field registry
(and list/tag table names fixed here). Path segments of raw-path fields are bound too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from string import Template
from typing import Any

from services.core import fields
from services.core.errors import Invalid
from services.core.filters import membership, values
from services.core.filters.ast import And, MatchAll, Node, Not, Or, Range, Term
from services.core.filters.regex import to_re2

Predicate = Callable[[str], str]

TAGGED = Template("id IN (SELECT event_id FROM event_tags WHERE tenant = $tenant AND $condition)")
RAW_VALUES = Template(
    "arrayMap(x -> if(JSONType(x) = 'String', JSONExtractString(x), x),"
    " multiIf(JSONType($raw, $path) = 'Array', JSONExtractArrayRaw($raw, $path),"
    " JSONHas($raw, $path), [JSONExtractRaw($raw, $path)], []))"
)
EXISTS: dict[str, str] = {
    "string": "$x != ''",
    "ip": "$x != toIPv6('::')",
    "int": "$x != 0",
    "float": "$x != 0",
    "bool": "1",
    "datetime": "toUnixTimestamp64Micro($x) != 0",
    "string_array": "notEmpty($x)",
}


@dataclass(frozen=True)
class Compiled:
    """A boolean SQL expression over the registry's table and its bound parameters."""

    sql: str
    params: dict[str, Any]

    def embed(self, query: str) -> str:
        """`query` with `$filter` replaced by the parenthesized expression.

        `compiled.embed("SELECT count() FROM events WHERE tenant = {tenant:String} AND $filter")`
        """
        if "$filter" not in query:
            raise ValueError("query has no $filter placeholder")
        return query.replace("$filter", f"({self.sql})")


def compile_filter(
    ast: Node,
    registry: fields.Registry,
    tenant: str,
    versions: Mapping[str, membership.ListVersion] | None = None,
) -> Compiled:
    """Compile an AST for `tenant` (lists and tags are read for this tenant).

    Without `versions`, the SQL looks up each list's current version when it runs (the compiled
    text is good for as long as the definition is). With `versions` (as
    `lists.check_references` returns them), those versions are bound instead — faster, good for
    one run; a list without networks skips the network branch, and a list without a version
    matches nothing (a tenant list not filled yet)."""
    compiler = _Compiler(registry, tenant, versions)
    return Compiled(compiler.node(ast), compiler.params)


def _sub(template: str | Template, **names: str) -> str:
    t = template if isinstance(template, Template) else Template(template)
    return t.substitute(names)


class _Compiler:
    def __init__(
        self,
        registry: fields.Registry,
        tenant: str,
        versions: Mapping[str, membership.ListVersion] | None = None,
    ) -> None:
        self.registry = registry
        self.tenant = tenant
        self.versions = versions
        self.params: dict[str, Any] = {}
        self._tenant_param = ""

    def bind(self, value: Any, type_: str) -> str:
        name = f"f{len(self.params)}"
        self.params[name] = value
        return "{" + name + ":" + type_ + "}"

    def tenant_param(self) -> str:
        if not self._tenant_param:
            self._tenant_param = self.bind(self.tenant, "String")
        return self._tenant_param

    # -- structure

    def node(self, node: Node) -> str:
        if isinstance(node, MatchAll):
            return "1"
        if isinstance(node, Not):
            return f"NOT ({self.node(node.item)})"
        if isinstance(node, And):
            return " AND ".join(f"({self.node(i)})" for i in node.items)
        if isinstance(node, Or):
            return " OR ".join(f"({self.node(i)})" for i in node.items)
        return self.term(node)

    def term(self, t: Term) -> str:
        if t.field is None:
            return self.free_text(t)
        field = self.registry.lookup(t.field, t.at())
        if field.kind == "tag":
            return self.tag(t, field)
        if field.kind == "raw":
            return self.raw(t, field)
        predicate = self.predicate(t, field)
        parts = [predicate(column) for column in field.columns]
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    # -- predicates over one column expression

    def predicate(self, t: Term, field: fields.Field) -> Predicate:
        if t.op == "exists":
            template = EXISTS.get(field.kind)
            if template is None:
                raise Invalid(f"_exists_ is not supported for {field.name}{t.at()}")
            return lambda x: _sub(template, x=x)
        if field.kind in ("string", "string_array"):
            scalar = self.string_predicate(t, field)
            if field.kind == "string":
                return scalar
            if t.op == "eq":
                value = self.bind(field.normalize(_text(t)), "String")
                return lambda c: f"has({c}, {value})"
            return lambda c: f"arrayExists(e -> {scalar('e')}, {c})"
        if field.kind == "ip":
            return self.ip_predicate(t, field)
        if field.kind in ("int", "float", "bool", "datetime"):
            return self.typed_predicate(t, field)
        raise Invalid(f"field {field.name}{t.at()} cannot be filtered with {t.op}")

    def string_predicate(self, t: Term, field: fields.Field) -> Predicate:
        where = t.at(value=True)
        if t.op == "eq":
            value = self.bind(field.normalize(_text(t)), "String")
            return lambda x: f"{x} = {value}"
        if t.op == "wildcard":
            return self.wildcard_predicate(field.normalize(_text(t)), field.case != "exact")
        if t.op == "regex":
            regex = self.bind(to_re2(_text(t), where), "String")
            return lambda x: f"match({x}, {regex})"
        if t.op == "range":
            return self.range_predicate(t, lambda v: self.bind(field.normalize(v), "String"))
        if t.op == "in_list":
            return self.list_predicate(t, field)
        if t.op == "cidr":
            first, last = values.cidr(_text(t), where)
            lo, hi = self.bind(first, "IPv6"), self.bind(last, "IPv6")
            return lambda x: f"ifNull(toIPv6OrNull({x}) BETWEEN {lo} AND {hi}, 0)"
        raise Invalid(f"{t.op} is not supported for {field.name}{t.at()}")

    def wildcard_predicate(self, pattern: str, normalized: bool) -> Predicate:
        """Case-insensitive wildcard match; plain string functions when the column's case is
        normalized and the pattern is a prefix, suffix or substring."""
        shape, text = values.wildcard_shape(pattern)
        if normalized and shape != "like":
            literal = self.bind(text, "String")
            function = {"prefix": "startsWith", "suffix": "endsWith", "contains": "position"}
            compare = " > 0" if shape == "contains" else ""
            return lambda x: f"{function[shape]}({x}, {literal}){compare}"
        like = self.bind(values.like_pattern(pattern), "String")
        operator = "LIKE" if normalized else "ILIKE"
        return lambda x: f"{x} {operator} {like}"

    def ip_predicate(self, t: Term, field: fields.Field) -> Predicate:
        where = t.at(value=True)
        if t.op == "eq":
            value = self.bind(values.ip(_text(t), field.name, where), "IPv6")
            return lambda x: f"{x} = {value}"
        if t.op in ("cidr", "wildcard"):
            network = _text(t) if t.op == "cidr" else _ipv4_wildcard(t, field)
            first, last = values.cidr(network, where)
            lo, hi = self.bind(first, "IPv6"), self.bind(last, "IPv6")
            return lambda x: f"{x} BETWEEN {lo} AND {hi}"
        if t.op == "range":
            return self.range_predicate(
                t, lambda v: self.bind(values.ip(v, field.name, where), "IPv6")
            )
        if t.op == "in_list":
            return self.list_predicate(t, field)
        raise Invalid(
            f"{t.op} is not supported for IP field {field.name}{t.at()}"
            f' — use a CIDR, e.g. {field.name}:"10.0.0.0/8"'
        )

    def typed_predicate(self, t: Term, field: fields.Field) -> Predicate:
        where = t.at(value=True)
        kind = field.kind

        def bound(v: str) -> str:
            if kind == "int":
                number = values.integer(v, field.name, where)
                # Unsigned columns compare fastest with an unsigned value.
                return self.bind(number, "UInt64" if number >= 0 else "Int64")
            if kind == "float":
                return self.bind(values.floating(v, field.name, where), "Float64")
            if kind == "bool":
                return self.bind(values.boolean(v, field.name, where), "UInt8")
            text = self.bind(values.timestamp(v, field.name, where), "String")
            return f"toDateTime64({text}, 6, 'UTC')"

        if t.op == "eq":
            value = bound(_text(t))
            return lambda x: f"{x} = {value}"
        if t.op == "range" and kind != "bool":
            return self.range_predicate(t, bound)
        if t.op == "in_list" and kind in ("int", "float"):
            return self.list_predicate(t, field)
        raise Invalid(f"{t.op} is not supported for {kind} field {field.name}{t.at()}")

    def range_predicate(self, t: Term, bound: Callable[[str], str]) -> Predicate:
        r = t.value
        if not isinstance(r, Range):
            raise Invalid(f"malformed range{t.at()}")
        parts: list[str] = []
        if r.lo is not None:
            parts.append((">= " if r.lo_inclusive else "> ") + bound(r.lo))
        if r.hi is not None:
            parts.append(("<= " if r.hi_inclusive else "< ") + bound(r.hi))
        if not parts:
            raise Invalid(f"range without bounds{t.at()}")
        return lambda x: "(" + " AND ".join(f"{x} {p}" for p in parts) + ")"

    def list_predicate(self, t: Term, field: fields.Field) -> Predicate:
        name = _text(t)
        networks = True
        if self.versions is None:
            current = membership.current(self.tenant_param(), self.bind(name, "String"))
        elif name in self.versions:
            found = self.versions[name]
            networks = found.has_networks
            current = membership.current_bound(
                self.bind(found.owner, "String"),
                self.bind(name, "String"),
                self.bind(found.version, "UInt64"),
            )
        else:
            return lambda x: "0"
        if field.kind == "ip":
            return lambda x: membership.ip_in_list(x, current, networks)
        if field.kind in ("int", "float"):
            return lambda x: membership.number_in_list(x, current)
        return lambda x: membership.name_in_list(x, current, field.case)

    # -- fields that are not plain columns

    def tag(self, t: Term, field: fields.Field) -> str:
        tenant = self.tenant_param()
        if t.op == "exists":
            return _sub(TAGGED, tenant=tenant, condition="1")
        tag_field = fields.Field("tag", "string", "tag", "", case="lower")
        condition = self.string_predicate(t, tag_field)("tag")
        return _sub(TAGGED, tenant=tenant, condition=condition)

    def raw(self, t: Term, field: fields.Field) -> str:
        """An EVE path read from the raw line: one typed extraction when the EVE schema gives
        the path a scalar type, else every value (a scalar or an array's items) as text."""
        path = ", ".join(self.bind(p, "String") for p in field.raw_path)
        raw = field.sql
        if t.op == "exists":
            return f"JSONHas({raw}, {path})"
        key = self.bind(f'"{field.raw_path[-1]}"', "String")
        numeric = _numeric_term(t)
        if field.raw_type in ("integer", "number") and numeric:
            number = fields.Field(field.name, "float", "", "")
            scalar = self.typed_predicate(t, number)(
                f"JSONExtract({raw}, {path}, 'Nullable(Float64)')"
            )
            condition = f"ifNull({scalar}, 0)"
        elif field.raw_type == "string" and t.op != "range" and _text(t) != "":
            text = fields.Field(field.name, "string", "", "")
            condition = self.string_predicate(t, text)(f"JSONExtractString({raw}, {path})")
        elif t.op == "range" and numeric:
            items = _sub(RAW_VALUES, raw=raw, path=path)
            number = fields.Field(field.name, "float", "", "")
            scalar = self.typed_predicate(t, number)("toFloat64OrNull(x)")
            condition = f"arrayExists(x -> ifNull({scalar}, 0), {items})"
        elif t.op == "eq":
            items = _sub(RAW_VALUES, raw=raw, path=path)
            condition = f"has({items}, {self.bind(_text(t), 'String')})"
        else:
            items = _sub(RAW_VALUES, raw=raw, path=path)
            scalar = self.string_predicate(t, field)("x")
            condition = f"arrayExists(x -> {scalar}, {items})"
        return f"(position({raw}, {key}) > 0 AND {condition})"

    def free_text(self, t: Term) -> str:
        raw = self.registry.raw_column
        if raw is None:
            raise Invalid(f"free text needs a field here{t.at()}, e.g. name:value")
        if t.op == "eq":
            return f"positionCaseInsensitive({raw}, {self.bind(_text(t), 'String')}) > 0"
        if t.op == "wildcard":
            pattern = self.bind("%" + values.like_pattern(_text(t)) + "%", "String")
            return f"{raw} ILIKE {pattern}"
        raise Invalid(f"free text cannot use {t.op}{t.at()}")


def _text(t: Term) -> str:
    if not isinstance(t.value, str):
        raise Invalid(f"{t.op} needs a text value{t.at()}")
    return t.value


def _numeric_term(t: Term) -> bool:
    """An eq or range term whose values are all numbers."""

    def numeric(v: str | None) -> bool:
        if v is None:
            return True
        try:
            float(v)
        except ValueError:
            return False
        return True

    if t.op == "eq" and isinstance(t.value, str):
        return numeric(t.value)
    if t.op == "range" and isinstance(t.value, Range):
        return numeric(t.value.lo) and numeric(t.value.hi)
    return False


def _ipv4_wildcard(t: Term, field: fields.Field) -> str:
    """`10.0.*` → `10.0.0.0/16`: the one wildcard form an IP field accepts."""
    pattern = _text(t)
    octets = pattern.split(".")
    head = octets[:-1] if octets[-1] == "*" else None
    if head is None or not 1 <= len(head) <= 3 or not all(o.isdigit() for o in head):
        raise Invalid(
            f"wildcards are not supported for IP field {field.name}{t.at()}"
            f' — use a CIDR, e.g. {field.name}:"10.0.0.0/8"'
        )
    full = head + ["0"] * (4 - len(head))
    return ".".join(full) + f"/{8 * len(head)}"
