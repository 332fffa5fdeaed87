"""`sightline serve`: the all-in-one server (every service, GraphQL at /graphql, REST /api/v1)."""

from __future__ import annotations

import argparse

import uvicorn
from starlette.types import ASGIApp

from services import allinone
from services.core import clickhouse
from services.core.deps import Deps
from services.core.queue import make_celery
from services.core.settings import Settings
from services.gateway.app import build_clients
from services.gateway.app import create_app as gateway_app

HELP = "run the all-in-one server: every service, GraphQL at /graphql, REST under /api/v1/"


SERVICES = ("all", "ingest", "hunts", "hosts", "escalation", "gateway")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on")
    parser.add_argument(
        "--service",
        choices=SERVICES,
        default="all",
        help="all-in-one (default) or one service of the distributed deployment",
    )
    parser.add_argument(
        "--upstream",
        default="http://proxy:8080",
        help="gateway only: base URL of the services' REST APIs (the reverse proxy)",
    )


def open_deps(settings: Settings) -> Deps:
    ch = clickhouse.connect(settings.clickhouse_dsn())
    return Deps(ch=ch, settings=settings, celery=make_celery(settings))


def serve(deps: Deps, host: str, port: int) -> None:
    allinone.prepare(deps)
    uvicorn.run(allinone.create_app(deps), host=host, port=port, log_level="info")


def one_service(name: str, settings: Settings, upstream: str) -> ASGIApp:
    """One service of the distributed deployment (its REST API, or the gateway)."""
    if name == "gateway":
        return gateway_app(build_clients(base_url=upstream, asgi_app=None))
    deps = open_deps(settings)
    allinone.prepare(deps, start_worker=False)
    return allinone.service_apps(deps)[name]


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.service == "all":
        serve(open_deps(settings), args.host, args.port)
    else:
        app = one_service(args.service, settings, args.upstream)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0
