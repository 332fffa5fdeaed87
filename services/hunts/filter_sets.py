"""Filter sets: the read-only guided catalog and the tenant's saved sets, as one collection.

Ids: `catalog:<slug>` for catalog filters, UUIDs for saved sets. Saved sets are private to the
creator's token name unless shared within the tenant; only their owner (or an admin token)
changes them. Search ranks title matches first, then featured catalog filters. Stamus
filter-set JSON imports unchanged (`content`) and exports back (a text query becomes an
`es_filter` item, which Stamus and our parser both read as a Lucene query string).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from uuid import UUID

from services.core.auth import Principal, Scope
from services.core.clickhouse import Client
from services.core.errors import Forbidden, Invalid, NotFound
from services.core.filters import Filter
from services.hunts import results, store
from services.hunts.catalog import ID_PREFIX, CatalogFilter, load_catalog
from services.hunts.models import (
    FilterSetCreate,
    FilterSetRead,
    FilterSetUpdate,
    StamusFilterSet,
)
from services.hunts.store import SavedSet

DEFAULT_CATEGORY = "Custom"
MAX_IMPORT = 1000


def catalog_read(item: CatalogFilter) -> FilterSetRead:
    return FilterSetRead(
        id=item.id,
        source="catalog",
        name=item.title,
        category=item.category,
        description=item.description,
        query=item.query,
        content=None,
        facets=list(item.facets),
        shared=True,
        owner="",
        read_only=True,
        mitre=list(item.mitre),
        event_types=list(item.event_types),
        references=list(item.references),
    )


def saved_read(saved: SavedSet) -> FilterSetRead:
    return FilterSetRead(
        id=str(saved.id),
        source="saved",
        name=saved.name,
        category=saved.category,
        description=saved.description,
        query=saved.query or None,
        content=saved.content,
        facets=saved.facets,
        shared=saved.shared,
        owner=saved.owner,
        read_only=False,
        created_at=saved.created_at,
        updated_at=saved.updated_at,
    )


def category_of(name: str) -> str:
    head, sep, _ = name.partition(":")
    return head.strip() if sep and head.strip() else DEFAULT_CATEGORY


def saved_id(set_id: str) -> UUID:
    try:
        return UUID(set_id)
    except ValueError:
        raise NotFound(
            f"no filter set {set_id!r}: ids are catalog:<slug> or the UUID of a saved set"
        ) from None


def find(ch: Client, principal: Principal, set_id: str) -> FilterSetRead:
    """A catalog filter or a saved set visible to the caller; NotFound otherwise."""
    if set_id.startswith(ID_PREFIX):
        item = load_catalog().get(set_id)
        if item is None:
            raise NotFound(f"no catalog filter {set_id!r}; see GET /api/v1/catalog")
        return catalog_read(item)
    saved = store.visible_set(ch, principal.tenant, principal.name, saved_id(set_id))
    if saved is None:
        raise NotFound(f"no filter set {set_id!r} visible to this token")
    return saved_read(saved)


def definition(item: FilterSetRead) -> results.Definition:
    return results.Definition(item.query, item.content)


def _matches(item: FilterSetRead, words: Sequence[str]) -> tuple[bool, bool]:
    """(every word is in the title, every word is somewhere in the set)."""
    title = item.name.lower()
    text = " ".join(
        [
            title,
            item.description,
            item.query or "",
            item.category,
            *item.references,
            *item.mitre,
            *item.event_types,
            *item.facets,
        ]
    ).lower()
    return all(w in title for w in words), all(w in text for w in words)


def search(
    ch: Client,
    principal: Principal,
    q: str = "",
    category: str = "",
    source: str = "all",
) -> list[FilterSetRead]:
    """Catalog filters and visible saved sets matching `q` (all words), title matches first."""
    if source not in ("all", "catalog", "saved"):
        raise Invalid(f"parameter 'source': {source!r} is not one of all, catalog, saved")
    words = [w for w in q.lower().split() if w]
    ranks = {f.id: f.rank for f in load_catalog().filters}
    candidates: list[FilterSetRead] = []
    if source in ("all", "catalog"):
        candidates.extend(catalog_read(f) for f in load_catalog().filters)
    if source in ("all", "saved"):
        candidates.extend(
            saved_read(s) for s in store.visible_sets(ch, principal.tenant, principal.name)
        )
    if category:
        candidates = [c for c in candidates if c.category.lower() == category.lower()]
    scored = []
    for item in candidates:
        in_title, anywhere = _matches(item, words)
        if anywhere:
            scored.append(((not in_title, -ranks.get(item.id, 0), item.name.lower()), item))
    scored.sort(key=lambda pair: pair[0])
    return [item for _, item in scored]


def validate(query: str | None, content: Sequence[Any] | None, facets: Sequence[str]) -> None:
    """The definition parses and compiles; facets can be broken down by."""
    if not query and not content:
        raise Invalid("a filter set needs a query (text) or content (Stamus items)")
    Filter.from_request(query, content)
    for name in facets:
        results.facet_column(name)


def create(ch: Client, principal: Principal, body: FilterSetCreate) -> FilterSetRead:
    validate(body.query, body.content, body.facets)
    saved = store.new_set(
        principal.tenant,
        principal.name,
        body.name,
        body.description,
        body.category or category_of(body.name),
        body.query or "",
        body.content,
        body.facets,
        body.page,
        body.shared,
    )
    store.write_sets(ch, principal.tenant, [saved])
    return saved_read(saved)


def _owned(ch: Client, principal: Principal, set_id: str) -> SavedSet:
    if set_id.startswith(ID_PREFIX):
        find(ch, principal, set_id)
        raise Forbidden(
            f"{set_id} is a catalog filter and read-only; save a copy with POST /api/v1/filter-sets"
        )
    saved = store.visible_set(ch, principal.tenant, principal.name, saved_id(set_id))
    if saved is None:
        raise NotFound(f"no filter set {set_id!r} visible to this token")
    if saved.owner != principal.name and principal.scope < Scope.ADMIN:
        raise Forbidden(
            f"filter set {set_id} belongs to {saved.owner!r}; only its owner or an admin"
            " token may change it"
        )
    return saved


def update(ch: Client, principal: Principal, set_id: str, body: FilterSetUpdate) -> FilterSetRead:
    saved = _owned(ch, principal, set_id)
    changes = body.model_dump(exclude_unset=True)
    if "query" in changes:
        changes["query"] = changes["query"] or ""
    changed = replace(saved, **changes)
    validate(changed.query, changed.content, changed.facets)
    store.write_sets(ch, principal.tenant, [changed])
    return saved_read(changed)


def delete(ch: Client, principal: Principal, set_id: str) -> None:
    saved = _owned(ch, principal, set_id)
    store.write_sets(ch, principal.tenant, [saved], deleted=True)


def import_stamus(
    ch: Client, principal: Principal, payload: Any, shared: bool
) -> list[FilterSetRead]:
    """Import Stamus filter sets (a list or one); all are validated before any is stored."""
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise Invalid("nothing to import: send a Stamus filter set or a list of them")
    if len(items) > MAX_IMPORT:
        raise Invalid(f"at most {MAX_IMPORT} filter sets per import, got {len(items)}")
    sets: list[SavedSet] = []
    for index, raw in enumerate(items):
        try:
            parsed = StamusFilterSet.model_validate(raw)
            validate(None, parsed.content, [])
        except (Invalid, ValueError) as exc:
            message = exc.message if isinstance(exc, Invalid) else str(exc).splitlines()[0]
            name = raw.get("name") if isinstance(raw, dict) else None
            raise Invalid(f"filter set [{index}] ({name!r}): {message}") from None
        sets.append(
            store.new_set(
                principal.tenant,
                principal.name,
                parsed.name,
                parsed.description,
                category_of(parsed.name),
                "",
                parsed.content,
                [],
                parsed.page,
                shared or parsed.share == "global",
            )
        )
    store.write_sets(ch, principal.tenant, sets)
    return [saved_read(s) for s in sets]


def to_stamus(item: FilterSetRead) -> dict[str, Any]:
    """The Stamus filter-set JSON of a set (content kept; a text query as `es_filter`)."""
    content: list[dict[str, Any]] = list(item.content or [])
    if item.query:
        content.append(
            {
                "id": "es_filter",
                "value": item.query,
                "label": f"es_filter: {item.query}",
                "fullString": False,
                "negated": False,
                "query": "filter",
            }
        )
    return {
        "name": item.name,
        "page": "DASHBOARDS",
        "description": item.description,
        "content": content,
        "share": "global" if item.shared else "user",
    }
