"""Host filters: the filter language over host attributes, compiled to SQL.

`username:* AND NOT net_info:internet` selects hosts, not rows: each field predicate becomes
"the host has a row of the field's attributes whose value matches" — an aggregate
`countIf(attribute IN (...) AND <predicate on the row>) > 0` evaluated per host (GROUP BY ip,
HAVING). Row predicates come from the core compiler with the host registry
(`host_fields.HOST_FIELDS`), so operators, wildcards, ranges, CIDRs and `@lists` mean exactly
what they mean on events. `logged_in` and `role` are computed per host.

Rows count when they overlap the time range; `logged_in` is relative to a reference time (the
end of the range, or now). Every value is bound under parameter names starting with `prefix`,
so the SQL can be embedded in an event query (`event_condition`) without name clashes.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.core import host_fields
from services.core.errors import Invalid
from services.core.filters import ast
from services.core.filters import compile_filter as compile_event_filter
from services.core.host_fields import HOST_FIELDS, LOGGED_IN, ROLE, ROLES, host_field

# Every event gives both of its hosts an `event_type` row: the attribute that says "seen".
PRESENCE = "event_type"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*):")


@dataclass
class HostCondition:
    """A per-host aggregate boolean expression and what it needs."""

    having: str
    params: dict[str, Any]
    attributes: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class HostSql:
    sql: str
    params: dict[str, Any]


class _Compiler:
    def __init__(self, tenant: str, prefix: str) -> None:
        self.tenant = tenant
        self.prefix = prefix
        self.params: dict[str, Any] = {}
        self.attributes: set[str] = set()
        self.terms = 0

    def node(self, node: ast.Node) -> str:
        if isinstance(node, ast.MatchAll):
            self.attributes.add(PRESENCE)
            return "1"
        if isinstance(node, ast.And):
            return "(" + " AND ".join(self.node(i) for i in node.items) + ")"
        if isinstance(node, ast.Or):
            return "(" + " OR ".join(self.node(i) for i in node.items) + ")"
        if isinstance(node, ast.Not):
            self.attributes.add(PRESENCE)  # hosts without any matching row must still appear
            return f"NOT ({self.node(node.item)})"
        return self.term(node)

    def term(self, term: ast.Term) -> str:
        if term.field is None:
            raise Invalid(
                f"host queries need a field (e.g. hostname:{term.value}){term.at()}; "
                "free text is not supported over host attributes"
            )
        hf = host_field(term.field, term.at())
        self.attributes.update(hf.attributes)
        if hf.field.name == LOGGED_IN:
            return self.logged_in(term)
        if hf.field.name == ROLE:
            return self.role(term)
        compiled = compile_event_filter(term, HOST_FIELDS, tenant=self.tenant)
        sql = self.rebind(compiled.sql, compiled.params)
        attrs = ", ".join(host_fields._literal(a) for a in hf.attributes)
        return f"(countIf(attribute IN ({attrs}) AND ({sql})) > 0)"

    def rebind(self, sql: str, params: dict[str, Any]) -> str:
        """Rename the compiler's parameters to names unique in this query."""
        self.terms += 1
        renamed = {name: f"{self.prefix}{self.terms}_{name}" for name in params}
        for old, new in renamed.items():
            self.params[new] = params[old]
        return PLACEHOLDER.sub(lambda m: "{" + renamed.get(m.group(1), m.group(1)) + ":", sql)

    def logged_in(self, term: ast.Term) -> str:
        value = term.value if isinstance(term.value, str) else ""
        if term.op != "eq" or value.lower() not in ("true", "false"):
            raise Invalid(f"logged_in takes true or false{term.at(value=True)}")
        users = ", ".join(host_fields._literal(a) for a in host_fields.USER_ATTRIBUTES)
        ref = f"{{{self.prefix}ref:DateTime64(6, 'UTC')}}"
        window = f"{{{self.prefix}window:UInt32}}"
        expr = (
            f"(countIf(attribute IN ({users}) AND last_seen >= {ref} - toIntervalSecond({window})"
            f" AND first_seen <= {ref}) > 0)"
        )
        if value.lower() == "false":
            self.attributes.add(PRESENCE)
            return f"NOT {expr}"
        return expr

    def role(self, term: ast.Term) -> str:
        names = [r.name for r in ROLES]
        value = term.value if isinstance(term.value, str) else ""
        if term.op == "eq":
            chosen = [n for n in names if n == value.lower()]
        elif term.op == "wildcard":
            chosen = [n for n in names if fnmatch.fnmatchcase(n, value.lower())]
        elif term.op == "regex":
            try:
                chosen = [n for n in names if re.fullmatch(value, n)]
            except re.error as exc:
                raise Invalid(f"bad regex for role{term.at(value=True)}: {exc}") from None
        elif term.op == "exists":
            chosen = names
        else:
            raise Invalid(f"role takes a role name, a wildcard or a regex{term.at()}")
        if term.op == "eq" and not chosen:
            raise Invalid(
                f"unknown role {value!r}{term.at(value=True)}; known roles: " + ", ".join(names)
            )
        if not chosen:
            return "0"
        rules = [r for r in ROLES if r.name in chosen]
        return "(" + " OR ".join(host_fields.role_sql(r) for r in rules) + ")"


def compile_host_query(node: ast.Node, tenant: str, prefix: str = "h") -> HostCondition:
    """The per-host aggregate condition of a host query (without the time / tenant bounds)."""
    compiler = _Compiler(tenant, prefix)
    having = compiler.node(node)
    return HostCondition(having, compiler.params, compiler.attributes)


MATCHING_HOSTS = """
    SELECT ip FROM host_attributes
    WHERE tenant = {{{p}tenant:String}}
      AND day >= toDate({{{p}start:DateTime64(6, 'UTC')}})
      AND day <= toDate({{{p}end:DateTime64(6, 'UTC')}})
      AND last_seen >= {{{p}start:DateTime64(6, 'UTC')}}
      AND first_seen <= {{{p}end:DateTime64(6, 'UTC')}}
      AND attribute IN {{{p}attributes:Array(String)}}
    GROUP BY ip
    HAVING {having}
"""


def bound_params(
    condition: HostCondition,
    prefix: str,
    tenant: str,
    start: datetime,
    end: datetime,
    reference: datetime,
    window_s: int,
) -> dict[str, Any]:
    """The parameters of `condition` plus the bounds `MATCHING_HOSTS` and `logged_in` use."""
    return {
        **condition.params,
        f"{prefix}tenant": tenant,
        f"{prefix}start": start,
        f"{prefix}end": end,
        f"{prefix}attributes": sorted(condition.attributes),
        f"{prefix}ref": reference,
        f"{prefix}window": window_s,
    }


def matching_hosts(
    node: ast.Node,
    tenant: str,
    start: datetime,
    end: datetime,
    reference: datetime,
    window_s: int,
    prefix: str = "h",
) -> HostSql:
    """`SELECT ip FROM host_attributes ...` for the hosts matching `node` in the time range."""
    condition = compile_host_query(node, tenant, prefix)
    sql = MATCHING_HOSTS.format(p=prefix, having=condition.having)
    return HostSql(sql, bound_params(condition, prefix, tenant, start, end, reference, window_s))


def event_condition(
    node: ast.Node,
    tenant: str,
    start: datetime,
    end: datetime,
    reference: datetime,
    window_s: int,
    side: str = "any",
    prefix: str = "h",
) -> HostSql:
    """A boolean SQL expression over `events`: the event's src (or dest, or either) host matches.

    For the hunts service: `... WHERE tenant = {tenant:String} AND <ts range> AND (<event
    filter>) AND (<this>)`, with `params` merged into the query's parameters.
    """
    hosts = matching_hosts(node, tenant, start, end, reference, window_s, prefix)
    if side == "src":
        sql = f"src_ip IN ({hosts.sql})"
    elif side == "dest":
        sql = f"dest_ip IN ({hosts.sql})"
    elif side == "any":
        sql = f"(src_ip IN ({hosts.sql}) OR dest_ip IN ({hosts.sql}))"
    else:
        raise Invalid(f"host side {side!r} is not one of src, dest, any")
    return HostSql(sql, hosts.params)
