"""The per-request GraphQL context: the caller's REST clients and fresh DataLoaders.

Built by `app.GatewayView.get_context` for every request, so the caller's `Authorization`
header is forwarded on every REST call and DataLoaders never share answers between callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from services.gateway.clients import Services

if TYPE_CHECKING:
    from services.gateway.loaders import Loaders


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    api: Services
    loaders: Loaders
