"""Request and response schemas in the OpenAPI document, from the pydantic models the
endpoints really read and answer with.

An endpoint's docstring (YAML) says what it does, its parameters and its statuses; `@documents`
names its body model and its answer model, and `add_models` writes their JSON Schemas into the
document (`components.schemas`, referenced from each operation). One source of truth: the
model that validates a request is the one the document shows.

    @documents(body=PolicyCreate, returns=PolicyRead, status=201)
    async def create_policy(request: Request) -> Response:
        body = await read_model(request, PolicyCreate)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.routing import BaseRoute, Route

E = TypeVar("E", bound=Callable[..., Any])

REF_TEMPLATE = "#/components/schemas/{model}"
NDJSON = "application/x-ndjson"


@dataclass(frozen=True)
class Models:
    """What an endpoint reads (`body`, JSON unless `body_type` says otherwise) and answers."""

    body: type[BaseModel] | None = None
    returns: type[BaseModel] | None = None
    status: int = 200
    body_type: str | None = None  # a non-JSON body, e.g. NDJSON: described, not modelled


def documents(
    *,
    body: type[BaseModel] | None = None,
    returns: type[BaseModel] | None = None,
    status: int = 200,
    body_type: str | None = None,
) -> Callable[[E], E]:
    """Declare the body model and the answer model of an endpoint (see the module docstring)."""

    def mark(endpoint: E) -> E:
        endpoint.openapi_models = Models(body, returns, status, body_type)  # type: ignore[attr-defined]
        return endpoint

    return mark


def models_of(endpoint: Any) -> Models | None:
    models = getattr(endpoint, "openapi_models", None)
    return models if isinstance(models, Models) else None


def add_models(document: dict[str, Any], routes: Iterable[BaseRoute]) -> dict[str, Any]:
    """`document` with the request and response schemas of the routes' declared models."""
    declared = [
        (route, models)
        for route in routes
        if isinstance(route, Route) and (models := models_of(route.endpoint)) is not None
    ]
    # bodies are shown as they are validated, answers as they are serialized
    wanted: set[tuple[type[BaseModel], Any]] = set()
    for _route, models in declared:
        if models.body is not None:
            wanted.add((models.body, "validation"))
        if models.returns is not None:
            wanted.add((models.returns, "serialization"))
    if not wanted:
        return document
    ordered = sorted(wanted, key=lambda pair: (pair[0].__name__, pair[1]))
    refs, schemas = models_json_schema(ordered, ref_template=REF_TEMPLATE)
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components.update(schemas.get("$defs", {}))
    paths = document.setdefault("paths", {})
    for route, models in declared:
        for method in sorted(route.methods or ()):
            operation = paths.get(route.path, {}).get(method.lower())
            if operation is None:
                continue
            if models.body is not None:
                schema = refs[(models.body, "validation")]
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": schema}},
                }
            elif models.body_type is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": {models.body_type: {"schema": {"type": "string"}}},
                }
            if models.returns is not None:
                answer = operation.setdefault("responses", {}).setdefault(
                    str(models.status), {"description": "OK"}
                )
                schema = refs[(models.returns, "serialization")]
                answer["content"] = {"application/json": {"schema": schema}}
    return document
