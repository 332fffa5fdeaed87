"""Enrichment of normalized rows: domain breakdown of the event's name and of the HTTP referer,
and the named networks of both addresses. Both lookups are cached (per name, per IP)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from services.ingest import domains
from services.ingest.networks import NetworkMap

NAME_COLUMNS = ("dns_rrname", "tls_sni", "quic_sni", "http_hostname")


@lru_cache(maxsize=1 << 17)
def name_columns(name: str) -> dict[str, Any]:
    """The non-empty `hostname_info_*` columns of a name."""
    info = domains.hostname_info(name)
    columns = {
        "hostname_info_host": info.host,
        "hostname_info_subdomain": info.subdomain,
        "hostname_info_domain": info.domain,
        "hostname_info_domain_private": info.domain_private,
        "hostname_info_tld": info.tld,
        "hostname_info_domain_without_tld": info.domain_without_tld,
        "hostname_info_is_ip": info.is_ip,
    }
    return {k: v for k, v in columns.items() if v}


@lru_cache(maxsize=1 << 16)
def referer_columns(host: str) -> dict[str, Any]:
    """The non-empty `http_refer_info_*` columns of a referer's host."""
    info = domains.hostname_info(host)
    columns = {
        "http_refer_info_host": info.host,
        "http_refer_info_subdomain": info.subdomain,
        "http_refer_info_domain": info.domain,
        "http_refer_info_tld": info.tld,
        "http_refer_info_domain_without_tld": info.domain_without_tld,
    }
    return {k: v for k, v in columns.items() if v}


def event_name(row: dict[str, Any]) -> str:
    """The event's name: DNS rrname, else TLS SNI, else QUIC SNI, else HTTP hostname."""
    for column in NAME_COLUMNS:
        name = row.get(column)
        if name:
            return str(name)
    return ""


def enrich(row: dict[str, Any], networks: NetworkMap) -> None:
    """Add the enrichment columns to a normalized row, in place."""
    name = event_name(row)
    if name:
        row.update(name_columns(name))
    refer = row.get("http_refer")
    if refer:
        row.update(referer_columns(domains.url_host(refer)))
    src = row.get("src_ip")
    if src is not None:
        place = networks.lookup(src)
        row["src_ip"] = place.ip
        row["src_net"] = place.net
        row["src_dept"] = place.department
        row["src_internal"] = place.internal
    dest = row.get("dest_ip")
    if dest is not None:
        place = networks.lookup(dest)
        row["dest_ip"] = place.ip
        row["dest_net"] = place.net
        row["dest_dept"] = place.department
        row["dest_internal"] = place.internal
