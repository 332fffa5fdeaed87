"""Every hunts endpoint documents itself in the OpenAPI document (summary and responses)."""

from __future__ import annotations

import httpx

from services.core.deps import Deps
from services.hunts.app import create_app


async def test_every_route_has_an_openapi_operation_with_a_summary(deps: Deps) -> None:
    app = create_app(deps)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hunts") as client:
        document = (await client.get("/openapi.json")).json()
    paths = document["paths"]
    expected = {
        ("/api/v1/events", "get"),
        ("/api/v1/events/count", "get"),
        ("/api/v1/events/timeline", "get"),
        ("/api/v1/events/facets", "get"),
        ("/api/v1/events/export", "get"),
        ("/api/v1/fields", "get"),
        ("/api/v1/catalog", "get"),
        ("/api/v1/filter-sets", "get"),
        ("/api/v1/filter-sets", "post"),
        ("/api/v1/filter-sets/import", "post"),
        ("/api/v1/filter-sets/{id}", "get"),
        ("/api/v1/filter-sets/{id}", "patch"),
        ("/api/v1/filter-sets/{id}", "delete"),
        ("/api/v1/filter-sets/{id}/export", "get"),
        ("/api/v1/filter-sets/{id}/run", "get"),
        ("/api/v1/filter-sets/{id}/run", "post"),
        ("/api/v1/lists", "get"),
        ("/api/v1/lists/{name}", "get"),
        ("/api/v1/lists/{name}", "put"),
        ("/api/v1/lists/{name}", "delete"),
    }
    found = {(path, method) for path, operations in paths.items() for method in operations}
    assert expected <= found
    for path, method in expected:
        operation = paths[path][method]
        assert operation["summary"], (path, method)
        assert operation["responses"], (path, method)
