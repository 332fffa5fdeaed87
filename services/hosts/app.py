"""The hosts service: host insights and threat-intelligence lookups.

Routes:
- `GET /api/v1/hosts` — host search (`host_query`, `query` / `filter_set`, range, sort, page)
- `GET /api/v1/hosts/{ip}` — one host's document
- `GET /api/v1/hosts/{ip}/events` — the host's events (evidence), newest first
- `GET /api/v1/intel/{kind}/{value}` — threat-intelligence lookup (domain, ip, url, sni, ja3)
- `GET /healthz`, `GET /openapi.json`
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from services.core.apps import service_app
from services.core.deps import Deps
from services.hosts import api, intel


def create_app(deps: Deps) -> Starlette:
    settings = deps.settings
    routes = [
        Route("/api/v1/hosts", api.list_hosts, methods=["GET"]),
        Route("/api/v1/hosts/{ip}", api.get_host, methods=["GET"]),
        Route("/api/v1/hosts/{ip}/events", api.host_events, methods=["GET"]),
        Route("/api/v1/intel/{kind}/{value:path}", api.intel_lookup, methods=["GET"]),
    ]
    app = service_app("hosts", deps, routes)
    app.state.intel = intel.make_intel(
        api_key=settings.intel_api_key,
        base_url=settings.intel_provider_url,
        redis_url=settings.redis_url,
        ttl_s=settings.intel_cache_ttl_s,
        per_minute=settings.intel_rate_per_minute,
    )
    return app
