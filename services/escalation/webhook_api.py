"""Endpoints of webhooks: CRUD, a test delivery, the delivery log."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from services.core.auth import Scope, require
from services.core.clickhouse import Client
from services.core.errors import NotFound
from services.core.openapi import documents
from services.core.web import JSON, int_param, read_model
from services.escalation import delivery, delivery_store, notifications, store, webhooks
from services.escalation.api import deps_of, path_id
from services.escalation.models import (
    AttemptRead,
    DeliveryPage,
    DeliveryRead,
    WebhookCreate,
    WebhookPage,
    WebhookRead,
    WebhookUpdate,
)
from services.escalation.records import Delivery, Webhook


def found_webhook(ch: Client, tenant: str, request: Request) -> Webhook:
    webhook_id = path_id(request, "webhook")
    hook = store.webhook(ch, tenant, webhook_id)
    if hook is None:
        raise NotFound(f"no webhook {webhook_id}")
    return hook


def delivery_read(item: Delivery) -> DeliveryRead:
    return DeliveryRead(
        id=item.id,
        webhook_id=item.webhook_id,
        incident_id=item.incident_id if item.incident_id.int else None,
        event=item.event,
        status=item.status,
        attempts=item.attempts,
        last_status_code=item.last_status_code,
        last_error=item.last_error,
        created_at=item.created_at,
        updated_at=item.updated_at,
        log=[AttemptRead(**vars(a)) for a in item.log],
    )


@documents(returns=WebhookPage)
async def list_webhooks(request: Request) -> Response:
    """
    summary: List webhooks (secrets are never shown)
    responses:
      200: {description: webhooks}
    """
    principal = require(request, Scope.READ)
    items = store.webhooks(deps_of(request).ch, principal.tenant)
    return JSON(WebhookPage(items=[webhooks.webhook_read(h) for h in items]))


@documents(body=WebhookCreate, returns=WebhookRead, status=201)
async def create_webhook(request: Request) -> Response:
    """
    summary: Create a webhook (name, url, secret, template or preset, enabled)
    description: >-
      The URL must not reach loopback, private, link-local, CGNAT or metadata addresses unless
      allowed by SIGHTLINE_WEBHOOK_ALLOWED_NETWORKS. `template` is a sandboxed Jinja2 template;
      `preset` is slack, teams or generic. Without a secret one is generated; the response
      shows it once.
    responses:
      201: {description: the webhook, with its secret}
      400: {description: invalid body, refused URL or unusable template}
    """
    principal = require(request, Scope.WRITE)
    deps = deps_of(request)
    body = await read_model(request, WebhookCreate)
    hook = await run_in_threadpool(webhooks.create_webhook, deps.ch, deps.settings, principal, body)
    return JSON(webhooks.webhook_read(hook, with_secret=True), status_code=201)


@documents(returns=WebhookRead)
async def get_webhook(request: Request) -> Response:
    """
    summary: One webhook
    responses:
      200: {description: the webhook}
      404: {description: no such webhook}
    """
    principal = require(request, Scope.READ)
    hook = found_webhook(deps_of(request).ch, principal.tenant, request)
    return JSON(webhooks.webhook_read(hook))


@documents(body=WebhookUpdate, returns=WebhookRead)
async def update_webhook(request: Request) -> Response:
    """
    summary: Change a webhook
    responses:
      200: {description: the webhook}
      400: {description: invalid body}
      404: {description: no such webhook}
    """
    principal = require(request, Scope.WRITE)
    deps = deps_of(request)
    hook = found_webhook(deps.ch, principal.tenant, request)
    body = await read_model(request, WebhookUpdate)
    changed = await run_in_threadpool(
        webhooks.update_webhook, deps.ch, deps.settings, principal, hook, body
    )
    return JSON(webhooks.webhook_read(changed))


async def delete_webhook(request: Request) -> Response:
    """
    summary: Delete a webhook; optional ?comment=
    responses:
      204: {description: deleted}
      404: {description: no such webhook}
    """
    principal = require(request, Scope.WRITE)
    ch = deps_of(request).ch
    hook = found_webhook(ch, principal.tenant, request)
    webhooks.delete_webhook(ch, principal, hook, request.query_params.get("comment", ""))
    return Response(status_code=204)


@documents(returns=DeliveryRead)
async def test_webhook(request: Request) -> Response:
    """
    summary: Send a sample incident to the webhook now (one attempt) and report the result
    responses:
      200: {description: the delivery with its attempt}
      404: {description: no such webhook}
    """
    principal = require(request, Scope.WRITE)
    deps = deps_of(request)
    hook = found_webhook(deps.ch, principal.tenant, request)
    item = notifications.sample_delivery(deps.ch, principal.tenant, hook)
    io = delivery.DeliveryIO(deps.ch, webhook_ttl_s=0.0)
    await run_in_threadpool(delivery.attempt, io, deps.settings, principal.tenant, item.id, True)
    done = delivery_store.delivery(deps.ch, principal.tenant, item.id) or item
    return JSON(delivery_read(done))


@documents(returns=DeliveryPage)
async def list_deliveries(request: Request) -> Response:
    """
    summary: The delivery log of a webhook (?limit=), newest first, with every attempt
    responses:
      200: {description: deliveries}
      404: {description: no such webhook}
    """
    principal = require(request, Scope.READ)
    ch = deps_of(request).ch
    hook = found_webhook(ch, principal.tenant, request)
    limit = int_param(request, "limit", 100, 1, 1000)
    items = delivery_store.deliveries(ch, principal.tenant, hook.id, limit)
    return JSON(DeliveryPage(items=[delivery_read(d) for d in items]))
