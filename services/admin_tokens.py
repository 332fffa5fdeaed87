"""`sightline token create`: create an API token and print its key (shown once)."""

from __future__ import annotations

import argparse

from services.core import auth, clickhouse, migrate
from services.core.settings import Settings

HELP = "manage API tokens: `token create --tenant T --name N --scope read|write|admin`"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["create"], help="what to do")
    parser.add_argument(
        "--tenant", help="tenant the token belongs to (default SIGHTLINE_DEFAULT_TENANT)"
    )
    parser.add_argument("--name", required=True, help="who or what uses the token")
    parser.add_argument("--scope", default="read", choices=["read", "write", "admin"])


def run(args: argparse.Namespace, settings: Settings) -> int:
    ch = clickhouse.connect(settings.clickhouse_dsn())
    migrate.migrate(ch)
    tenant = args.tenant or settings.default_tenant
    key = auth.create_token(ch, tenant, args.name, auth.Scope.parse(args.scope))
    print(key)
    return 0
