"""Endpoints of filter sets: search, CRUD of saved sets, Stamus import/export, and run."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from services.core.auth import Scope, require
from services.core.errors import Invalid, PayloadTooLarge
from services.core.openapi import documents
from services.core.web import JSON, MAX_JSON_BODY, read_model
from services.hunts import filter_sets, results
from services.hunts.api import deps_of, flag, hunt_scope, integer
from services.hunts.models import (
    Bucket,
    Facet,
    FacetValue,
    FilterSetCreate,
    FilterSetPage,
    FilterSetRead,
    FilterSetUpdate,
    HuntRun,
    Timeline,
)

MAX_LIMIT = 1000


@documents(returns=FilterSetPage)
async def list_filter_sets(request: Request) -> Response:
    """
    summary: Search the catalog and the saved filter sets
    description: Keyword search (all words must match); title matches rank first.
    parameters:
      - {name: q, in: query, schema: {type: string}, description: "keywords, e.g. dns"}
      - {name: category, in: query, schema: {type: string}}
      - {name: source, in: query, schema: {type: string, enum: [all, catalog, saved], default: all}}
      - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 100}}
      - {name: offset, in: query, schema: {type: integer, minimum: 0, default: 0}}
    responses:
      "200": {description: "{items: [filter set], total, next_offset}"}
    """
    principal = require(request, Scope.READ)
    params = request.query_params
    limit = integer(params, "limit", 100, 1, MAX_LIMIT)
    offset = integer(params, "offset", 0, 0, 1_000_000)
    found = filter_sets.search(
        deps_of(request).ch,
        principal,
        params.get("q", ""),
        params.get("category", ""),
        params.get("source") or "all",
    )
    page = found[offset : offset + limit]
    next_offset = offset + limit if offset + limit < len(found) else None
    return JSON(FilterSetPage(items=page, total=len(found), next_offset=next_offset))


@documents(body=FilterSetCreate, returns=FilterSetRead, status=201)
async def create_filter_set(request: Request) -> Response:
    """
    summary: Save a filter set (private to the token name unless shared)
    responses:
      "201": {description: the saved filter set}
      "400": {description: bad query, content or facet}
    """
    principal = require(request, Scope.WRITE)
    body = await read_model(request, FilterSetCreate)
    return JSON(filter_sets.create(deps_of(request).ch, principal, body), status_code=201)


@documents(returns=FilterSetRead)
async def get_filter_set(request: Request) -> Response:
    """
    summary: One filter set (catalog:<slug> or a saved set's id)
    responses:
      "200": {description: the filter set}
      "404": {description: no such set visible to the token}
    """
    principal = require(request, Scope.READ)
    item = filter_sets.find(deps_of(request).ch, principal, request.path_params["id"])
    return JSON(item)


@documents(body=FilterSetUpdate, returns=FilterSetRead)
async def update_filter_set(request: Request) -> Response:
    """
    summary: Change a saved filter set (its owner or an admin token)
    responses:
      "200": {description: the changed filter set}
      "403": {description: a catalog filter, or another owner's set}
      "404": {description: no such set}
    """
    principal = require(request, Scope.WRITE)
    body = await read_model(request, FilterSetUpdate)
    item = filter_sets.update(deps_of(request).ch, principal, request.path_params["id"], body)
    return JSON(item)


async def delete_filter_set(request: Request) -> Response:
    """
    summary: Delete a saved filter set (its owner or an admin token)
    responses:
      "204": {description: deleted}
      "403": {description: a catalog filter, or another owner's set}
      "404": {description: no such set}
    """
    principal = require(request, Scope.WRITE)
    filter_sets.delete(deps_of(request).ch, principal, request.path_params["id"])
    return Response(status_code=204)


async def import_filter_sets(request: Request) -> Response:
    """
    summary: Import Stamus filter sets (a list or one), unchanged
    parameters:
      - name: shared
        in: query
        schema: {type: boolean, default: false}
        description: share the imported sets within the tenant
    requestBody:
      content:
        application/json:
          schema:
            oneOf:
            - type: array
              items: {type: object}
            - {type: object}
            description: 'Stamus filter-set JSON: {name, page, description, content:
              [{id, value, negated, fullString}]}'
    responses:
      "201": {description: "{items: [filter set]}"}
      "400": {description: "an invalid set (named with its index); nothing is stored"}
    """
    principal = require(request, Scope.WRITE)
    payload = await json_body(request)
    shared = flag(request.query_params, "shared")
    items = filter_sets.import_stamus(deps_of(request).ch, principal, payload, shared)
    return JSON({"items": items}, status_code=201)


async def export_filter_set(request: Request) -> Response:
    """
    summary: Export a filter set as Stamus filter-set JSON
    responses:
      "200": {description: "{name, page, description, content, share}"}
      "404": {description: no such set}
    """
    principal = require(request, Scope.READ)
    item = filter_sets.find(deps_of(request).ch, principal, request.path_params["id"])
    return JSON(filter_sets.to_stamus(item))


@documents(returns=HuntRun)
async def run_filter_set(request: Request) -> Response:
    """
    summary: Run a filter set — count, timeline and the facets it declares, in one call
    description: >-
      Parameters come from the query string (and, for POST, a JSON object body). `field`
      overrides the set's facets; `query` narrows the set further.
    parameters:
      - {name: from, in: query, schema: {type: string, format: date-time}}
      - {name: to, in: query, schema: {type: string, format: date-time}}
      - {name: interval, in: query, schema: {type: string, default: auto}}
      - {name: size, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 10}}
      - name: field
        in: query
        schema:
          type: array
          items: {type: string}
        style: form
        explode: true
      - {name: query, in: query, schema: {type: string}}
      - {name: host_query, in: query, schema: {type: string}}
      - {name: include_suppressed, in: query, schema: {type: boolean}}
    responses:
      "200": {description: "{filter_set, start, end, count, timeline, facets}"}
      "400": {description: bad parameter}
      "404": {description: no such set}
    """
    principal = require(request, Scope.READ)
    params: dict[str, Any] = dict(request.query_params)
    names = request.query_params.getlist("field")
    if request.method == "POST":
        body = await json_body(request, optional=True)
        if body is not None and not isinstance(body, dict):
            raise Invalid("the run body must be a JSON object of parameters")
        params.update(body or {})
        if isinstance(params.get("field"), list):
            names = [str(n) for n in params["field"]]
    ch = deps_of(request).ch
    item = filter_sets.find(ch, principal, request.path_params["id"])
    params.pop("filter_set", None)
    names = names or item.facets
    size = integer(params, "size", 10, 1, 1000)
    scope = hunt_scope(request, principal, params, [filter_sets.definition(item)])
    interval, step = results.interval_seconds(
        str(params.get("interval") or "auto"), scope.start, scope.end
    )
    buckets, facets = results.run_summary(ch, scope, step, names, size)
    run = HuntRun(
        filter_set=item,
        start=scope.start,
        end=scope.end,
        count=sum(count for _, count in buckets),
        timeline=Timeline(
            interval=interval,
            interval_seconds=step,
            buckets=[Bucket(time=at, count=count) for at, count in buckets],
        ),
        facets=[
            Facet(field=name, buckets=[FacetValue(value=v, count=c) for v, c in values])
            for name, values in zip(names, facets, strict=True)
        ],
    )
    return JSON(run)


async def json_body(request: Request, optional: bool = False) -> Any:
    content_type = request.headers.get("content-type", "")
    body = await request.body()
    if len(body) > MAX_JSON_BODY:
        raise PayloadTooLarge(f"JSON body is {len(body)} bytes; the limit is {MAX_JSON_BODY}")
    if not body.strip():
        if optional:
            return None
        raise Invalid("request body is empty; expected JSON")
    if content_type and "json" not in content_type:
        raise Invalid(f"expected a JSON body (application/json), got {content_type}")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Invalid(f"request body is not valid JSON: {exc}") from None
