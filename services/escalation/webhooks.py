"""Webhooks: destinations (CRUD), the SSRF guard, HMAC signing and one HTTP delivery attempt.

SSRF guard: a destination host must resolve only to global addresses — loopback, private,
link-local (cloud metadata 169.254.169.254), CGNAT (100.64/10), multicast, reserved and
unspecified addresses are refused, unless inside `settings.webhook_allowed_networks`. The check
runs when a webhook is created or changed AND at every delivery; the delivery then connects to
the address it checked (the URL's host is pinned to that IP, with the original `Host` header and
TLS SNI), so a DNS answer that changes in between (rebinding) cannot redirect it. Redirects are
not followed.

Every request carries `X-Sightline-Signature: sha256=<hex HMAC-SHA256 of the raw body>` keyed
with the webhook secret, and `Idempotency-Key: <delivery id>` (the same on every retry).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlsplit

import httpx

from services.core.auth import Principal
from services.core.clickhouse import Client
from services.core.errors import Invalid
from services.core.settings import Settings
from services.escalation import store, templates
from services.escalation.models import WebhookCreate, WebhookRead, WebhookUpdate
from services.escalation.records import Delivery, Webhook

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

CGNAT = ipaddress.ip_network("100.64.0.0/10")
USER_AGENT = "Sightline-Webhooks/1"
RETRY_STATUSES = frozenset({408, 425, 429})


class Blocked(Exception):
    """The destination is not allowed (SSRF guard) or not usable."""


@dataclass(frozen=True)
class AttemptResult:
    status_code: int
    error: str
    duration_ms: int
    delivered: bool
    transient: bool


def allowed_networks(settings: Settings) -> list[IPNetwork]:
    found = []
    for text in settings.webhook_allowed_networks.split(","):
        if text.strip():
            found.append(ipaddress.ip_network(text.strip(), strict=False))
    return found


def refusal(address: IPAddress, allowed: list[IPNetwork]) -> str | None:
    """Why `address` may not be a webhook destination, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in allowed):
        return None
    checks = [
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local (cloud metadata)"),
        (isinstance(address, ipaddress.IPv4Address) and address in CGNAT, "CGNAT"),
        (address.is_private, "private"),
        (address.is_multicast, "multicast"),
        (address.is_unspecified, "unspecified"),
        (address.is_reserved, "reserved"),
        (not address.is_global, "not globally routable"),
    ]
    return next((reason for failed, reason in checks if failed), None)


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Blocked(f"host {host!r} does not resolve ({exc})") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


@dataclass(frozen=True)
class Destination:
    url: str
    host: str
    port: int
    address: IPAddress


def destination(url: str, allowed: list[IPNetwork]) -> Destination:
    """Check `url` against the SSRF guard; Blocked says why it is refused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Blocked(f"scheme {parts.scheme!r} is not allowed; use http or https")
    if not parts.hostname:
        raise Blocked("the URL has no host")
    if parts.username or parts.password:
        raise Blocked("credentials in the URL are not allowed; use the secret")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Blocked("the URL has an invalid port") from None
    addresses = resolve(parts.hostname, port)
    for address in addresses:
        reason = refusal(address, allowed)
        if reason:
            raise Blocked(
                f"host {parts.hostname!r} resolves to {address}, a {reason} address; "
                "allow it in SIGHTLINE_WEBHOOK_ALLOWED_NETWORKS if intended"
            )
    return Destination(url=url, host=parts.hostname, port=port, address=addresses[0])


def check_url(url: str, settings: Settings) -> None:
    try:
        destination(url, allowed_networks(settings))
    except Blocked as exc:
        raise Invalid(f"url: refused — {exc}") from None


@lru_cache(maxsize=4)
def http_client(timeout_s: float) -> httpx.Client:
    """One pooled client per process (thread-safe; loading the CA bundle per request costs
    ~0.2 s). Redirects are never followed."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    return httpx.Client(timeout=timeout_s, follow_redirects=False, limits=limits)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(hook: Webhook, item: Delivery, settings: Settings) -> AttemptResult:
    """One delivery attempt. Transient failures (connection, timeout, 5xx, 429) may be retried."""
    started = time.monotonic()

    def result(code: int, error: str, delivered: bool, transient: bool) -> AttemptResult:
        elapsed = int((time.monotonic() - started) * 1000)
        return AttemptResult(code, error, elapsed, delivered, transient)

    try:
        target = destination(hook.url, allowed_networks(settings))
    except Blocked as exc:
        return result(0, f"refused: {exc}", False, False)
    body = item.body.encode()
    headers = {
        "Content-Type": item.content_type,
        "User-Agent": USER_AGENT,
        "Host": urlsplit(hook.url).netloc.rpartition("@")[2],
        "Idempotency-Key": str(item.id),
        "X-Sightline-Delivery": str(item.id),
        "X-Sightline-Event": item.event,
        "X-Sightline-Signature": sign(hook.secret, body),
    }
    pinned = httpx.URL(hook.url).copy_with(host=str(target.address))
    extensions = {"sni_hostname": target.host} if pinned.scheme == "https" else {}
    try:
        response = http_client(settings.webhook_timeout_s).post(
            pinned, content=body, headers=headers, extensions=extensions
        )
    except httpx.TransportError as exc:
        return result(0, f"{type(exc).__name__}: {exc}", False, True)
    code = response.status_code
    if 200 <= code < 300:
        return result(code, "", True, False)
    transient = code >= 500 or code in RETRY_STATUSES
    return result(code, f"HTTP {code}: {response.text[:300]}", False, transient)


def retry_delay(settings: Settings, retries: int) -> float:
    """Exponential backoff: base, 2·base, 4·base, ... capped at one hour."""
    return float(min(settings.webhook_retry_base_s * (2**retries), 3600.0))


# --- CRUD -------------------------------------------------------------------------------------


def _check_payload(template: str | None, preset: str | None) -> None:
    if template:
        if preset:
            raise Invalid("invalid request body — preset: give a template or a preset, not both")
        templates.check_template(template)


def create_webhook(
    ch: Client, settings: Settings, principal: Principal, body: WebhookCreate
) -> Webhook:
    check_url(body.url, settings)
    _check_payload(body.template, body.preset)
    now = datetime.now(UTC)
    hook = Webhook(
        tenant=principal.tenant,
        id=uuid.uuid4(),
        name=body.name,
        url=body.url,
        secret=body.secret or secrets.token_urlsafe(32),
        template=body.template or "",
        preset="" if body.template else (body.preset or "generic"),
        enabled=body.enabled,
        created_at=now,
        updated_at=now,
    )
    store.insert_webhook(ch, hook)
    details = body.model_dump(mode="json", exclude={"secret", "comment"})
    audit(ch, principal, "webhook.create", hook, body.comment, details)
    return hook


def update_webhook(
    ch: Client, settings: Settings, principal: Principal, hook: Webhook, body: WebhookUpdate
) -> Webhook:
    changes = body.model_dump(exclude_unset=True, exclude={"comment"})
    if "url" in changes and body.url is not None:
        check_url(body.url, settings)
    template = changes.get("template", hook.template) or ""
    preset = changes.get("preset", hook.preset) or ""
    if "template" in changes and template:
        preset = ""
    if "preset" in changes and preset:
        template = ""
    _check_payload(template, None)
    changed = hook.changed(
        name=body.name or hook.name,
        url=body.url or hook.url,
        secret=body.secret or hook.secret,
        template=template,
        preset=preset if not template else "",
        enabled=hook.enabled if body.enabled is None else body.enabled,
        updated_at=datetime.now(UTC),
    )
    store.insert_webhook(ch, changed)
    details = body.model_dump(mode="json", exclude_unset=True, exclude={"secret", "comment"})
    audit(ch, principal, "webhook.update", changed, body.comment, details)
    return changed


def delete_webhook(ch: Client, principal: Principal, hook: Webhook, comment: str) -> None:
    store.insert_webhook(ch, hook.changed(updated_at=datetime.now(UTC)), deleted=True)
    audit(ch, principal, "webhook.delete", hook, comment, {})


def audit(
    ch: Client,
    principal: Principal,
    action: str,
    hook: Webhook,
    comment: str,
    details: dict[str, object],
) -> None:
    store.insert_audit(
        ch, principal.tenant, principal.name, action, "webhook", hook.id, comment, dict(details)
    )


def webhook_read(hook: Webhook, with_secret: bool = False) -> WebhookRead:
    return WebhookRead(
        id=hook.id,
        name=hook.name,
        url=hook.url,
        template=hook.template or None,
        preset=hook.preset or None,
        enabled=hook.enabled,
        created_at=hook.created_at,
        updated_at=hook.updated_at,
        secret=hook.secret if with_secret else None,
    )
