"""`sightline serve`: the all-in-one server (every service, GraphQL at /graphql, REST /api/v1)."""

from __future__ import annotations

import argparse

import uvicorn

from services import allinone
from services.core import clickhouse
from services.core.deps import Deps
from services.core.queue import make_celery
from services.core.settings import Settings

HELP = "run the all-in-one server: every service, GraphQL at /graphql, REST under /api/v1/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on")


def open_deps(settings: Settings) -> Deps:
    ch = clickhouse.connect(settings.clickhouse_dsn())
    return Deps(ch=ch, settings=settings, celery=make_celery(settings))


def serve(deps: Deps, host: str, port: int) -> None:
    allinone.prepare(deps)
    uvicorn.run(allinone.create_app(deps), host=host, port=port, log_level="info")


def run(args: argparse.Namespace, settings: Settings) -> int:
    serve(open_deps(settings), args.host, args.port)
    return 0
