"""Named networks: organization context (net name, department, internal) for every IP.

A tenant describes its networks as `(name, cidrs, department, home)`; `home` networks are the
organization's own (internal). The most specific CIDR wins; an address in no network is
`internet`, not internal. Tenants without networks get `NetworkMap.default()`: the private,
shared and local ranges (RFC 1918, RFC 4193 ULA, CGNAT, link-local, loopback, and the
multicast/broadcast/unspecified addresses, which never leave the site).

`NetworkMap.lookup` takes the IP text of an event and returns its canonical text for the insert
(IPv4 dotted, IPv6 compressed; an invalid IP gives `::`) with its net, department and internal
flag. It is cached per IP string: it runs for both addresses of every event.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.core import errors
from services.core.clickhouse import Client

INTERNET = "internet"
INVALID_IP = "::"
_CACHE_LIMIT = 1 << 18


@dataclass(frozen=True, slots=True)
class Network:
    name: str
    cidrs: tuple[str, ...]
    department: str = ""
    home: bool = True


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an address sits: canonical text, net name, department, internal."""

    ip: str
    net: str
    department: str
    internal: bool


UNKNOWN = Placement(INVALID_IP, "", "", False)

DEFAULT_NETWORKS = (
    Network("rfc1918-10", ("10.0.0.0/8",)),
    Network("rfc1918-172", ("172.16.0.0/12",)),
    Network("rfc1918-192", ("192.168.0.0/16",)),
    Network("ula", ("fc00::/7",)),
    Network("cgnat", ("100.64.0.0/10",)),
    Network("link-local", ("169.254.0.0/16", "fe80::/10")),
    Network("loopback", ("127.0.0.0/8", "::1/128")),
    Network("multicast", ("224.0.0.0/4", "ff00::/8")),
    Network("broadcast", ("255.255.255.255/32",)),
    Network("unspecified", ("0.0.0.0/32", "::/128")),
)


class NetworkMap:
    """Fast, cached placement of IP strings into named networks (most specific wins)."""

    def __init__(self, networks: Iterable[Network]) -> None:
        self.networks: tuple[Network, ...] = tuple(networks)
        # per IP version: prefix lengths, longest first, and {prefix >> shift: network}
        self._tables: dict[int, list[tuple[int, dict[int, Network]]]] = {4: [], 6: []}
        by_length: dict[tuple[int, int], dict[int, Network]] = {}
        for network in self.networks:
            for cidr in network.cidrs:
                parsed = parse_cidr(cidr, network.name)
                bits = parsed.max_prefixlen
                table = by_length.setdefault((parsed.version, parsed.prefixlen), {})
                table[int(parsed.network_address) >> (bits - parsed.prefixlen)] = network
        for (version, length), table in sorted(by_length.items(), key=lambda kv: -kv[0][1]):
            bits = 32 if version == 4 else 128
            self._tables[version].append((bits - length, table))
        self._cache: dict[str, Placement] = {}

    @classmethod
    def default(cls) -> NetworkMap:
        return cls(DEFAULT_NETWORKS)

    def lookup(self, ip: str) -> Placement:
        """The placement of an IP string (cached); an invalid IP is `::` with no net."""
        found = self._cache.get(ip)
        if found is None:
            found = self._place(ip)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[ip] = found
        return found

    def _place(self, ip: str) -> Placement:
        try:
            address = ipaddress.ip_address(ip.strip())
        except ValueError:
            return UNKNOWN
        if isinstance(address, ipaddress.IPv6Address):
            mapped = address.ipv4_mapped
            if mapped is not None:
                address = mapped
            elif address.scope_id:
                address = ipaddress.IPv6Address(int(address))
        value = int(address)
        for shift, table in self._tables[address.version]:
            network = table.get(value >> shift)
            if network is not None:
                return Placement(str(address), network.name, network.department, network.home)
        return Placement(str(address), INTERNET, "", False)


def parse_cidr(cidr: str, name: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        raise errors.Invalid(f"network {name!r}: {cidr!r} is not a CIDR") from None


def validate(networks: Sequence[Network]) -> None:
    """Raise `Invalid` for blank or duplicate names, networks without CIDRs, or bad CIDRs."""
    seen: set[str] = set()
    for network in networks:
        if not network.name.strip():
            raise errors.Invalid("network name must not be blank")
        if network.name in seen:
            raise errors.Invalid(f"network {network.name!r} is defined twice")
        if network.name == INTERNET:
            raise errors.Invalid(f"network name {INTERNET!r} is reserved for external addresses")
        seen.add(network.name)
        if not network.cidrs:
            raise errors.Invalid(f"network {network.name!r} has no CIDRs")
        for cidr in network.cidrs:
            parse_cidr(cidr, network.name)


SELECT_NETWORKS = """
    SELECT name, cidrs, department, home
    FROM networks FINAL
    WHERE tenant = {tenant:String} AND NOT deleted
    ORDER BY name
    LIMIT 10000
"""

NETWORK_COLUMNS = ["tenant", "name", "cidrs", "department", "home", "version", "deleted"]


def stored(ch: Client, tenant: str) -> list[Network]:
    """The tenant's own networks (empty if it defined none)."""
    rows = ch.query(SELECT_NETWORKS, parameters={"tenant": tenant}).result_rows
    return [
        Network(name, tuple(cidrs), department, bool(home))
        for name, cidrs, department, home in rows
    ]


def load(ch: Client, tenant: str) -> NetworkMap:
    """The tenant's network map; the default map when the tenant defined no network."""
    networks = stored(ch, tenant)
    return NetworkMap(networks) if networks else NetworkMap.default()


def save(ch: Client, tenant: str, networks: Sequence[Network]) -> None:
    """Replace the tenant's networks by `networks` (validated first; [] → back to default)."""
    validate(networks)
    version = time.time_ns()
    names = {n.name for n in networks}
    rows: list[list[object]] = [
        [tenant, n.name, [c.strip() for c in n.cidrs], n.department, n.home, version, False]
        for n in networks
    ]
    rows += [
        [tenant, old.name, list(old.cidrs), old.department, old.home, version, True]
        for old in stored(ch, tenant)
        if old.name not in names
    ]
    if rows:
        ch.insert("networks", rows, column_names=NETWORK_COLUMNS)
