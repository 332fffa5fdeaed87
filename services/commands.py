"""Which module implements each `sightline` subcommand.

Each module exposes `HELP: str`, `add_arguments(parser)` and `run(args, settings) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from services.core.settings import Settings

MODULES = {
    "serve": "services.serve",
    "ingest": "services.ingest.cli",
    "demo": "services.demo.cli",
    "migrate": "services.admin",
    "token": "services.admin_tokens",
    "schema": "services.schema_export",
}

Entry = tuple[
    str,
    Callable[[argparse.ArgumentParser], None],
    Callable[[argparse.Namespace, Settings], int],
]


def _load() -> dict[str, Entry]:
    found: dict[str, Entry] = {}
    for name, module_name in MODULES.items():
        module = importlib.import_module(module_name)
        found[name] = (module.HELP, module.add_arguments, module.run)
    return found


COMMANDS = _load()
