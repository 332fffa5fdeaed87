"""Resolve a `filter_set` id to its filter (text `query` or Stamus `content`).

Hosts (host search restricted to a hunt) and escalation (a policy made from a hunt) name filter
sets by id. Two kinds of ids, both owned by the hunts service and read here as data (never
imported — core imports no service):
- `catalog:<id>`: an entry of the guided catalog, YAML files in `services/hunts/catalog/`
  (top-level `filters:` list of `{id, query | content, ...}`);
- anything else: a saved filter set, a row of the hunts' `filter_sets` table (read with FINAL,
  scoped to the tenant), if that table exists in this deployment.

Unknown ids raise `NotFound`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import yaml

from services.core.clickhouse import Client
from services.core.errors import Invalid, NotFound
from services.core.filters import parse_stamus, to_text

CATALOG_DIR = Path(__file__).resolve().parents[1] / "hunts" / "catalog"  # data, not code
CATALOG_PREFIX = "catalog:"

SELECT_COLUMNS = """
    SELECT name FROM system.columns
    WHERE database = currentDatabase() AND table = 'filter_sets'
"""


@dataclass(frozen=True)
class FilterSource:
    query: str | None = None
    content: list[dict[str, Any]] | None = None


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=64)
def _file_entries(path: Path, mtime_ns: int) -> dict[str, dict[str, Any]]:
    document = yaml.load(path.read_text(), Loader=LOADER)
    items = document.get("filters") if isinstance(document, dict) else None
    return {
        item["id"]: item
        for item in items or []
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    }


def catalog_entries(catalog_dir: Path = CATALOG_DIR) -> dict[str, dict[str, Any]]:
    """Catalog entries by id, from every YAML file of the catalog directory (cached per file
    version)."""
    entries: dict[str, dict[str, Any]] = {}
    for path in sorted(catalog_dir.glob("*.yaml")):
        entries.update(_file_entries(path, path.stat().st_mtime_ns))
    return entries


def from_catalog(entry_id: str, catalog_dir: Path = CATALOG_DIR) -> FilterSource:
    entry = catalog_entries(catalog_dir).get(entry_id.removeprefix(CATALOG_PREFIX))
    if entry is None:
        raise NotFound(f"filter set {entry_id!r}: no such catalog hunt")
    return _source(entry, entry_id)


def from_table(ch: Client, tenant: str, set_id: str) -> FilterSource:
    columns = {str(r[0]) for r in ch.query(SELECT_COLUMNS).result_rows}
    wanted = [c for c in ("query", "content") if c in columns]
    if not columns or "id" not in columns or "tenant" not in columns or not wanted:
        raise NotFound(f"filter set {set_id!r}: no saved filter sets in this deployment")
    alive = " AND NOT deleted" if "deleted" in columns else ""
    final = " FINAL" if "version" in columns else ""
    # Identifiers come from the fixed allowlist above, values are bound.
    sql = (
        f"SELECT {', '.join(wanted)} FROM filter_sets{final}"  # noqa: S608
        f" WHERE tenant = {{tenant:String}} AND toString(id) = {{id:String}}{alive} LIMIT 1"
    )
    rows = ch.query(sql, parameters={"tenant": tenant, "id": set_id}).result_rows
    if not rows:
        raise NotFound(f"filter set {set_id!r}: no such saved filter set")
    return _source(dict(zip(wanted, rows[0], strict=True)), set_id)


def _source(entry: dict[str, Any], where: str) -> FilterSource:
    query = entry.get("query")
    content = entry.get("content")
    if isinstance(content, str) and content.strip():
        content = orjson.loads(content)
    if isinstance(query, str) and query.strip():
        return FilterSource(query=query)
    if isinstance(content, list) and content:
        return FilterSource(content=content)
    raise Invalid(f"filter_set: {where!r} has neither a query nor a content list")


def resolve(ch: Client, tenant: str, set_id: str) -> FilterSource:
    if set_id.startswith(CATALOG_PREFIX):
        return from_catalog(set_id)
    return from_table(ch, tenant, set_id)


def query_text(ch: Client, tenant: str, set_id: str) -> str:
    """The filter of a filter set as text in the filter language (Stamus content converted)."""
    source = resolve(ch, tenant, set_id)
    if source.query is not None:
        return source.query
    return to_text(parse_stamus(source.content or []))
