"""Threat-intelligence lookups: a pluggable provider, a TTL cache, a token-bucket rate limit.

`Intel.lookup(kind, value)` validates the value for its kind (domain, ip, url, sni, ja3), answers
from the cache when it can, else takes a token from the bucket and asks the provider. The cache
and the bucket live in Redis when `settings.redis_url` is set (shared by every process), else in
this process (`cache: memory` in answers). Without an API key every lookup fails with
`intel_unconfigured` (503); when the provider or our bucket says "slow down", `RateLimited`
carries the seconds to wait (rendered as 429 with Retry-After).

The first provider speaks the VirusTotal API v3 shape: `GET {base}/domains/{d}`,
`/ip_addresses/{ip}`, `/urls/{base64url(url)}`, `/search?query={ja3}`, header `x-apikey`.
"""

from __future__ import annotations

import base64
import ipaddress
import math
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import orjson
import redis.asyncio as aioredis

from services.core.errors import Invalid, SightlineError, Unavailable
from services.hosts.models import IntelRead

KINDS = ("domain", "ip", "url", "sni", "ja3")
DOMAIN = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
)
JA3 = re.compile(r"^[0-9a-f]{32}$")
MAX_URL = 2048
PROVIDER_TIMEOUT_S = 10.0
DEFAULT_RETRY_AFTER_S = 60


class IntelUnconfigured(Unavailable):
    code = "intel_unconfigured"


class ProviderFailed(Unavailable):
    code = "intel_provider_error"


class RateLimited(SightlineError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message, {"retry_after_s": retry_after_s})
        self.retry_after_s = retry_after_s


def normalize(kind: str, value: str) -> str:
    """The value in canonical form for its kind; `Invalid` says what is wrong."""
    text = value.strip()
    if kind not in KINDS:
        raise Invalid(f"intel kind {kind!r} is not one of {', '.join(KINDS)}")
    if kind in ("domain", "sni"):
        name = text.lower().rstrip(".")
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise Invalid(f"{kind} {value!r} is not a valid domain name") from None
        if not DOMAIN.match(name):
            raise Invalid(f"{kind} {value!r} is not a valid domain name")
        return name
    if kind == "ip":
        try:
            ip = ipaddress.ip_address(text)
        except ValueError:
            raise Invalid(f"ip {value!r} is not an IPv4 or IPv6 address") from None
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ip)
    if kind == "url":
        parts = urlsplit(text)
        if len(text) > MAX_URL or parts.scheme not in ("http", "https") or not parts.hostname:
            raise Invalid(f"url {value!r} is not an http(s) URL with a host (max {MAX_URL})")
        return text
    if not JA3.match(text.lower()):
        raise Invalid(f"ja3 {value!r} is not an MD5 hash (32 hex digits)")
    return text.lower()


@dataclass(frozen=True)
class Answer:
    found: bool
    verdict: str
    stats: dict[str, int]
    reputation: int | None
    link: str
    details: dict[str, Any]


class Provider(Protocol):
    name: str

    async def lookup(self, kind: str, value: str) -> Answer: ...


def verdict_of(stats: dict[str, int]) -> str:
    if stats.get("malicious", 0) > 0:
        return "malicious"
    if stats.get("suspicious", 0) > 0:
        return "suspicious"
    if stats.get("harmless", 0) > 0 or stats.get("undetected", 0) > 0:
        return "harmless"
    return "unknown"


class VirusTotal:
    """A provider speaking the VirusTotal API v3 shape."""

    name = "virustotal"

    def __init__(
        self, base_url: str, api_key: str, transport: httpx.AsyncBaseTransport | None = None
    ):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.transport = transport

    def request(self, kind: str, value: str) -> tuple[str, dict[str, str], str]:
        """(path, query params, GUI link) of a lookup."""
        if kind in ("domain", "sni"):
            return f"/domains/{value}", {}, f"https://www.virustotal.com/gui/domain/{value}"
        if kind == "ip":
            return (
                f"/ip_addresses/{value}",
                {},
                f"https://www.virustotal.com/gui/ip-address/{value}",
            )
        if kind == "url":
            url_id = base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")
            return f"/urls/{url_id}", {}, f"https://www.virustotal.com/gui/url/{url_id}"
        return "/search", {"query": value}, f"https://www.virustotal.com/gui/search/{value}"

    async def lookup(self, kind: str, value: str) -> Answer:
        path, query, link = self.request(kind, value)
        try:
            async with httpx.AsyncClient(
                timeout=PROVIDER_TIMEOUT_S, transport=self.transport
            ) as client:
                response = await client.get(
                    self.base_url + path, params=query, headers={"x-apikey": self.api_key}
                )
        except httpx.HTTPError as exc:
            raise ProviderFailed(f"threat-intelligence provider unreachable: {exc}") from None
        if response.status_code == 429:
            raise RateLimited(
                "the threat-intelligence provider's rate limit is exhausted; retry later",
                retry_after(response.headers.get("retry-after")),
            )
        if response.status_code == 404:
            return Answer(False, "unknown", {}, None, link, {})
        if response.status_code in (401, 403):
            raise ProviderFailed(
                f"the threat-intelligence provider refused the API key ({response.status_code})"
            )
        if response.status_code != 200:
            raise ProviderFailed(
                f"the threat-intelligence provider answered {response.status_code}"
            )
        try:
            body = response.json()
        except ValueError:
            raise ProviderFailed("the threat-intelligence provider sent invalid JSON") from None
        return self.answer(body, link)

    def answer(self, body: Any, link: str) -> Answer:
        data = body.get("data") if isinstance(body, dict) else None
        if isinstance(data, list):  # search results
            if not data:
                return Answer(False, "unknown", {}, None, link, {})
            data = data[0]
        attributes = data.get("attributes", {}) if isinstance(data, dict) else {}
        raw_stats = attributes.get("last_analysis_stats") or {}
        stats = {str(k): int(v) for k, v in raw_stats.items() if isinstance(v, int)}
        reputation = attributes.get("reputation")
        details = {
            k: attributes[k]
            for k in ("categories", "tags", "country", "as_owner", "last_analysis_date")
            if k in attributes
        }
        return Answer(
            True,
            verdict_of(stats),
            stats,
            reputation if isinstance(reputation, int) else None,
            link,
            details,
        )


def retry_after(header: str | None) -> int:
    try:
        return max(1, math.ceil(float(header))) if header else DEFAULT_RETRY_AFTER_S
    except ValueError:
        return DEFAULT_RETRY_AFTER_S


class Cache(Protocol):
    kind: str

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl_s: int) -> None: ...


class Bucket(Protocol):
    async def take(self) -> float:
        """0 when a token was taken, else the seconds until one is available."""
        ...


class MemoryCache:
    kind = "memory"

    def __init__(self) -> None:
        self._items: dict[str, tuple[float, bytes]] = {}
        self._lock = threading.Lock()

    async def get(self, key: str) -> bytes | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None or hit[0] < time.monotonic():
                self._items.pop(key, None)
                return None
            return hit[1]

    async def set(self, key: str, value: bytes, ttl_s: int) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + ttl_s, value)


class RedisCache:
    """Values in Redis under `prefix`. A connection per call: apps run no lifespan that could
    close a long-lived pool, and lookups are rate-limited anyway."""

    kind = "redis"

    def __init__(self, url: str, prefix: str = "sightline:intel:") -> None:
        self.url = url
        self.prefix = prefix

    async def get(self, key: str) -> bytes | None:
        async with aioredis.Redis.from_url(self.url) as client:
            value = await client.get(self.prefix + key)
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl_s: int) -> None:
        async with aioredis.Redis.from_url(self.url) as client:
            await client.set(self.prefix + key, value, ex=ttl_s)


class MemoryBucket:
    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.tokens = self.capacity
        self.at = time.monotonic()
        self._lock = threading.Lock()

    async def take(self) -> float:
        with self._lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate


# KEYS[1] bucket; ARGV: capacity, tokens per second, now (s). Returns "0" or seconds to wait.
TAKE_TOKEN = """
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local tokens = tonumber(b[1]) or capacity
local at = tonumber(b[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
return tostring(wait)
"""


class RedisBucket:
    """A token bucket shared by every process through one Lua script (atomic)."""

    def __init__(self, url: str, name: str, per_minute: int) -> None:
        self.url = url
        self.key = f"sightline:intel:bucket:{name}"
        self.capacity = per_minute
        self.rate = per_minute / 60.0

    async def take(self) -> float:
        async with aioredis.Redis.from_url(self.url) as client:
            wait = await client.eval(TAKE_TOKEN, 1, self.key, self.capacity, self.rate, time.time())
        return float(wait)


class Intel:
    """Lookups through one provider, one cache and one bucket."""

    def __init__(self, provider: Provider | None, cache: Cache, bucket: Bucket, ttl_s: int) -> None:
        self.provider = provider
        self.cache = cache
        self.bucket = bucket
        self.ttl_s = ttl_s

    async def lookup(self, kind: str, value: str) -> IntelRead:
        canonical = normalize(kind, value)
        if self.provider is None:
            raise IntelUnconfigured(
                "no threat-intelligence provider key configured; set SIGHTLINE_INTEL_API_KEY"
            )
        key = f"{self.provider.name}:{'domain' if kind == 'sni' else kind}:{canonical}"
        cached = await self.cache.get(key)
        if cached is not None:
            return self.read(kind, canonical, orjson.loads(cached), cached=True)
        wait = await self.bucket.take()
        if wait > 0:
            raise RateLimited(
                "threat-intelligence lookups are rate limited; retry later", math.ceil(wait)
            )
        answer = await self.provider.lookup(kind, canonical)
        stored = {
            "found": answer.found,
            "verdict": answer.verdict,
            "stats": answer.stats,
            "reputation": answer.reputation,
            "link": answer.link,
            "details": answer.details,
            "fetched_at": datetime.now(UTC).isoformat(),
        }
        await self.cache.set(key, orjson.dumps(stored), self.ttl_s)
        return self.read(kind, canonical, stored, cached=False)

    def read(self, kind: str, value: str, stored: dict[str, Any], cached: bool) -> IntelRead:
        assert self.provider is not None
        return IntelRead(
            kind=kind,
            value=value,
            provider=self.provider.name,
            found=bool(stored["found"]),
            verdict=str(stored["verdict"]),
            stats=dict(stored["stats"]),
            reputation=stored["reputation"],
            link=str(stored["link"]),
            cache=self.cache.kind,
            cached=cached,
            fetched_at=datetime.fromisoformat(str(stored["fetched_at"])),
            details=dict(stored["details"]),
        )


def make_intel(
    api_key: str,
    base_url: str,
    redis_url: str,
    ttl_s: int,
    per_minute: int,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Intel:
    """The lookups as configured: Redis cache and bucket if `redis_url`, else in-process."""
    provider = VirusTotal(base_url, api_key, transport) if api_key else None
    if redis_url:
        bucket = RedisBucket(redis_url, "virustotal", per_minute)
        return Intel(provider, RedisCache(redis_url), bucket, ttl_s)
    return Intel(provider, MemoryCache(), MemoryBucket(per_minute), ttl_s)
