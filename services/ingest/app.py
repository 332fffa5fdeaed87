"""The ingest service.

Routes:
- `POST /api/v1/ingest/events`  — NDJSON (optionally gzip) EVE events (write)
- `GET  /api/v1/ingest/rejects` — rejected lines, newest first (read)
- `GET  /api/v1/ingest/status`  — what is stored per sensor and event type, sources (read)
- `GET  /api/v1/sensors`        — the latest stats of each sensor (read)
- `GET  /api/v1/networks`       — named networks (read)
- `PUT  /api/v1/networks`       — replace named networks (write)
plus `/healthz` and `/openapi.json`.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from services.core.apps import service_app
from services.core.deps import Deps
from services.ingest import api


def create_app(deps: Deps) -> Starlette:
    routes = [
        Route("/api/v1/ingest/events", api.ingest_events, methods=["POST"]),
        Route("/api/v1/ingest/rejects", api.list_rejects, methods=["GET"]),
        Route("/api/v1/ingest/status", api.ingest_status, methods=["GET"]),
        Route("/api/v1/sensors", api.list_sensors, methods=["GET"]),
        Route("/api/v1/networks", api.get_networks, methods=["GET"]),
        Route("/api/v1/networks", api.put_networks, methods=["PUT"]),
    ]
    return service_app("ingest", deps, routes)
