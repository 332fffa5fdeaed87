"""The guided catalog and saved filter sets, runs of a filter set, reference lists."""

from __future__ import annotations

from urllib.parse import quote

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.resolvers.outcome import or_none, outcome, validated
from services.gateway.types.catalog import Catalog
from services.gateway.types.deleted import Deleted
from services.gateway.types.event_filter import EventFilter, event_params
from services.gateway.types.filter_set import FilterSet
from services.gateway.types.filter_set_input import FilterSetInput, FilterSetPatch
from services.gateway.types.filter_set_page import FilterSetPage
from services.gateway.types.hunt_run import HuntRun
from services.gateway.types.list_input import ReferenceListInput
from services.gateway.types.reference_list import ReferenceList
from services.gateway.types.reference_list_info import ReferenceListInfo
from services.gateway.types.results import (
    DeleteResult,
    FilterSetImportResult,
    FilterSetList,
    FilterSetResult,
    ReferenceListResult,
)

FILTER_SETS = "/api/v1/filter-sets"


def _path(id_: str) -> str:
    return f"{FILTER_SETS}/{quote(id_, safe='')}"


async def filter_sets(
    info: Info[Context, None],
    search: str | None = None,
    category: str | None = None,
    source: str | None = None,
    first: int = 100,
    offset: int = 0,
) -> FilterSetPage:
    """Catalog filters and saved sets matching keywords (`search: "dns"`: all words must
    match, title matches first), optionally of one `category` or `source` (catalog, saved)."""
    params = {"q": search, "category": category, "source": source, "limit": first}
    data = await info.context.api.hunts.get(FILTER_SETS, {**params, "offset": offset or None})
    return FilterSetPage.from_json(data)


async def catalog(
    info: Info[Context, None], search: str | None = None, category: str | None = None
) -> Catalog:
    """The guided hunting catalog: its categories with counts and the matching filters."""
    data = await info.context.api.hunts.get("/api/v1/catalog", {"q": search, "category": category})
    return Catalog.from_json(data)


async def filter_set(info: Info[Context, None], id: strawberry.ID) -> FilterSet | None:
    """One catalog filter (`catalog:<slug>`) or saved set; null if there is none."""
    return await info.context.loaders.filter_set_by_id.load(str(id))


async def export_filter_set(info: Info[Context, None], id: strawberry.ID) -> JSON | None:
    """A filter set as Stamus filter-set JSON (to import elsewhere); null if there is none."""

    async def export() -> JSON:
        return JSON(await info.context.api.hunts.get(f"{_path(id)}/export"))

    return await or_none(export())


async def run_filter_set(
    info: Info[Context, None],
    id: strawberry.ID,
    where: EventFilter | None = None,
    fields: list[str] | None = None,
    interval: str | None = None,
    size: int = 10,
) -> HuntRun | None:
    """Count, timeline and facets of a filter set in one call (`fields` overrides its facets,
    `where.query` narrows it further); null if there is no such filter set."""
    params = {
        **event_params(where),
        "filter_set": None,
        "field": fields,
        "interval": interval,
        "size": size,
    }

    async def run() -> HuntRun:
        return HuntRun.from_json(await info.context.api.hunts.get(f"{_path(id)}/run", params))

    return await or_none(run())


def _list(name: str) -> str:
    return f"/api/v1/lists/{quote(name, safe='')}"


async def reference_lists(info: Info[Context, None]) -> list[ReferenceListInfo]:
    """Reference lists, shipped and the tenant's own, with counts and sources."""
    data = await info.context.api.hunts.get("/api/v1/lists")
    return [ReferenceListInfo.from_json(item) for item in wire.items(data)]


async def reference_list(
    info: Info[Context, None], name: str, first: int = 1000, offset: int = 0
) -> ReferenceList | None:
    """A reference list with a page of its entries; null if there is no such list."""

    async def get() -> ReferenceList:
        params = {"limit": first, "offset": offset or None}
        return ReferenceList.from_json(await info.context.api.hunts.get(_list(name), params))

    return await or_none(get())


async def create_filter_set(info: Info[Context, None], input: FilterSetInput) -> FilterSetResult:
    """Save a filter set."""

    async def create() -> FilterSet:
        return FilterSet.from_json(await info.context.api.hunts.post(FILTER_SETS, input.body()))

    return await outcome(create())


async def update_filter_set(
    info: Info[Context, None], id: strawberry.ID, input: FilterSetPatch
) -> FilterSetResult:
    """Change a saved filter set."""

    async def update() -> FilterSet:
        return FilterSet.from_json(await info.context.api.hunts.patch(_path(id), input.body()))

    return await outcome(update())


async def delete_filter_set(info: Info[Context, None], id: strawberry.ID) -> DeleteResult:
    """Delete a saved filter set."""

    async def delete() -> Deleted:
        await info.context.api.hunts.delete(_path(id))
        return Deleted(id=id)

    return await outcome(delete())


async def import_filter_sets(
    info: Info[Context, None], stamus: JSON, shared: bool = False
) -> FilterSetImportResult:
    """Import Stamus filter sets unchanged (their JSON export: one object or a list)."""

    async def do_import() -> FilterSetList:
        path = f"{FILTER_SETS}/import"
        data = await info.context.api.hunts.post(path, stamus, {"shared": shared})
        return FilterSetList(
            filter_sets=[FilterSet.from_json(item) for item in wire.items(data, "filter_sets")]
        )

    return await validated(do_import())


async def put_reference_list(
    info: Info[Context, None], name: str, input: ReferenceListInput
) -> ReferenceListResult:
    """Create or replace one of the tenant's lists (shipped lists are read-only: FORBIDDEN)."""

    async def put() -> ReferenceListInfo:
        return ReferenceListInfo.from_json(
            await info.context.api.hunts.put(_list(name), input.body())
        )

    return await validated(put())


async def delete_reference_list(info: Info[Context, None], name: str) -> DeleteResult:
    """Delete one of the tenant's lists."""

    async def delete() -> Deleted:
        await info.context.api.hunts.delete(_list(name))
        return Deleted(id=strawberry.ID(name))

    return await outcome(delete())
