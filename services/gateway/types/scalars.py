"""Custom scalars: `IP` (text, validated) and the `scalar_map` the schema is built with."""

from __future__ import annotations

import ipaddress
from typing import Any, NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

IP = NewType("IP", str)


def parse_ip(value: Any) -> str:
    """Validate an address given by a client and render it canonically."""
    try:
        address = ipaddress.ip_address(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not an IPv4 or IPv6 address") from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


SCALARS: dict[object, ScalarDefinition] = {
    IP: strawberry.scalar(
        name="IP",
        description=(
            "An IPv4 or IPv6 address as a String in canonical text form "
            "(IPv4-mapped IPv6 addresses are shown as IPv4), e.g. `10.0.0.5` or `2001:db8::1`."
        ),
        serialize=str,
        parse_value=parse_ip,
    )
}
