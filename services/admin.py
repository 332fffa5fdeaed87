"""`sightline migrate`: apply pending ClickHouse migrations and install shipped reference lists."""

from __future__ import annotations

import argparse

from services.core import clickhouse, migrate
from services.core.settings import Settings
from services.hunts.shipped_lists import install_shipped

HELP = "apply pending ClickHouse migrations (and refresh the shipped reference lists)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="only list the migrations and exit")


def run(args: argparse.Namespace, settings: Settings) -> int:
    ch = clickhouse.connect(settings.clickhouse_dsn())
    if args.list:
        ch.command(migrate.CREATE_LEDGER)
        done = migrate.applied_versions(ch)
        for m in migrate.migrations():
            print(f"{'applied' if m.version in done else 'pending'}  {m.name}")
        return 0
    applied = migrate.migrate(ch)
    install_shipped(ch)
    print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")
    return 0
