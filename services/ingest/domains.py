"""Domain breakdown of a host name, à la Stamus `hostname_info`.

`www.bbc.co.uk` → host `www.bbc.co.uk`, subdomain `www`, domain `bbc.co.uk`, tld `co.uk`,
domain_without_tld `bbc`. The public suffix list is the one bundled with tldextract (built
offline: no fetch, no cache directory). `domain`/`tld` follow the ICANN section of the list;
`domain_private` also honours its private section (`myhome.duckdns.org`, `x.blogspot.com`)
and falls back to `domain` when the name is itself a private suffix.

Names are lower-cased, stripped of the root's trailing dot, of a port (`example.com:8080`) and
of IPv6 brackets. IP literals are flagged `is_ip` and not split. Names without a public suffix
(`host.corp.local`) use their last label as tld and their last two labels as domain, so internal
names still group by domain; a single label (`wpad`) is only a host.

Results are cached (names repeat massively); this is a per-event hot path.
"""

from __future__ import annotations

import gc
import ipaddress
from dataclasses import dataclass
from functools import cache, lru_cache

import tldextract

_ICANN = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
_PRIVATE = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)


@dataclass(frozen=True, slots=True)
class HostnameInfo:
    host: str = ""
    subdomain: str = ""
    domain: str = ""
    domain_private: str = ""
    tld: str = ""
    domain_without_tld: str = ""
    is_ip: bool = False


EMPTY = HostnameInfo()


@cache
def load() -> None:
    """Build both suffix tries now (~0.15 s; else at the first name), then leave every object
    alive, the tries' ~34,000 among them, out of later full garbage collections (`gc.freeze`;
    once per process). Each full collection walked them: 120-140 ms, about once a batch while
    ingesting, with the GIL held (docs/PERFORMANCE.md, Ingest)."""
    _ICANN("example.com")
    _PRIVATE("example.com")
    gc.collect()
    gc.freeze()


@lru_cache(maxsize=1 << 17)
def hostname_info(name: str) -> HostnameInfo:
    """The breakdown of a DNS name, TLS/QUIC SNI or HTTP Host value ('' → all empty)."""
    host = clean_host(name)
    if not host:
        return EMPTY
    if is_ip_literal(host):
        return HostnameInfo(host=host, is_ip=True)
    icann = _ICANN(host)
    if icann.suffix:
        domain = f"{icann.domain}.{icann.suffix}" if icann.domain else ""
        private = _PRIVATE(host)
        domain_private = (
            f"{private.domain}.{private.suffix}" if private.domain and private.suffix else domain
        )
        return HostnameInfo(
            host=host,
            subdomain=icann.subdomain,
            domain=domain,
            domain_private=domain_private,
            tld=icann.suffix,
            domain_without_tld=icann.domain,
        )
    labels = host.split(".")
    if len(labels) < 2:
        return HostnameInfo(host=host)
    domain = ".".join(labels[-2:])
    return HostnameInfo(
        host=host,
        subdomain=".".join(labels[:-2]),
        domain=domain,
        domain_private=domain,
        tld=labels[-1],
        domain_without_tld=labels[-2],
    )


def clean_host(name: str) -> str:
    """Lower-case, trimmed, without trailing dot, port or IPv6 brackets."""
    host = name.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else host[1:]
    if host.count(":") == 1:
        host, _, port = host.partition(":")
        if port and not port.isdigit():
            host = f"{host}:{port}"
    while host.endswith("."):
        host = host[:-1]
    return host


def is_ip_literal(host: str) -> bool:
    if not host or not (host[0].isdigit() or ":" in host):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def url_host(url: str) -> str:
    """The host part of a URL such as an HTTP referer (`https://a.b:8080/x` → `a.b:8080`)."""
    start = url.find("://")
    rest = url[start + 3 :] if start >= 0 else url
    end = len(rest)
    for stop in "/?#":
        position = rest.find(stop)
        if 0 <= position < end:
            end = position
    authority = rest[:end]
    return authority.rpartition("@")[2]
