"""The pieces every service's `create_app` shares: error handlers, auth, health, OpenAPI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.schemas import SchemaGenerator

from services.core.auth import Authenticator
from services.core.deps import Deps
from services.core.errors import EXCEPTION_HANDLERS
from services.core.openapi import add_models
from services.core.web import JSON


async def healthz(request: Request) -> Response:
    return JSON({"status": "ok"})


def string_keys(value: Any) -> Any:
    """YAML reads `200:` as an integer; OpenAPI (and JSON) keys are strings."""
    if isinstance(value, dict):
        return {str(k): string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [string_keys(v) for v in value]
    return value


def service_app(
    name: str, deps: Deps, routes: Sequence[BaseRoute], version: str = "1"
) -> Starlette:
    """A Starlette app for one service: its routes plus `/healthz` and `/openapi.json`.

    Route docstrings carry the OpenAPI operation (YAML), read by Starlette's SchemaGenerator.
    """
    generator = SchemaGenerator(
        {
            "openapi": "3.1.0",
            "info": {"title": f"Sightline {name}", "version": version},
            "components": {
                "securitySchemes": {
                    "token": {
                        "type": "apiKey",
                        "in": "header",
                        "name": "Authorization",
                        "description": "Token <key> (or Bearer <key>)",
                    }
                }
            },
            "security": [{"token": []}],
        }
    )

    def openapi_document() -> dict[str, Any]:
        document: dict[str, Any] = string_keys(generator.get_schema(routes=list(app.routes)))
        return add_models(document, app.routes)

    async def openapi(request: Request) -> Response:
        return JSON(openapi_document())

    all_routes = [
        Route("/healthz", healthz, include_in_schema=False),
        Route("/openapi.json", openapi, include_in_schema=False),
        *routes,
    ]
    handlers: Any = EXCEPTION_HANDLERS
    app = Starlette(routes=all_routes, exception_handlers=handlers)
    app.state.deps = deps
    app.state.openapi_document = openapi_document
    app.state.authenticator = Authenticator(deps.ch)
    return app
