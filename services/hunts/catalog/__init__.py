"""The guided hunting catalog: filters shipped as data, one YAML file per category family.

Each file holds `filters:` entries with a stable `id` (slug), `title` ("Category: Name"),
`description`, `mitre` technique ids, `event_types`, `query` (the text filter language),
`facets` (fields to break results down by), `references` (source keys of the hunt-ideas
reference: ET sids, Sigma rule files, Stamus sets, RITA ...) and `examples` (`match` /
`no_match` EVE events the test suite runs through the real engine). A `templates:` key holds
YAML anchors shared by a file's examples and is otherwise ignored.

Catalog filters are read-only filter sets with ids `catalog:<slug>`. `_example_lists.yaml`
holds the tenant lists the examples assume (approved resolvers, internal suffixes ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from services.core import fields
from services.core.filters import parse_query

HERE = Path(__file__).resolve().parent
ID_PREFIX = "catalog:"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MITRE = re.compile(r"^T\d{4}(?:\.\d{3})?$")
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REQUIRED = ("id", "title", "description", "event_types", "query", "facets", "references")


@dataclass(frozen=True)
class Example:
    match: tuple[dict[str, Any], ...]
    no_match: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class CatalogFilter:
    slug: str
    title: str
    description: str
    query: str
    mitre: tuple[str, ...]
    event_types: tuple[str, ...]
    facets: tuple[str, ...]
    references: tuple[str, ...]
    examples: Example = field(repr=False)
    source_file: str = ""
    rank: int = 0  # search order among title matches: higher first (headline hunts)

    @property
    def id(self) -> str:
        return ID_PREFIX + self.slug

    @property
    def category(self) -> str:
        return self.title.split(":", 1)[0].strip()

    @property
    def name(self) -> str:
        return self.title.split(":", 1)[1].strip()


class CatalogError(ValueError):
    """A catalog data file is malformed (a packaging bug, caught by the test suite)."""


def _strings(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _examples(entry: dict[str, Any], where: str) -> Example:
    raw = entry.get("examples")
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: examples must map match / no_match to EVE events")
    parts: dict[str, tuple[dict[str, Any], ...]] = {}
    for key in ("match", "no_match"):
        events = raw.get(key)
        if not isinstance(events, list) or not events:
            raise CatalogError(f"{where}: examples.{key} needs at least one EVE event")
        for index, event in enumerate(events):
            missing = [
                k
                for k in ("timestamp", "event_type", "src_ip", "dest_ip", "proto")
                if not isinstance(event, dict) or k not in event
            ]
            if missing:
                raise CatalogError(f"{where}: examples.{key}[{index}] lacks {', '.join(missing)}")
        parts[key] = tuple(events)
    return Example(parts["match"], parts["no_match"])


def parse_entry(entry: Any, where: str) -> CatalogFilter:
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: a filter must be a mapping")
    missing = [k for k in REQUIRED if k not in entry]
    if missing:
        raise CatalogError(f"{where}: missing {', '.join(missing)}")
    slug, title = entry["id"], entry["title"]
    where = f"{where} ({slug})"
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise CatalogError(f"{where}: id must be a lower-case slug")
    if not isinstance(title, str) or ":" not in title:
        raise CatalogError(f"{where}: title must read 'Category: Name'")
    mitre = _strings(entry, "mitre", where)
    if bad := [m for m in mitre if not MITRE.match(m)]:
        raise CatalogError(f"{where}: not ATT&CK technique ids: {bad}")
    facets = _strings(entry, "facets", where)
    if unknown := [f for f in facets if fields.EVENT_FIELDS.get(f) is None]:
        raise CatalogError(f"{where}: facets not in the field registry: {unknown}")
    return CatalogFilter(
        slug=slug,
        title=title,
        description=" ".join(str(entry["description"]).split()),
        query=str(entry["query"]),
        mitre=mitre,
        event_types=_strings(entry, "event_types", where),
        facets=facets,
        references=_strings(entry, "references", where),
        examples=_examples(entry, where),
        source_file=where.split(" ")[0],
        rank=int(entry.get("rank", 0)),
    )


class Catalog:
    """The loaded filters, by id."""

    def __init__(self, filters: tuple[CatalogFilter, ...]) -> None:
        self.filters = filters
        self._by_slug = {f.slug: f for f in filters}

    def get(self, filter_id: str) -> CatalogFilter | None:
        """The filter for `catalog:<slug>` (or a bare slug), else None."""
        return self._by_slug.get(filter_id.removeprefix(ID_PREFIX))

    def categories(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.filters:
            counts[f.category] = counts.get(f.category, 0) + 1
        return dict(sorted(counts.items()))


def load_file(path: Path) -> list[CatalogFilter]:
    data = yaml.load(path.read_text(), Loader=LOADER)
    if not isinstance(data, dict) or not isinstance(data.get("filters"), list):
        raise CatalogError(f"{path.name}: expected a mapping with a 'filters' list")
    return [parse_entry(e, f"{path.name}[{i}]") for i, e in enumerate(data["filters"])]


@cache
def load_catalog(folder: Path = HERE) -> Catalog:
    """Every catalog filter, validated: unique ids, known facets, queries that parse."""
    found: list[CatalogFilter] = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        found.extend(load_file(path))
    seen: set[str] = set()
    for f in found:
        if f.slug in seen:
            raise CatalogError(f"{f.source_file}: duplicate id {f.slug}")
        seen.add(f.slug)
        parse_query(f.query)
    return Catalog(tuple(found))


@cache
def example_lists(folder: Path = HERE) -> dict[str, list[str]]:
    """The tenant lists the catalog's examples assume (for tests and demos)."""
    data = yaml.safe_load((folder / "_example_lists.yaml").read_text())
    return {str(k): [str(v) for v in values] for k, values in data.items()}
