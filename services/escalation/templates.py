"""Webhook payload templates: Jinja2 in an immutable sandbox, plus shipped presets.

Templates render in `ImmutableSandboxedEnvironment` with strict undefineds: attribute access to
internals (`''.__class__.__mro__`, `cycler.__init__.__globals__`) is refused by the sandbox and
undefined names raise, so an injection attempt fails when the webhook is created (a clear 400)
instead of rendering. Output size and string repetition are capped.

Presets (`presets/<name>.json.j2`): `generic` (the default JSON payload), `slack` (blocks),
`teams` (MessageCard). The context is `payload` (the default JSON document), `incident` (its
`incident` object, plus `type_label`) and `event` (`incident.new`, `incident.reopened`,
`webhook.test`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
from jinja2 import StrictUndefined, TemplateError
from jinja2.environment import Template
from jinja2.sandbox import ImmutableSandboxedEnvironment

from services.core.errors import Invalid

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
PRESETS = ("generic", "slack", "teams")
MAX_OUTPUT = 256 * 1024
MAX_REPEAT = 10_000

SAMPLE_INCIDENT: dict[str, Any] = {
    "id": "0193a5b2-0000-7000-8000-000000000000",
    "status": "new",
    "type": "doc",
    "type_label": "Declaration of Compromise",
    "threat": "Public DNS resolver use",
    "threat_id": "0193a5b2-0000-7000-8000-000000000001",
    "family": "Policy",
    "description": "Clients resolving names through unapproved public resolvers.",
    "kill_chain": "command_and_control",
    "asset": {"type": "ip", "value": "10.0.0.5"},
    "offender": "10.0.0.5",
    "victim": "",
    "first_seen": "2026-11-30T12:00:00Z",
    "last_seen": "2026-11-30T12:05:00Z",
    "events": 3,
    "policy_id": "0193a5b2-0000-7000-8000-000000000002",
    "reopened": 0,
    "links": {
        "incident": "/api/v1/incidents/0193a5b2-0000-7000-8000-000000000000",
        "evidence": "/api/v1/incidents/0193a5b2-0000-7000-8000-000000000000/events",
    },
}


class RenderError(Exception):
    """A template failed to render (sandbox violation, undefined name, too large)."""


class Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with `*` and `**` capped so a template cannot exhaust memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise RenderError("exponent too large in template")
        if operator == "*" and _repeated_size(left, right) > MAX_OUTPUT:
            raise RenderError("repetition too large in template")
        return super().call_binop(context, operator, left, right)


def _repeated_size(left: Any, right: Any) -> int:
    if isinstance(left, str | list) and isinstance(right, int):
        return len(left) * right
    if isinstance(right, str | list) and isinstance(left, int):
        return len(right) * left
    return 0


@lru_cache(maxsize=1)
def environment() -> Sandbox:
    env = Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.policies["json.dumps_kwargs"] = {"sort_keys": False}
    return env


@lru_cache(maxsize=8)
def preset_source(name: str) -> str:
    if name not in PRESETS:
        raise Invalid(f"preset: unknown preset {name!r}; one of {', '.join(PRESETS)}")
    return (PRESETS_DIR / f"{name}.json.j2").read_text()


@lru_cache(maxsize=256)
def compiled(source: str) -> Template:
    return environment().from_string(source)


def render(source: str, context: dict[str, Any]) -> str:
    """Render `source` in the sandbox; RenderError on any failure."""
    try:
        output = compiled(source).render(context)
    except (TemplateError, RenderError, TypeError, ValueError, ArithmeticError) as exc:
        raise RenderError(f"{type(exc).__name__}: {exc}") from None
    if len(output) > MAX_OUTPUT:
        raise RenderError(f"rendered payload is {len(output)} bytes; the limit is {MAX_OUTPUT}")
    return output


def context_for(payload: dict[str, Any]) -> dict[str, Any]:
    return {"payload": payload, "incident": payload.get("incident", {}), "event": payload["event"]}


def sample_payload(event: str = "webhook.test") -> dict[str, Any]:
    return {"event": event, "tenant": "example", "incident": SAMPLE_INCIDENT}


def check_template(source: str) -> None:
    """Refuse a template that does not compile or render on a sample incident (400)."""
    try:
        render(source, context_for(sample_payload()))
    except RenderError as exc:
        raise Invalid(f"template: cannot be used — {exc}") from None


def content_type(body: str) -> str:
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError:
        return "text/plain; charset=utf-8"
    return "application/json"


def template_source(template: str, preset: str) -> str:
    """The source a webhook renders with: its own template, else its preset, else generic."""
    if template:
        return template
    return preset_source(preset or "generic")
