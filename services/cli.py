"""The `sightline` command: serve, ingest, demo, migrate, token, schema.

An entry point: it reads settings from the environment and flags, then calls into the services.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from services.core.settings import Settings

Command = Callable[[argparse.Namespace, Settings], int]


def settings_from(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if getattr(args, "data_dir", None):
        settings = settings.model_copy(update={"data_dir": Path(args.data_dir)})
    return settings


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    from services import commands

    parser = argparse.ArgumentParser(prog="sightline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    handlers: dict[str, Command] = {}
    for name, (help_text, add_arguments, run) in commands.COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        sp.add_argument("--data-dir", help="embedded engine data directory (SIGHTLINE_DATA_DIR)")
        add_arguments(sp)
        handlers[name] = run
    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    return handlers[args.command](args, settings_from(args))


if __name__ == "__main__":
    sys.exit(main())
