"""Endpoints of reference lists: the shipped ones (read-only) and the tenant's own.

Shipped lists live under tenant '' (see `shipped_lists`); a tenant edits its own lists, such as
`approved_resolvers` or `internal_suffixes`, which the catalog's filters reference.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from services.core import lists
from services.core.auth import Scope, require
from services.core.errors import Forbidden, Invalid, NotFound
from services.core.openapi import documents
from services.core.web import JSON, read_model
from services.hunts.api import deps_of, integer
from services.hunts.models import ListItemPage, ListItemRead, ListRead, ListUpdate
from services.hunts.shipped_lists import SHIPPED_NAMES

TENANT_KINDS = {t.name: t.kind for t in lists.TENANT_LISTS}
TENANT_DESCRIPTIONS = {t.name: t.description for t in lists.TENANT_LISTS}
SUFFIX_BY_DEFAULT = frozenset(
    {"internal_suffixes", "corporate_domains", "sanctioned_storage_domains"}
)
HOST_NAME = re.compile(r"^(?:\*\.|\.)?[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?\.?$")
MAX_PAGE = 10_000


def list_read(info: lists.ListInfo | None, name: str) -> ListRead:
    shipped = name in SHIPPED_NAMES
    if info is None:
        return ListRead(
            name=name,
            description=TENANT_DESCRIPTIONS.get(name, ""),
            source="tenant",
            item_count=0,
            version=0,
            updated_at=None,
            shipped=False,
            editable=True,
            kind=TENANT_KINDS.get(name, "mixed"),
        )
    return ListRead(
        name=name,
        description=info.description or TENANT_DESCRIPTIONS.get(name, ""),
        source=info.source or ("shipped" if info.shipped else "tenant"),
        item_count=info.item_count,
        version=info.version,
        updated_at=info.updated_at,
        shipped=info.shipped,
        editable=not shipped,
        kind=TENANT_KINDS.get(name, "mixed"),
    )


def tenant_items(name: str, items: list[str | dict[str, Any]]) -> list[str | dict[str, Any]]:
    """Validate items against the list's kind; bare names of suffix lists match subdomains."""
    kind = TENANT_KINDS.get(name)
    out: list[str | dict[str, Any]] = []
    for index, item in enumerate(items):
        value = item if isinstance(item, str) else item.get("value")
        if not isinstance(value, str):
            raise Invalid(f"items[{index}] must be a string or an object with a string value")
        text = value.strip()
        if kind == "ip" and not _is_network(text):
            raise Invalid(
                f"items[{index}]: {value!r} is not an IP address or CIDR"
                f" (list {name} holds addresses)"
            )
        if kind == "name" and (_is_network(text) or not HOST_NAME.match(text)):
            raise Invalid(f"items[{index}]: {value!r} is not a DNS name (list {name} holds names)")
        if name in SUFFIX_BY_DEFAULT and isinstance(item, str) and not text.startswith(("*", ".")):
            out.append({"value": text, "match": "suffix"})
        else:
            out.append(item)
        lists.parse_item(out[-1], index)
    return out


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


async def list_lists(request: Request) -> Response:
    """
    summary: Reference lists (shipped and the tenant's own) with counts and sources
    responses:
      "200":
        {description: '{items: [{name, description, source, item_count, version,
            updated_at, shipped, editable, kind}]}'}
    """
    principal = require(request, Scope.READ)
    found = {i.name: i for i in lists.list_names(deps_of(request).ch, principal.tenant)}
    names = sorted(set(found) | set(TENANT_KINDS))
    return JSON({"items": [list_read(found.get(n), n) for n in names]})


@documents(returns=ListItemPage)
async def get_list(request: Request) -> Response:
    """
    summary: One reference list with its items (paginated)
    parameters:
      - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 10000, default: 1000}}
      - {name: offset, in: query, schema: {type: integer, minimum: 0, default: 0}}
    responses:
      "200": {description: "{list, items: [{value, kind, match, attrs}], next_offset}"}
      "404": {description: no such list}
    """
    principal = require(request, Scope.READ)
    name = lists.check_name(request.path_params["name"])
    params = request.query_params
    limit = integer(params, "limit", 1000, 1, MAX_PAGE)
    offset = integer(params, "offset", 0, 0, lists.MAX_ITEMS)
    try:
        found = lists.get_list(deps_of(request).ch, principal.tenant, name, offset + limit + 1)
    except NotFound:
        if name not in TENANT_KINDS:
            raise NotFound(f"no list {name!r}; GET /api/v1/lists shows them all") from None
        return JSON(ListItemPage(list=list_read(None, name), items=[]))
    window = found.items[offset : offset + limit]
    more = len(found.items) > offset + limit
    items = [ListItemRead(value=i.value, kind=i.kind, match=i.match, attrs=i.attrs) for i in window]
    return JSON(
        ListItemPage(
            list=list_read(found.info, name),
            items=items,
            next_offset=offset + limit if more else None,
        )
    )


@documents(body=ListUpdate, returns=ListRead)
async def put_list(request: Request) -> Response:
    """
    summary: Create or replace one of the tenant's lists (shipped lists are read-only)
    responses:
      "200": {description: the list header}
      "400": {description: "an invalid item, named by its index"}
      "403": {description: a shipped list}
    """
    principal = require(request, Scope.WRITE)
    name = lists.check_name(request.path_params["name"])
    if name in SHIPPED_NAMES:
        raise Forbidden(
            f"list {name!r} is shipped with Sightline and read-only; put your own entries in a"
            " list of another name (e.g. approved_resolvers) and reference it in filters"
        )
    body = await read_model(request, ListUpdate)
    items = tenant_items(name, body.items)
    description = body.description or TENANT_DESCRIPTIONS.get(name, "")
    info = lists.put_list(
        deps_of(request).ch, principal.tenant, name, items, description, source="tenant"
    )
    return JSON(list_read(info, name))


async def delete_list(request: Request) -> Response:
    """
    summary: Delete one of the tenant's lists
    responses:
      "204": {description: deleted}
      "403": {description: a shipped list}
      "404": {description: the tenant has no such list}
    """
    principal = require(request, Scope.WRITE)
    name = lists.check_name(request.path_params["name"])
    if name in SHIPPED_NAMES:
        raise Forbidden(f"list {name!r} is shipped with Sightline and cannot be deleted")
    lists.delete_list(deps_of(request).ch, principal.tenant, name)
    return Response(status_code=204)
