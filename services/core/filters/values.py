"""Typed values of terms: numbers, booleans, datetimes, IPs, CIDRs and wildcard patterns.

Each converter raises `Invalid` with the field and position, so compile errors read like parse
errors: `expected a number for dest_port at 1:11`, `bad CIDR "10.0.0.0/33" at 1:9`.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import UTC, datetime

from services.core.errors import Invalid

TRUE = frozenset({"true", "1", "yes"})
FALSE = frozenset({"false", "0", "no"})
INT64 = (-(2**63), 2**63 - 1)


def integer(value: str, field: str, where: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise Invalid(f'expected a number for {field}{where}, got "{value}"') from None
    if not INT64[0] <= number <= INT64[1]:
        raise Invalid(f"number {value} for {field}{where} is out of range")
    return number


def floating(value: str, field: str, where: str) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise Invalid(f'expected a number for {field}{where}, got "{value}"') from None
    if not math.isfinite(number):
        raise Invalid(f'expected a finite number for {field}{where}, got "{value}"')
    return number


def boolean(value: str, field: str, where: str) -> int:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return 1
    if lowered in FALSE:
        return 0
    raise Invalid(f'expected true or false for {field}{where}, got "{value}"')


def timestamp(value: str, field: str, where: str) -> str:
    """An ISO 8601 datetime (naive means UTC) as `YYYY-MM-DD hh:mm:ss.ffffff` in UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f'expected an ISO 8601 datetime for {field}{where}, got "{value}"') from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _mapped(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv6Address:
    if isinstance(address, ipaddress.IPv4Address):
        return ipaddress.IPv6Address("::ffff:" + str(address))
    return address


def ip(value: str, field: str, where: str) -> str:
    """An address as IPv6 text (IPv4 as IPv4-mapped), for an `{x:IPv6}` parameter."""
    try:
        return str(_mapped(ipaddress.ip_address(value.strip())))
    except ValueError:
        raise Invalid(f'expected an IP address for {field}{where}, got "{value}"') from None


def cidr(value: str, where: str) -> tuple[str, str]:
    """First and last address of a network as IPv6 text (IPv4 networks IPv4-mapped)."""
    try:
        network = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise Invalid(f'bad CIDR "{value}"{where}') from None
    return str(_mapped(network[0])), str(_mapped(network[-1]))


def like_pattern(pattern: str) -> str:
    """A wildcard pattern (`*`, `?`, `\\` escapes) as a LIKE pattern."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            i += 1
            ch = pattern[i]
            out.append("\\" + ch if ch in "%_\\" else ch)
        elif ch == "*":
            out.append("%")
        elif ch == "?":
            out.append("_")
        else:
            out.append("\\" + ch if ch in "%_\\" else ch)
        i += 1
    return "".join(out)


def unescape_pattern(pattern: str) -> str:
    """The literal text of a wildcard pattern without wildcards."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            i += 1
        out.append(pattern[i])
        i += 1
    return "".join(out)


def wildcard_shape(pattern: str) -> tuple[str, str]:
    """How a wildcard pattern can run: ("prefix" | "suffix" | "contains", literal) when its only
    wildcards are `*` at the ends, else ("like", LIKE pattern)."""
    tokens: list[tuple[bool, str]] = []  # (is a wildcard, character)
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            tokens.append((False, pattern[i + 1]))
            i += 2
            continue
        tokens.append((pattern[i] in "*?", pattern[i]))
        i += 1
    lead = bool(tokens) and tokens[0] == (True, "*")
    trail = len(tokens) > 1 and tokens[-1] == (True, "*")
    middle = tokens[int(lead) : len(tokens) - int(trail)]
    if (lead or trail) and middle and not any(wild for wild, _ in middle):
        literal = "".join(ch for _, ch in middle)
        if lead and trail:
            return "contains", literal
        return ("suffix" if lead else "prefix"), literal
    return "like", like_pattern(pattern)
