"""The all-in-one server: every service and the gateway in one ASGI app on one port.

This is the only module that imports several services' `create_app`. Requests are routed by path
prefix exactly as the reverse proxy of the distributed deployment routes them (`compose.yaml`,
`deploy/Caddyfile`), so a client cannot tell the two modes apart. The gateway reaches the
services through `httpx.ASGITransport` over the same router: the same client code as in the
distributed mode, without a network hop.

Routes: `/graphql` (gateway), `/api/v1/...` (services, see PREFIXES), `/healthz`,
`/openapi.json` (every service's operations merged).
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from services.core.deps import Deps
from services.core.errors import EXCEPTION_HANDLERS, NotFound
from services.core.web import JSON, dumps
from services.escalation.app import create_app as escalation_app
from services.gateway.app import build_clients
from services.gateway.app import create_app as gateway_app
from services.hosts.app import create_app as hosts_app
from services.hunts.app import create_app as hunts_app
from services.ingest.app import create_app as ingest_app

# Path prefix -> service name; the reverse proxy in deploy/Caddyfile routes the same way.
PREFIXES: dict[str, str] = {
    "/api/v1/ingest": "ingest",
    "/api/v1/networks": "ingest",
    "/api/v1/sensors": "ingest",
    "/api/v1/events": "hunts",
    "/api/v1/filter-sets": "hunts",
    "/api/v1/lists": "hunts",
    "/api/v1/fields": "hunts",
    "/api/v1/catalog": "hunts",
    "/api/v1/hosts": "hosts",
    "/api/v1/intel": "hosts",
    "/api/v1/policies": "escalation",
    "/api/v1/threats": "escalation",
    "/api/v1/incidents": "escalation",
    "/api/v1/webhooks": "escalation",
    "/api/v1/jobs": "escalation",
    "/api/v1/declarations": "escalation",
}


class PrefixRouter:
    """Dispatches requests to the app that owns the path prefix; `fallback` takes the rest."""

    def __init__(
        self, apps: dict[str, ASGIApp], prefixes: dict[str, str], fallback: ASGIApp | None = None
    ) -> None:
        self.apps = apps
        self.fallback = fallback
        self._table = sorted(prefixes.items(), key=lambda item: -len(item[0]))

    def service_for(self, path: str) -> str | None:
        for prefix, service in self._table:
            if path == prefix or path.startswith(prefix + "/"):
                return service
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        service = self.service_for(scope.get("path", "")) if scope["type"] == "http" else None
        if service is None and self.fallback is not None:
            await self.fallback(scope, receive, send)
            return
        if service is None:
            error = NotFound(f"no API at {scope.get('path', '')!r}; see /openapi.json")
            response = Response(dumps(error.body()), 404, media_type="application/json")
            await response(scope, receive, send)
            return
        await self.apps[service](scope, receive, send)


def service_apps(deps: Deps) -> dict[str, Starlette]:
    return {
        "ingest": ingest_app(deps),
        "hunts": hunts_app(deps),
        "hosts": hosts_app(deps),
        "escalation": escalation_app(deps),
    }


def merged_openapi(apps: dict[str, Starlette]) -> dict[str, Any]:
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Sightline REST API", "version": "1"},
        "paths": {},
        "components": {"securitySchemes": {}, "schemas": {}},
        "security": [{"token": []}],
    }
    for name, app in sorted(apps.items()):
        document = app.state.openapi_document()
        for path, operations in document.get("paths", {}).items():
            for operation in operations.values():
                operation.setdefault("tags", [name])
            merged["paths"].setdefault(path, {}).update(operations)
        components = document.get("components", {})
        merged["components"]["securitySchemes"].update(components.get("securitySchemes", {}))
        merged["components"]["schemas"].update(components.get("schemas", {}))
    merged["paths"] = dict(sorted(merged["paths"].items()))
    merged["components"]["schemas"] = dict(sorted(merged["components"]["schemas"].items()))
    return merged


def create_app(deps: Deps) -> ASGIApp:
    apps = service_apps(deps)
    rest = PrefixRouter({name: app for name, app in apps.items()}, PREFIXES)
    gateway = gateway_app(build_clients(base_url=None, asgi_app=rest))
    openapi_document: dict[str, Any] = {}

    async def healthz(request: Request) -> Response:
        return JSON({"status": "ok", "services": sorted(apps), "embedded": deps.settings.embedded})

    async def openapi(request: Request) -> Response:
        if not openapi_document:
            openapi_document.update(merged_openapi(apps))
        return JSON(openapi_document)

    handlers: Any = EXCEPTION_HANDLERS
    root = Starlette(
        routes=[Route("/healthz", healthz), Route("/openapi.json", openapi)],
        exception_handlers=handlers,
    )
    everything: dict[str, ASGIApp] = {**apps, "gateway": gateway}
    return PrefixRouter(everything, {**PREFIXES, "/graphql": "gateway"}, fallback=root)


def bind_tasks(deps: Deps) -> None:
    """Hand every task module this process's engine client (the embedded worker's threads and
    the distributed worker alike)."""
    from services.escalation import tasks as escalation_tasks
    from services.hosts import tasks as hosts_tasks
    from services.ingest import tasks as ingest_tasks

    escalation_tasks.bind(deps)
    ingest_tasks.bind(deps)
    hosts_tasks.bind(deps)


def prepare(deps: Deps, start_worker: bool = True) -> None:
    """Bring a deployment up to date before serving: migrations, shipped reference lists, the
    bootstrap token, and (embedded mode) the in-process Celery worker bound to this engine."""
    from services.core import auth, migrate
    from services.core.queue import start_embedded_worker
    from services.hosts import tasks as hosts_tasks
    from services.hunts.shipped_lists import install_shipped

    migrate.migrate(deps.ch)
    install_shipped(deps.ch)
    settings = deps.settings
    if settings.bootstrap_token:
        auth.ensure_token(
            deps.ch,
            settings.bootstrap_token,
            settings.default_tenant,
            "bootstrap",
            auth.Scope.ADMIN,
        )
    bind_tasks(deps)
    if start_worker and not settings.redis_url:
        start_embedded_worker(deps.celery)
        deps.celery.send_task("ingest.redispatch_batches")
        deps.celery.send_task(hosts_tasks.ROLL_UP_BATCHES)
