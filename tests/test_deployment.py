"""compose.yaml cannot run here (no Docker engine): its parts are checked instead — the reverse
proxy routes the same prefixes as the all-in-one server, and every process it starts exists."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from services.allinone import PREFIXES
from services.serve import SERVICES

ROOT = Path(__file__).resolve().parents[1]


def caddy_routes() -> dict[str, str]:
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    matchers = dict(re.findall(r"@(\w+) path ([^\n]+)", text))
    upstreams = dict(re.findall(r"reverse_proxy @(\w+) (\w+):\d+", text))
    routes = {}
    for name, paths in matchers.items():
        for path in paths.split():
            if not path.endswith("/*"):
                routes[path] = upstreams[name]
    return routes


def test_proxy_routes_every_prefix_to_the_same_service_as_allinone() -> None:
    expected = {**PREFIXES, "/graphql": "gateway"}
    assert caddy_routes() == expected


def test_compose_starts_every_service_and_a_worker() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    started = {
        cmd[cmd.index("--service") + 1]
        for svc in services.values()
        if (cmd := svc.get("command")) and "--service" in cmd
    }
    assert started == set(SERVICES) - {"all"}
    assert {"clickhouse", "redis", "proxy", "worker", "migrate"} <= set(services)
    worker = services["worker"]["command"]
    assert worker[:3] == ["celery", "-A", "services.worker"]
    assert services["ingest"]["environment"]["SIGHTLINE_REDIS_URL"].startswith("redis://")
