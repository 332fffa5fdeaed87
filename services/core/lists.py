"""Reference-list storage: the lists `field:@name` filters match against.

A list holds addresses, CIDRs and names (tables `lists` and `list_items`, migration 0010).
Tenant `''` holds the shipped lists; a tenant's list of the same name shadows the shipped one.

`put_list` replaces a whole list atomically from a reader's point of view: the items are
written under a new version (`time.time_ns()`), then the header row in `lists`
(ReplacingMergeTree on that version) points at it; the filter compiler reads items of the
header's current version only. Items of older versions are deleted afterwards.

Items are given as text or as `{"value", "match"?, "attrs"?}`: an address is kind `ip`, a
network `cidr` (a /32 or /128 is an address), anything else a `name`; `*.example.com` or
`.example.com` means `example.com` with match `suffix` (the name or any subdomain).
"""

from __future__ import annotations

import difflib
import ipaddress
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from services.core.clickhouse import Client, utc
from services.core.errors import Invalid, NotFound
from services.core.filters.ast import LIST_NAME, Node, list_references
from services.core.filters.membership import MAX_SUFFIX_LABELS, ListVersion

Kind = Literal["ip", "cidr", "name"]
Match = Literal["exact", "suffix", "prefix", "contains"]
MATCHES: tuple[Match, ...] = ("exact", "suffix", "prefix", "contains")
MAX_VALUE_LENGTH = 1024
MAX_ITEMS = 1_000_000
ZERO_IP = ipaddress.IPv6Address("::")


@dataclass(frozen=True)
class TenantList:
    """A list each tenant fills in for itself (empty until it does). Filters may name it before
    it is filled: it then matches nothing, by design (an organization with no approved
    resolvers yet sees every resolver as unapproved)."""

    name: str
    kind: str  # ip | name
    description: str


TENANT_LISTS: tuple[TenantList, ...] = (
    TenantList(
        "approved_resolvers", "ip", "the organization's approved DNS resolvers and forwarders"
    ),
    TenantList("corporate_domains", "name", "the organization's own registered domains"),
    TenantList(
        "internal_suffixes", "name", "internal DNS suffixes (AD domains, split-horizon zones)"
    ),
    TenantList(
        "sanctioned_storage_domains", "name", "cloud storage services the organization sanctions"
    ),
    TenantList("mail_servers", "ip", "hosts allowed to send mail to the Internet"),
)
TENANT_LIST_NAMES = frozenset(t.name for t in TENANT_LISTS)

ITEM_COLUMNS = [
    "tenant",
    "list",
    "version",
    "kind",
    "value",
    "ip_first",
    "ip_last",
    "match",
    "attrs",
    "deleted",
]
HEADER_COLUMNS = [
    "tenant",
    "name",
    "description",
    "source",
    "item_count",
    "version",
    "deleted",
]
SELECT_HEADERS = """
    SELECT tenant, name, description, source, item_count, version, updated_at
    FROM lists FINAL
    WHERE tenant IN ({tenant:String}, '') AND NOT deleted
    ORDER BY name, tenant DESC
    LIMIT 10000
"""
SELECT_CURRENT_VERSIONS = """
    SELECT tenant, name, version FROM lists FINAL
    WHERE tenant IN ({tenant:String}, '') AND name IN {names:Array(String)} AND NOT deleted
"""
SELECT_WITH_NETWORKS = """
    SELECT DISTINCT tenant, list, version FROM list_items
    WHERE tenant IN ({tenant:String}, '') AND list IN {names:Array(String)} AND kind = 'cidr'
"""
SELECT_HEADER = """
    SELECT tenant, name, description, source, item_count, version, updated_at
    FROM lists FINAL
    WHERE tenant IN ({tenant:String}, '') AND name = {name:String} AND NOT deleted
    ORDER BY tenant DESC
    LIMIT 1
"""
SELECT_OWN_HEADER = """
    SELECT version FROM lists FINAL
    WHERE tenant = {tenant:String} AND name = {name:String} AND NOT deleted
    LIMIT 1
"""
SELECT_ITEMS = """
    SELECT kind, value, match, attrs
    FROM list_items
    WHERE tenant = {tenant:String} AND list = {name:String} AND version = {version:UInt64}
    ORDER BY kind, value
    LIMIT {limit:UInt64}
"""
DELETE_OLD_ITEMS = """
    DELETE FROM list_items
    WHERE tenant = {tenant:String} AND list = {name:String} AND version < {version:UInt64}
"""


@dataclass(frozen=True)
class ListItem:
    value: str
    kind: Kind
    match: Match = "exact"
    attrs: dict[str, str] = field(default_factory=dict)

    def ip_range(self) -> tuple[ipaddress.IPv6Address, ipaddress.IPv6Address]:
        if self.kind == "name":
            return ZERO_IP, ZERO_IP
        network = ipaddress.ip_network(self.value, strict=False)
        return _mapped(network[0]), _mapped(network[-1])

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "kind": self.kind, "match": self.match, "attrs": self.attrs}


@dataclass(frozen=True)
class ListInfo:
    tenant: str
    name: str
    description: str
    source: str
    item_count: int
    version: int
    updated_at: datetime

    @property
    def shipped(self) -> bool:
        return self.tenant == ""


@dataclass(frozen=True)
class ReferenceList:
    info: ListInfo
    items: list[ListItem]


def _mapped(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv6Address:
    if isinstance(address, ipaddress.IPv4Address):
        return ipaddress.IPv6Address("::ffff:" + str(address))
    return address


def check_name(name: str) -> str:
    if not isinstance(name, str) or not LIST_NAME.match(name) or len(name) > 200:
        raise Invalid(
            f'bad list name "{name}": letters, digits, "_", "." and "-", starting with a letter,'
            " digit or _"
        )
    return name


def parse_item(item: str | Mapping[str, Any], index: int = 0) -> ListItem:
    """One item from text or `{"value", "match"?, "attrs"?}`; raises Invalid naming it."""
    where = f"items[{index}]"
    attrs: Any
    if isinstance(item, str):
        text, match, attrs = item, None, {}
    elif isinstance(item, Mapping) and isinstance(item.get("value"), str):
        text, match, attrs = item["value"], item.get("match"), item.get("attrs") or {}
    else:
        raise Invalid(f"{where} must be a string or an object with a string value")
    if match is not None and match not in MATCHES:
        raise Invalid(f'{where}: match must be one of {", ".join(MATCHES)}, got "{match}"')
    if not isinstance(attrs, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in attrs.items()
    ):
        raise Invalid(f"{where}: attrs must map strings to strings")
    text = text.strip()
    if not text or len(text) > MAX_VALUE_LENGTH:
        raise Invalid(f"{where}: value must have 1 to {MAX_VALUE_LENGTH} characters")
    address = _address(text)
    if address is not None:
        if match not in (None, "exact"):
            raise Invalid(f"{where}: addresses and networks only match exactly")
        return ListItem(*address, attrs=dict(attrs))
    if text.startswith("*."):
        text, match = text[2:], match or "suffix"
    elif text.startswith(".") and len(text) > 1:
        text, match = text[1:], match or "suffix"
    if text.endswith(".") and len(text) > 1:
        text = text[:-1]
    if match == "suffix" and text.count(".") >= MAX_SUFFIX_LABELS:
        raise Invalid(f"{where}: a suffix entry has at most {MAX_SUFFIX_LABELS} labels")
    return ListItem(text, "name", match or "exact", dict(attrs))


def _address(text: str) -> tuple[str, Kind] | None:
    try:
        if "/" not in text:
            return str(ipaddress.ip_address(text)), "ip"
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    if network.num_addresses == 1:
        return str(network.network_address), "ip"
    return str(network), "cidr"


def put_list(
    ch: Client,
    tenant: str,
    name: str,
    items: Iterable[str | Mapping[str, Any]],
    description: str = "",
    source: str = "",
) -> ListInfo:
    """Create or replace list `name` of `tenant` ('' = shipped) with `items`."""
    check_name(name)
    parsed: dict[tuple[str, str, str], ListItem] = {}
    for index, item in enumerate(items):
        one = parse_item(item, index)
        parsed[(one.kind, one.value, one.match)] = one
        if len(parsed) > MAX_ITEMS:
            raise Invalid(f"a list holds at most {MAX_ITEMS} items")
    version = time.time_ns()
    rows = []
    for one in parsed.values():
        first, last = one.ip_range()
        rows.append(
            [tenant, name, version, one.kind, one.value, first, last, one.match, one.attrs, False]
        )
    if rows:
        ch.insert("list_items", rows, column_names=ITEM_COLUMNS)
    header = [tenant, name, description, source, len(rows), version, False]
    ch.insert("lists", [header], column_names=HEADER_COLUMNS)
    ch.command(DELETE_OLD_ITEMS, parameters={"tenant": tenant, "name": name, "version": version})
    return _info(_header(ch, tenant, name, own=True))


def _header(ch: Client, tenant: str, name: str, own: bool = False) -> tuple[Any, ...]:
    rows = ch.query(SELECT_HEADER, parameters={"tenant": tenant, "name": name}).result_rows
    if not rows or (own and rows[0][0] != tenant):
        raise NotFound(f'no list "{name}"')
    return tuple(rows[0])


def _info(row: tuple[Any, ...]) -> ListInfo:
    tenant, name, description, source, count, version, updated_at = row
    return ListInfo(tenant, name, description, source, int(count), int(version), utc(updated_at))


def get_list(ch: Client, tenant: str, name: str, limit: int = MAX_ITEMS) -> ReferenceList:
    """The list `name` as the tenant sees it (its own, else the shipped one), with items."""
    check_name(name)
    info = _info(_header(ch, tenant, name))
    params = {"tenant": info.tenant, "name": name, "version": info.version, "limit": limit}
    rows = ch.query(SELECT_ITEMS, parameters=params).result_rows
    items = [ListItem(value, kind, match, dict(attrs)) for kind, value, match, attrs in rows]
    return ReferenceList(info, items)


def list_names(ch: Client, tenant: str) -> list[ListInfo]:
    """Every list the tenant sees: its own and the shipped ones it does not shadow."""
    seen: dict[str, ListInfo] = {}
    for row in ch.query(SELECT_HEADERS, parameters={"tenant": tenant}).result_rows:
        info = _info(tuple(row))
        seen.setdefault(info.name, info)
    return list(seen.values())


def delete_list(ch: Client, tenant: str, name: str) -> None:
    """Delete the tenant's list `name` (a shipped list it shadowed becomes visible again)."""
    check_name(name)
    params = {"tenant": tenant, "name": name}
    if not ch.query(SELECT_OWN_HEADER, parameters=params).result_rows:
        raise NotFound(f'no list "{name}"')
    version = time.time_ns()
    ch.insert("lists", [[tenant, name, "", "", 0, version, True]], column_names=HEADER_COLUMNS)
    ch.command(DELETE_OLD_ITEMS, parameters={**params, "version": version + 1})


def check_references(
    ch: Client, tenant: str, node: Node, expected: Iterable[str] = TENANT_LIST_NAMES
) -> dict[str, ListVersion]:
    """Raise `Invalid` naming the first `field:@list` of `node` whose list the tenant does not
    have (neither its own nor a shipped one) and that is not one of the `expected` lists a
    tenant may not have filled yet (`TENANT_LISTS`, empty until filled): such a filter would
    silently match nothing. Every service that accepts a filter calls this.

    Returns the current version of each referenced list that has one: a caller may bind them
    into the compiled filter (`compile_filter(..., versions=...)`) instead of
    letting the SQL look them up."""
    terms = list_references(node)
    if not terms:
        return {}
    versions = current_versions(ch, tenant, {str(t.value) for t in terms})
    for term in terms:
        if term.value not in versions and term.value not in set(expected):
            known = sorted({info.name for info in list_names(ch, tenant)} | set(expected))
            near = difflib.get_close_matches(str(term.value), known, n=2)
            hint = f" — did you mean {' or '.join('@' + n for n in near)}?" if near else ""
            raise Invalid(
                f"unknown list @{term.value}{term.at(value=True)}{hint} (GET /api/v1/lists)",
                details={"list": term.value},
            )
    return versions


def current_versions(ch: Client, tenant: str, names: Iterable[str]) -> dict[str, ListVersion]:
    """The current version of each of `names` the tenant sees (its own list, else the shipped
    one), and whether it holds networks."""
    params = {"tenant": tenant, "names": sorted(names)}
    found: dict[str, tuple[str, int]] = {}
    rows = ch.query(SELECT_CURRENT_VERSIONS, parameters=params).result_rows
    for owner, name, version in sorted(rows, key=lambda row: row[0] == ""):
        found.setdefault(str(name), (str(owner), int(version)))
    if not found:
        return {}
    with_networks = {
        (str(owner), str(name), int(version))
        for owner, name, version in ch.query(SELECT_WITH_NETWORKS, parameters=params).result_rows
    }
    return {
        name: ListVersion(owner, version, (owner, name, version) in with_networks)
        for name, (owner, version) in found.items()
    }
