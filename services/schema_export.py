"""`sightline schema`: export the API contracts — GraphQL SDL and the merged OpenAPI document."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from services import allinone
from services.core import clickhouse, migrate
from services.core.deps import Deps
from services.core.queue import make_celery
from services.core.settings import Settings
from services.gateway.schema import schema as graphql_schema

HELP = "export schema/graphql/schema.graphql and docs/openapi.json"
ROOT = Path(__file__).resolve().parents[1]
SDL_PATH = ROOT / "schema" / "graphql" / "schema.graphql"
OPENAPI_PATH = ROOT / "docs" / "openapi.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="fail if the files are out of date")


def sdl() -> str:
    return graphql_schema.as_str() + "\n"


def openapi_text(deps: Deps) -> str:
    document = allinone.merged_openapi(allinone.service_apps(deps))
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def run(args: argparse.Namespace, settings: Settings) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        ch = clickhouse.connect(f"chdb://{scratch}")
        migrate.migrate(ch)
        deps = Deps(ch=ch, settings=settings, celery=make_celery(settings))
        wanted = {SDL_PATH: sdl(), OPENAPI_PATH: openapi_text(deps)}
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run `make schema`)")
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path])
        print(f"wrote {path.relative_to(ROOT)}")
    return 0
