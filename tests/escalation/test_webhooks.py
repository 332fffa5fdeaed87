"""Webhook delivery (real worker, real receiver), the SSRF guard and the template sandbox."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from uuid import UUID

import httpx
import orjson
import pytest
from celery import Celery

from services.core.clickhouse import Client
from services.core.settings import Settings
from services.escalation import delivery_store, notifications, store, templates, webhooks
from tests.conftest import TENANT
from tests.escalation.conftest import Receiver, eventually


async def new_hook(client: httpx.AsyncClient, url: str, **extra: object) -> UUID:
    response = await client.post(
        "/api/v1/webhooks", json={"name": "hook", "url": url, "secret": "secret-123", **extra}
    )
    assert response.status_code == 201, response.text
    assert response.json()["secret"] == "secret-123"
    return UUID(response.json()["id"])


def send(celery_app: Celery, ch: Client, hook_id: UUID) -> UUID:
    hook = store.webhook(ch, TENANT, hook_id)
    assert hook is not None
    item = notifications.sample_delivery(ch, TENANT, hook)
    celery_app.send_task(
        "escalation.deliver_webhook", kwargs={"delivery_id": str(item.id), "tenant": TENANT}
    )
    return item.id


def status(ch: Client, delivery_id: UUID) -> str:
    item = delivery_store.delivery(ch, TENANT, delivery_id)
    return item.status if item else "missing"


async def test_two_failures_then_success_is_three_attempts_and_delivered(
    client: httpx.AsyncClient, ch: Client, celery_app: Celery, worker: None, receiver: Receiver
) -> None:
    receiver.script = [500, 500]
    hook_id = await new_hook(client, receiver.url)
    delivery_id = send(celery_app, ch, hook_id)
    eventually(lambda: status(ch, delivery_id) == "delivered", what="delivery")
    assert len(receiver.requests) == 3
    assert len({r.headers["Idempotency-Key"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1
    log = (await client.get(f"/api/v1/webhooks/{hook_id}/deliveries")).json()["items"]
    assert [a["status_code"] for a in log[0]["log"]] == [500, 500, 200]
    assert (log[0]["status"], log[0]["attempts"]) == ("delivered", 3)


async def test_a_client_error_is_not_retried(
    client: httpx.AsyncClient, ch: Client, celery_app: Celery, worker: None, receiver: Receiver
) -> None:
    receiver.script = [404]
    delivery_id = send(celery_app, ch, await new_hook(client, receiver.url))
    eventually(lambda: status(ch, delivery_id) == "failed", what="the failure")
    item = delivery_store.delivery(ch, TENANT, delivery_id)
    assert item is not None and (item.attempts, item.last_status_code) == (1, 404)
    assert len(receiver.requests) == 1


async def test_test_endpoint_sends_one_signed_sample(
    client: httpx.AsyncClient, receiver: Receiver
) -> None:
    hook_id = await new_hook(client, receiver.url, preset="slack")
    response = await client.post(f"/api/v1/webhooks/{hook_id}/test")
    assert response.json()["status"] == "delivered"
    request = receiver.requests[0]
    assert request.headers["X-Sightline-Event"] == "webhook.test"
    assert request.headers["X-Sightline-Signature"] == webhooks.sign("secret-123", request.body)
    assert "Public DNS resolver use" in request.json()["text"]


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/hook",
        "http://localhost/hook",
        "http://[::1]:8080/",
        "http://100.64.0.7/",
        "http://[::ffff:192.168.1.1]/",
        "file:///etc/passwd",
    ],
)
async def test_internal_destinations_are_refused(
    client: httpx.AsyncClient, esc_settings: Settings, url: str
) -> None:
    esc_settings.webhook_allowed_networks = ""
    response = await client.post(
        "/api/v1/webhooks", json={"name": "x", "url": url, "secret": "secret-123"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("url: refused")


def test_allowed_networks_open_the_guard_for_tests_and_labs() -> None:
    allowed = [ipaddress.ip_network("127.0.0.0/8")]
    assert webhooks.destination("http://localhost:9/x", allowed).address.is_loopback
    with pytest.raises(webhooks.Blocked, match="link-local"):
        webhooks.destination("http://169.254.169.254/", allowed)
    assert webhooks.refusal(ipaddress.ip_address("93.184.216.34"), []) is None


async def test_the_guard_runs_again_at_delivery_time(
    client: httpx.AsyncClient, ch: Client, esc_settings: Settings, receiver: Receiver
) -> None:
    hook_id = await new_hook(client, receiver.url)
    esc_settings.webhook_allowed_networks = ""  # as if the name now resolved to loopback
    response = await client.post(f"/api/v1/webhooks/{hook_id}/test")
    assert response.json()["status"] == "failed"
    assert "loopback" in response.json()["last_error"]
    assert receiver.requests == []


INJECTIONS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ payload.update({'x': 1}) }}",
    "{{ 'a' * 100000000 }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
]


@pytest.mark.parametrize("template", INJECTIONS)
async def test_template_injection_is_refused_at_create(
    client: httpx.AsyncClient, template: str
) -> None:
    response = await client.post(
        "/api/v1/webhooks",
        json={"name": "x", "url": "http://127.0.0.1:9/", "template": template},
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("template: cannot be used")


@pytest.mark.parametrize("template", INJECTIONS)
def test_template_injection_stays_in_the_sandbox_at_render(template: str) -> None:
    with pytest.raises(templates.RenderError):
        templates.render(template, templates.context_for(templates.sample_payload()))


@pytest.mark.parametrize("preset", templates.PRESETS)
def test_presets_render_valid_json_whatever_the_names_hold(preset: str) -> None:
    payload = templates.sample_payload("incident.new")
    payload["incident"] = {**payload["incident"], "threat": 'Evil "quoted"\n<name> & co'}
    body = templates.render(templates.preset_source(preset), templates.context_for(payload))
    texts = list(strings(orjson.loads(body)))
    assert any('Evil "quoted"\n<name> & co' in text for text in texts)


def strings(document: object) -> Iterator[str]:
    if isinstance(document, str):
        yield document
    elif isinstance(document, dict):
        for value in document.values():
            yield from strings(value)
    elif isinstance(document, list):
        for value in document:
            yield from strings(value)


async def test_a_custom_template_renders_the_incident(
    client: httpx.AsyncClient, receiver: Receiver
) -> None:
    template = '{"summary": {{ (incident.threat ~ " @ " ~ incident.asset.value) | tojson }}}'
    hook_id = await new_hook(client, receiver.url, template=template)
    await client.post(f"/api/v1/webhooks/{hook_id}/test")
    assert receiver.requests[0].json() == {"summary": "Public DNS resolver use @ 10.0.0.5"}
    assert receiver.requests[0].headers["Content-Type"] == "application/json"


async def test_webhook_crud_hides_the_secret_and_is_audited(
    client: httpx.AsyncClient, ch: Client
) -> None:
    hook_id = await new_hook(client, "http://127.0.0.1:9/x")
    listed = (await client.get("/api/v1/webhooks")).json()["items"]
    assert listed[0]["secret"] is None and listed[0]["preset"] == "generic"
    changed = await client.patch(
        f"/api/v1/webhooks/{hook_id}", json={"preset": "teams", "comment": "moved to Teams"}
    )
    assert changed.json()["preset"] == "teams"
    assert (await client.delete(f"/api/v1/webhooks/{hook_id}")).status_code == 204
    assert (await client.get(f"/api/v1/webhooks/{hook_id}")).status_code == 404
    actions = ch.query(
        "SELECT action, comment FROM audit_log WHERE tenant = {t:String} AND object_type = "
        "'webhook' ORDER BY at",
        parameters={"t": TENANT},
    ).result_rows
    assert actions == [
        ("webhook.create", ""),
        ("webhook.update", "moved to Teams"),
        ("webhook.delete", ""),
    ]
