"""SQL of saved filter sets (table `filter_sets`, migration 0020)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import orjson

from services.core.clickhouse import Client, utc

COLUMNS = [
    "tenant",
    "id",
    "name",
    "description",
    "category",
    "query",
    "content",
    "facets",
    "page",
    "owner",
    "shared",
    "created_at",
    "updated_at",
    "version",
    "deleted",
]
SELECT_VISIBLE = """
    SELECT id, name, description, category, query, content, facets, page, owner, shared,
           created_at, updated_at
    FROM filter_sets FINAL
    WHERE tenant = {tenant:String} AND NOT deleted AND (shared OR owner = {owner:String})
    ORDER BY name, id
    LIMIT 10000
"""
SELECT_ONE = """
    SELECT id, name, description, category, query, content, facets, page, owner, shared,
           created_at, updated_at
    FROM filter_sets FINAL
    WHERE tenant = {tenant:String} AND id = {id:UUID} AND NOT deleted
      AND (shared OR owner = {owner:String})
    LIMIT 1
"""


@dataclass(frozen=True)
class SavedSet:
    id: UUID
    name: str
    description: str
    category: str
    query: str
    content: list[dict[str, Any]] | None
    facets: list[str]
    page: str
    owner: str
    shared: bool
    created_at: datetime
    updated_at: datetime


def _saved(row: tuple[Any, ...]) -> SavedSet:
    (
        id_,
        name,
        description,
        category,
        query,
        content,
        facets,
        page,
        owner,
        shared,
        created_at,
        updated_at,
    ) = row
    return SavedSet(
        id=id_ if isinstance(id_, UUID) else UUID(str(id_)),
        name=name,
        description=description,
        category=category,
        query=query,
        content=orjson.loads(content) if content else None,
        facets=list(facets),
        page=page,
        owner=owner,
        shared=bool(shared),
        created_at=utc(created_at),
        updated_at=utc(updated_at),
    )


def visible_sets(ch: Client, tenant: str, owner: str) -> list[SavedSet]:
    """The tenant's shared sets and the caller's private ones."""
    rows = ch.query(SELECT_VISIBLE, parameters={"tenant": tenant, "owner": owner}).result_rows
    return [_saved(tuple(r)) for r in rows]


def visible_set(ch: Client, tenant: str, owner: str, set_id: UUID) -> SavedSet | None:
    params = {"tenant": tenant, "owner": owner, "id": set_id}
    rows = ch.query(SELECT_ONE, parameters=params).result_rows
    return _saved(tuple(rows[0])) if rows else None


def new_set(
    tenant: str,
    owner: str,
    name: str,
    description: str,
    category: str,
    query: str,
    content: list[dict[str, Any]] | None,
    facets: list[str],
    page: str,
    shared: bool,
) -> SavedSet:
    now = datetime.now(UTC)
    return SavedSet(
        uuid4(), name, description, category, query, content, facets, page, owner, shared, now, now
    )


def write_sets(ch: Client, tenant: str, sets: list[SavedSet], deleted: bool = False) -> None:
    """Insert new versions of `sets` (one insert; `deleted` marks them deleted)."""
    version = time.time_ns()
    rows = [
        [
            tenant,
            s.id,
            s.name,
            s.description,
            s.category,
            s.query,
            orjson.dumps(s.content).decode() if s.content is not None else "",
            s.facets,
            s.page,
            s.owner,
            s.shared,
            s.created_at,
            datetime.now(UTC),
            version,
            deleted,
        ]
        for s in sets
    ]
    if rows:
        ch.insert("filter_sets", rows, column_names=COLUMNS)
