"""The guided catalog and saved filter sets, runs of a filter set, reference lists."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from services.gateway import wire
from services.gateway.context import Context
from services.gateway.resolvers.outcome import or_none, outcome, validated
from services.gateway.types.deleted import Deleted
from services.gateway.types.filter_set import FilterSet
from services.gateway.types.filter_set_input import FilterSetInput, FilterSetPatch
from services.gateway.types.hunt_run import HuntRun
from services.gateway.types.list_input import ReferenceListInput
from services.gateway.types.reference_list import ReferenceList
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


async def filter_sets(info: Info[Context, None], search: str | None = None) -> list[FilterSet]:
    """Catalog filters and saved sets, optionally matching keywords (`search: "dns"`)."""
    data = await info.context.api.hunts.get(FILTER_SETS, {"q": search})
    return [FilterSet.from_json(item) for item in wire.items(data, "filter_sets")]


async def filter_set(info: Info[Context, None], id: strawberry.ID) -> FilterSet | None:
    """One catalog filter or saved set; null if there is none with this id."""
    return await info.context.loaders.filter_set_by_id.load(str(id))


async def run_filter_set(
    info: Info[Context, None],
    id: strawberry.ID,
    from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
    to: datetime | None = None,
) -> HuntRun | None:
    """Count, timeline and the declared facets of a filter set; null if it does not exist."""
    params = {
        "from": from_.isoformat() if from_ else None,
        "to": to.isoformat() if to else None,
    }

    async def run() -> HuntRun:
        return HuntRun.from_json(
            await info.context.api.hunts.post(f"{_path(id)}/run", None, params)
        )

    return await or_none(run())


async def reference_list(info: Info[Context, None], name: str) -> ReferenceList | None:
    """A reference list by name (the tenant's own, else the shipped one); null if unknown."""

    async def get() -> ReferenceList:
        data = await info.context.api.hunts.get(f"/api/v1/lists/{quote(name, safe='')}")
        return ReferenceList.from_json(data)

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


async def import_filter_sets(info: Info[Context, None], stamus: JSON) -> FilterSetImportResult:
    """Import filter sets in the Stamus JSON export format (one object or a list)."""

    async def do_import() -> FilterSetList:
        data = await info.context.api.hunts.post(f"{FILTER_SETS}/import", stamus)
        return FilterSetList(
            filter_sets=[FilterSet.from_json(item) for item in wire.items(data, "filter_sets")]
        )

    return await validated(do_import())


async def put_reference_list(
    info: Info[Context, None], name: str, input: ReferenceListInput
) -> ReferenceListResult:
    """Replace the tenant's reference list `name`."""

    async def put() -> ReferenceList:
        data = await info.context.api.hunts.put(
            f"/api/v1/lists/{quote(name, safe='')}", input.body()
        )
        return ReferenceList.from_json(data)

    return await validated(put())
