"""The domain breakdown of an event's name (DNS rrname, else TLS/QUIC SNI, else HTTP host)."""

from __future__ import annotations

import strawberry

from services.gateway import wire


@strawberry.type(description="host, subdomain, registered domain, public suffix of the name.")
class HostnameInfo:
    host: str
    subdomain: str
    domain: str
    domain_private: str = strawberry.field(
        description="The registered domain under the private-suffix-aware list (dynamic DNS)."
    )
    tld: str
    domain_without_tld: str
    is_ip: bool

    @classmethod
    def from_json(cls, data: wire.JSONObject) -> HostnameInfo:
        return cls(
            host=str(data.get("host") or ""),
            subdomain=str(data.get("subdomain") or ""),
            domain=str(data.get("domain") or ""),
            domain_private=str(data.get("domain_private") or ""),
            tld=str(data.get("tld") or ""),
            domain_without_tld=str(data.get("domain_without_tld") or ""),
            is_ip=bool(data.get("is_ip", False)),
        )
