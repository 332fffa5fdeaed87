"""httpx clients to the services' REST APIs — the gateway's only way to reach them.

`ServiceClients` holds one `httpx.AsyncClient` per service. In the all-in-one server they go
through `httpx.ASGITransport` to the in-process router; distributed, they point at a base URL
(the reverse proxy or each service). Paths are always full (`/api/v1/...`), so the same code
runs either way. `ServiceAPI` binds a client to one caller: it forwards the caller's
`Authorization` header and turns non-2xx answers into `services.gateway.errors` types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from services.gateway import errors

TIMEOUT = httpx.Timeout(30.0, connect=5.0)

ParamValue = str | int | float | bool | list[str] | None
Params = Mapping[str, ParamValue]


@dataclass(frozen=True)
class ServiceClients:
    ingest: httpx.AsyncClient
    hunts: httpx.AsyncClient
    hosts: httpx.AsyncClient
    escalation: httpx.AsyncClient

    async def aclose(self) -> None:
        seen: set[int] = set()
        for client in (self.ingest, self.hunts, self.hosts, self.escalation):
            if id(client) not in seen:
                seen.add(id(client))
                await client.aclose()


def single_client(base_url: str, transport: httpx.AsyncBaseTransport | None) -> ServiceClients:
    """Every service behind one base URL (the all-in-one app or the reverse proxy)."""
    client = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=TIMEOUT)
    return ServiceClients(ingest=client, hunts=client, hosts=client, escalation=client)


def _clean(params: Params | None) -> dict[str, str | int | float | bool | list[str]] | None:
    if params is None:
        return None
    return {
        key: (str(value).lower() if isinstance(value, bool) else value)
        for key, value in params.items()
        if value is not None and value != "" and value != []
    }


def _error(response: httpx.Response) -> errors.GatewayError:
    message = f"{response.request.method} {response.request.url.path}: HTTP {response.status_code}"
    details: Any = None
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = str(body["error"].get("message") or message)
        details = body["error"].get("details")
    return errors.from_status(response.status_code, message, details)


class ServiceAPI:
    """One service's REST API on behalf of one caller."""

    def __init__(self, client: httpx.AsyncClient, authorization: str | None) -> None:
        self._client = client
        self._headers = {"authorization": authorization} if authorization else {}

    async def request(
        self,
        method: str,
        path: str,
        params: Params | None = None,
        body: Any = None,
        raw: tuple[bytes, str] | None = None,
    ) -> Any:
        """Send one call with a JSON `body` or `raw` (bytes, content type); the decoded JSON
        answer, `None` for an empty one, or a `GatewayError`."""
        headers = dict(self._headers)
        content = None
        if raw is not None:
            content, headers["content-type"] = raw
        elif body is not None:
            content = orjson.dumps(body)
            headers["content-type"] = "application/json"
        try:
            response = await self._client.request(
                method, path, params=_clean(params), content=content, headers=headers
            )
        except httpx.TransportError as exc:
            raise errors.Unavailable(f"{method} {path}: service unreachable ({exc})") from exc
        if response.status_code >= 400:
            raise _error(response)
        if not response.content:
            return None
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise errors.GatewayError(
                f"{method} {path}: the service answered HTTP {response.status_code} "
                "with a body that is not JSON"
            ) from None

    async def get(self, path: str, params: Params | None = None) -> Any:
        return await self.request("GET", path, params=params)

    async def post(self, path: str, body: Any = None, params: Params | None = None) -> Any:
        return await self.request("POST", path, params=params, body=body)

    async def put(self, path: str, body: Any) -> Any:
        return await self.request("PUT", path, body=body)

    async def patch(self, path: str, body: Any) -> Any:
        return await self.request("PATCH", path, body=body)

    async def delete(self, path: str, params: Params | None = None) -> Any:
        return await self.request("DELETE", path, params=params)


@dataclass(frozen=True)
class Services:
    """The four services' APIs bound to one caller's credentials."""

    ingest: ServiceAPI
    hunts: ServiceAPI
    hosts: ServiceAPI
    escalation: ServiceAPI

    @classmethod
    def for_caller(cls, clients: ServiceClients, authorization: str | None) -> Services:
        return cls(
            ingest=ServiceAPI(clients.ingest, authorization),
            hunts=ServiceAPI(clients.hunts, authorization),
            hosts=ServiceAPI(clients.hosts, authorization),
            escalation=ServiceAPI(clients.escalation, authorization),
        )
