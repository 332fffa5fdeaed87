"""Shipped reference lists: resolver infrastructure and hunting value lists, plus the empty
per-tenant lists the catalog's filters refer to.

The data files under `data/` (and `data/gpl-3.0/`, kept separate for their license) are built
once at development time by `build.py` from the reference data; provenance and licenses are in
PROVENANCE.md. `install_shipped(ch)` loads them into the list storage of `services.core.lists`
for tenant `''`, skipping every list whose content hash is already installed.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from services.core import lists
from services.core.clickhouse import Client

DATA = Path(__file__).resolve().parent / "data"
DATA_FOLDERS = (DATA, DATA / "gpl-3.0")
SHIPPED_TENANT = ""


@dataclass(frozen=True)
class ShippedList:
    name: str
    description: str
    source: str


ET = "ET Open (BSD; sids kept per item)"
SIGMA = "SigmaHQ (DRL 1.1; rule files kept per item)"
RESOLVERS = (
    "AdGuard KB, DNSCrypt resolvers, dibdot DoH-IP-blocklists (GPL-3.0 part separate), curated"
)

SHIPPED: tuple[ShippedList, ...] = (
    ShippedList(
        "public_resolvers",
        "IPs of public resolvers and encrypted-DNS endpoints (attrs: provider, protocols"
        " do53/doh/dot/doq/dnscrypt); shared CDN and iCloud Private Relay IPs excluded",
        RESOLVERS,
    ),
    ShippedList(
        "public_resolvers_do53", "public resolvers answering classic DNS on port 53", RESOLVERS
    ),
    ShippedList("doh_resolvers", "IPs serving DNS-over-HTTPS", RESOLVERS),
    ShippedList("dot_resolvers", "IPs serving DNS-over-TLS", RESOLVERS),
    ShippedList(
        "dnscrypt_resolvers",
        "DNSCrypt servers and anonymized-DNSCrypt relays",
        "DNSCrypt resolvers",
    ),
    ShippedList(
        "doh_hostnames",
        "DNS-over-HTTPS host names (match tls.sni, quic.sni, dns.rrname, http.hostname)",
        RESOLVERS + "; ET Open",
    ),
    ShippedList("odoh_hostnames", "Oblivious DoH targets and relays", "DNSCrypt resolvers; dibdot"),
    ShippedList(
        "dot_doq_hostnames",
        "DNS-over-TLS and DNS-over-QUIC host names (attrs: protocols)",
        RESOLVERS,
    ),
    ShippedList("doq_hostnames", "DNS-over-QUIC host names", RESOLVERS),
    ShippedList(
        "private_relay_hostnames", "iCloud Private Relay ingress names", "dibdot (GPL-3.0)"
    ),
    ShippedList(
        "dyndns_domains", "dynamic-DNS provider parent domains (suffix match)", f"{ET}; {SIGMA}"
    ),
    ShippedList(
        "remote_access_domains",
        "RMM and remote-desktop tool domains (attrs: tool)",
        f"LOLRMM (Apache-2.0); {ET}; {SIGMA}",
    ),
    ShippedList(
        "tunneling_domains",
        "tunnelling and reverse-proxy services (ngrok, trycloudflare ...)",
        f"{ET}; {SIGMA}",
    ),
    ShippedList(
        "oast_interaction_domains",
        "out-of-band interaction domains (interactsh, burpcollaborator ...)",
        f"{ET}; {SIGMA}",
    ),
    ShippedList("paste_sites", "paste services", f"{ET}; {SIGMA}"),
    ShippedList(
        "file_sharing_domains",
        "file-sharing, cloud storage and temporary upload sites",
        f"{ET}; {SIGMA}",
    ),
    ShippedList(
        "web_service_c2_domains", "legitimate web services abused for C2 or dead drops", SIGMA
    ),
    ShippedList("crypto_mining_pools", "mining pools", f"{SIGMA}; {ET}"),
    ShippedList("tor2web_domains", ".onion, tor2web and onion-gateway suffixes", f"{ET}; {SIGMA}"),
    ShippedList("external_ip_lookup_domains", "what's-my-IP and geo-IP services", f"{ET}; {SIGMA}"),
    ShippedList("url_shortener_domains", "URL shorteners", ET),
    ShippedList("ip_logger_domains", "IP-logger / grabify-like services", ET),
    ShippedList("proxy_anonymizer_domains", "web proxies, anonymizers and VPN relays", ET),
    ShippedList(
        "suspicious_tlds",
        "abused TLDs, broad (attrs: sources_agreeing 1-3; suffix match)",
        f"{ET}; {SIGMA}; HaGeZi (GPL-3.0 part separate)",
    ),
    ShippedList(
        "suspicious_tlds_strong",
        "abused TLDs rated by at least two independent source families",
        f"{ET}; {SIGMA}",
    ),
    ShippedList("alt_root_tlds", "alternative-root pseudo-TLDs (OpenNIC, EmerDNS, Namecoin)", ET),
    ShippedList("ja3_malicious", "JA3 client hashes tied to malware (attrs: label, enabled)", ET),
    ShippedList("ja3s_malicious", "JA3S server hashes tied to malware (attrs: label, enabled)", ET),
    ShippedList(
        "user_agents_tools",
        "scripting, LOLBin and hack-tool User-Agent fragments (attrs: tool, category)",
        f"{SIGMA}; {ET}; curated",
    ),
    ShippedList("user_agents_malware", "exact malware, APT and framework User-Agents", SIGMA),
    ShippedList("dns_ports", "ports used by DNS and encrypted DNS", "curated (RFCs, AdGuard KB)"),
    ShippedList("stratum_ports", "typical mining-pool stratum ports", "curated"),
    ShippedList("malware_callback_ports", "ports common in malware callbacks", SIGMA),
    ShippedList("cleartext_ports", "cleartext-protocol ports", SIGMA),
)

SHIPPED_NAMES = frozenset(s.name for s in SHIPPED)

ITEM_SCHEMA = pa.schema(
    [
        ("tenant", pa.string()),
        ("list", pa.string()),
        ("version", pa.uint64()),
        ("kind", pa.string()),
        ("value", pa.string()),
        ("ip_first", pa.string()),
        ("ip_last", pa.string()),
        ("match", pa.string()),
        ("attrs", pa.map_(pa.string(), pa.string())),
        ("deleted", pa.bool_()),
    ]
)
SELECT_INSTALLED = """
    SELECT name, content_hash FROM shipped_list_versions FINAL
    WHERE name IN {names:Array(String)}
    LIMIT 10000
"""
SELECT_SHIPPED_HEADERS = """
    SELECT name FROM lists FINAL
    WHERE tenant = '' AND name IN {names:Array(String)} AND NOT deleted
    LIMIT 10000
"""
DELETE_OLD_ITEMS = """
    DELETE FROM list_items
    WHERE tenant = '' AND list = {name:String} AND version < {version:UInt64}
"""


def _attrs(raw: dict[str, Any]) -> dict[str, str]:
    """List attrs are text: lists become `;`-joined, numbers and booleans their text."""
    out: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, list):
            out[key] = ";".join(str(v) for v in value)
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        else:
            out[key] = str(value)
    return out


def _read(name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for folder in DATA_FOLDERS:
        path = folder / f"{name}.tsv"
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            value, match, attrs = line.split("\t", 2)
            items.append({"value": value, "match": match, "attrs": _attrs(json.loads(attrs))})
    return items


@cache
def shipped_items(name: str) -> tuple[dict[str, Any], ...]:
    """The items of shipped list `name` as `services.core.lists` takes them."""
    if name not in SHIPPED_NAMES:
        raise KeyError(name)
    return tuple(s for s in (_storable(item) for item in _read(name)) if s is not None)


def _storable(item: dict[str, Any]) -> dict[str, Any] | None:
    """Keep the match kinds the list engine knows; a glob becomes a `contains` match of its
    literal text, the original kept in attrs `pattern`; an empty value cannot be stored."""
    if item["match"] in lists.MATCHES:
        return item if item["value"].strip() else None
    literal = item["value"].replace("*", " ").strip()
    if not literal:
        return None
    attrs = {**item["attrs"], "pattern": item["value"], "pattern_match": item["match"]}
    return {"value": literal, "match": "contains", "attrs": attrs}


ROW_COLUMNS = ("kind", "value", "ip_first", "ip_last", "match", "attrs")


@cache
def item_rows(name: str) -> tuple[tuple[Any, ...], ...]:
    """The list's items parsed by `services.core.lists`, as (kind, value, ip_first, ip_last,
    match, attrs) with addresses as text; computed once per process."""
    parsed = {}
    for index, raw in enumerate(shipped_items(name)):
        item = lists.parse_item(raw, index)
        parsed[(item.kind, item.value, item.match)] = item
    rows = []
    for item in parsed.values():
        first, last = item.ip_range()
        rows.append(
            (item.kind, item.value, str(first), str(last), item.match, list(item.attrs.items()))
        )
    return tuple(rows)


def content_hash(name: str) -> str:
    digest = hashlib.sha256()
    for item in shipped_items(name):
        digest.update(json.dumps(item, sort_keys=True).encode())
    return digest.hexdigest()


def install_shipped(ch: Client) -> list[str]:
    """Load every shipped list whose data changed (or is missing) into tenant ''; idempotent.

    Returns the names written. All changed lists go in one items insert and one header insert.
    """
    names = [s.name for s in SHIPPED]
    rows = ch.query(SELECT_INSTALLED, parameters={"names": names}).result_rows
    installed = {str(name): str(digest) for name, digest in rows}
    present = {
        r[0] for r in ch.query(SELECT_SHIPPED_HEADERS, parameters={"names": names}).result_rows
    }
    wanted = {name: content_hash(name) for name in names}
    changed = [n for n in names if installed.get(n) != wanted[n] or n not in present]
    if not changed:
        return []
    version = time.time_ns()
    columns: dict[str, list[Any]] = {name: [] for name in lists.ITEM_COLUMNS}
    header_rows: list[list[Any]] = []
    for spec in SHIPPED:
        if spec.name not in changed:
            continue
        rows = item_rows(spec.name)
        count = len(rows)
        columns["tenant"].extend([SHIPPED_TENANT] * count)
        columns["list"].extend([spec.name] * count)
        columns["version"].extend([version] * count)
        columns["deleted"].extend([False] * count)
        for name, values in zip(ROW_COLUMNS, zip(*rows, strict=True), strict=True):
            columns[name].extend(values)
        header_rows.append(
            [SHIPPED_TENANT, spec.name, spec.description, spec.source, count, version, False]
        )
    # Arrow with addresses as text: the engine parses them (row-wise IPv6 objects are slow).
    ch.insert_arrow("list_items", pa.Table.from_pydict(columns, schema=ITEM_SCHEMA))
    ch.insert("lists", header_rows, column_names=lists.HEADER_COLUMNS)
    ch.insert(
        "shipped_list_versions",
        [[name, wanted[name], version, version] for name in changed],
        column_names=["name", "content_hash", "list_version", "version"],
    )
    for name in changed:
        if name in present:
            ch.command(DELETE_OLD_ITEMS, parameters={"name": name, "version": version})
    return changed
