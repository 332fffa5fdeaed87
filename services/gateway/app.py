"""The GraphQL gateway app: `/graphql` (POST queries, GET with GraphiQL in a browser).

Routes: `/graphql`, `/healthz`. `create_app(clients)` takes the REST clients;
`build_clients(base_url, asgi_app)` makes them — in-process through `httpx.ASGITransport`
(all-in-one) or to a base URL (distributed): the same client code either way.
"""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from services.gateway.clients import ServiceClients, Services, single_client
from services.gateway.context import Context
from services.gateway.loaders import Loaders
from services.gateway.schema import schema

IN_PROCESS_BASE_URL = "http://sightline.internal"


def build_clients(base_url: str | None, asgi_app: ASGIApp | None) -> ServiceClients:
    """Clients to every service: through `asgi_app` in-process, else to `base_url`."""
    if asgi_app is not None:
        transport = httpx.ASGITransport(app=asgi_app)
        return single_client(base_url or IN_PROCESS_BASE_URL, transport)
    if not base_url:
        raise ValueError("build_clients needs a base_url or an asgi_app")
    return single_client(base_url, None)


class GatewayView(GraphQL[Context, None]):
    """Strawberry's ASGI view with a typed context built per request."""

    def __init__(self, clients: ServiceClients) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.clients = clients

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        api = Services.for_caller(self.clients, request.headers.get("authorization"))
        return Context(request=request, response=response, api=api, loaders=Loaders.create(api))


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(clients: ServiceClients) -> Starlette:
    view = GatewayView(clients)
    app = Starlette(routes=[Route("/graphql", view), Route("/healthz", healthz)])
    app.state.clients = clients
    return app
