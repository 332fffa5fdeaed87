"""API tokens: `Authorization: Token <key>` (or `Bearer <key>`), hashed at rest, scoped, per tenant.

Scopes are ordered: `read` < `write` < `admin`. Endpoints call `require(request, Scope.WRITE)` and
get the caller's `Principal`; every query they run is then scoped to `principal.tenant`.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from enum import IntEnum

from starlette.requests import HTTPConnection

from services.core.clickhouse import Client
from services.core.errors import Forbidden, Invalid, Unauthorized

CACHE_SECONDS = 10.0


class Scope(IntEnum):
    READ = 1
    WRITE = 2
    ADMIN = 3

    @classmethod
    def parse(cls, name: str) -> Scope:
        try:
            return cls[name.upper()]
        except KeyError:
            raise Invalid(f"unknown scope {name!r}; expected read, write or admin") from None


@dataclass(frozen=True)
class Principal:
    tenant: str
    name: str
    scope: Scope


SELECT_TOKEN = """
    SELECT tenant, name, scope FROM api_tokens FINAL
    WHERE token_hash = {token_hash:String} AND NOT revoked
"""


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return "sl_" + secrets.token_urlsafe(32)


def store_token(ch: Client, key: str, tenant: str, name: str, scope: Scope) -> None:
    ch.insert(
        "api_tokens",
        [[hash_token(key), tenant, name, scope.name.lower(), time.time_ns()]],
        column_names=["token_hash", "tenant", "name", "scope", "version"],
    )


def create_token(ch: Client, tenant: str, name: str, scope: Scope) -> str:
    """Create a token and return its key (shown once; only the hash is stored)."""
    key = new_key()
    store_token(ch, key, tenant, name, scope)
    return key


def ensure_token(ch: Client, key: str, tenant: str, name: str, scope: Scope) -> None:
    """Create the token `key` unless it already exists (the bootstrap token)."""
    if lookup(ch, key) is None:
        store_token(ch, key, tenant, name, scope)


def lookup(ch: Client, key: str) -> Principal | None:
    rows = ch.query(SELECT_TOKEN, parameters={"token_hash": hash_token(key)}).result_rows
    if not rows:
        return None
    tenant, name, scope = rows[0]
    return Principal(tenant=str(tenant), name=str(name), scope=Scope.parse(str(scope)))


class Authenticator:
    """Resolves request keys to principals, with a short cache so auth is not a query a call."""

    def __init__(self, ch: Client) -> None:
        self._ch = ch
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def principal(self, key: str) -> Principal | None:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        found = lookup(self._ch, key)
        with self._lock:
            self._cache[key] = (now, found)
        return found


def key_from_header(value: str | None) -> str:
    if not value:
        raise Unauthorized("missing Authorization header; send 'Authorization: Token <key>'")
    kind, _, key = value.strip().partition(" ")
    if kind.lower() not in ("token", "bearer") or not key.strip():
        raise Unauthorized("malformed Authorization header; expected 'Token <key>'")
    return key.strip()


def require(conn: HTTPConnection, scope: Scope = Scope.READ) -> Principal:
    """Authenticate the request and check it holds `scope`."""
    authenticator: Authenticator = conn.app.state.authenticator
    principal = authenticator.principal(key_from_header(conn.headers.get("authorization")))
    if principal is None:
        raise Unauthorized("invalid or revoked token")
    if principal.scope < scope:
        raise Forbidden(
            f"this call needs the {scope.name.lower()} scope; "
            f"the token has {principal.scope.name.lower()}"
        )
    return principal
