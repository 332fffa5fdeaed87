"""Resolve a `filter_set` id to its event query, without importing the hunts service.

- `catalog:<id>` (or a bare catalog id): the guided-hunt catalog shipped as YAML data in
  `services/hunts/catalog/*.yaml` (`filters: [{id, query, ...}]`), read as data files.
- a UUID: a saved filter set in the `filter_sets` table (created by the hunts service's
  migrations), read only if that table exists, scoped to the tenant; its `query`, or its Stamus
  `content` when it has no query text.
"""

from __future__ import annotations

import functools
from pathlib import Path
from uuid import UUID

import orjson
import yaml

from services.core.clickhouse import Client
from services.core.errors import Invalid, NotFound
from services.core.filters import parse_stamus, to_text
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


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


def query_of(ch: Client, tenant: str, filter_set: str) -> str:
    """The event query of a filter set; `NotFound` if neither the catalog nor the table has it."""
    catalog_id = filter_set.removeprefix(CATALOG_PREFIX)
    queries = catalog_queries()
    if catalog_id in queries:
        return queries[catalog_id]
    saved_id = _uuid(filter_set)
    if saved_id is not None and store.table_exists(ch, "filter_sets"):
        saved = store.saved_filter(ch, tenant, saved_id)
        if saved is not None:
            query, content = saved
            if query.strip() or not content.strip():
                return query
            try:
                return to_text(parse_stamus(orjson.loads(content)))
            except orjson.JSONDecodeError:
                raise Invalid(f"saved filter set {filter_set} has malformed content") from None
    raise NotFound(f"filter set {filter_set!r} is neither a catalog hunt nor a saved filter set")
