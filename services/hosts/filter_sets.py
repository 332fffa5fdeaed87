"""Resolve a `filter_set` id to its event query, without importing the hunts service.

- `catalog:<id>` (or a bare catalog id): the guided-hunt catalog shipped as YAML data in
  `services/hunts/catalog/*.yaml` (`filters: [{id, query, ...}]`), read as data files.
- any other id: a saved filter set in the `filter_sets` table (created by the hunts service's
  migrations), read only if that table exists, scoped to the tenant.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from services.core.clickhouse import Client
from services.core.errors import NotFound
from services.hosts import store

CATALOG_DIR = Path(__file__).resolve().parents[1] / "hunts" / "catalog"
CATALOG_PREFIX = "catalog:"


@functools.cache
def catalog_queries(directory: Path = CATALOG_DIR) -> dict[str, str]:
    """Catalog filter id -> query text, from the catalog's YAML files."""
    found: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        filters = data.get("filters", []) if isinstance(data, dict) else []
        for item in filters:
            if isinstance(item, dict) and isinstance(item.get("query"), str):
                found[str(item.get("id"))] = item["query"]
    return found


def query_of(ch: Client, tenant: str, filter_set: str) -> str:
    """The event query of a filter set; `NotFound` if neither the catalog nor the table has it."""
    catalog_id = filter_set.removeprefix(CATALOG_PREFIX)
    queries = catalog_queries()
    if catalog_id in queries:
        return queries[catalog_id]
    if not filter_set.startswith(CATALOG_PREFIX) and store.table_exists(ch, "filter_sets"):
        saved = store.saved_filter_query(ch, tenant, filter_set)
        if saved is not None:
            return saved
    raise NotFound(f"filter set {filter_set!r} is neither a catalog hunt nor a saved filter set")
