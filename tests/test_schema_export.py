"""The committed API documents are the ones the code serves (`make schema` rewrites them)."""

from __future__ import annotations

import inspect
import json
import re

import jsonschema
from starlette.routing import Route

from services import allinone, schema_export
from services.core import openapi
from services.core.deps import Deps


def test_committed_openapi_is_up_to_date(deps: Deps) -> None:
    committed = schema_export.OPENAPI_PATH.read_text()
    assert committed == schema_export.openapi_text(deps), "run `make schema`"


def test_committed_graphql_sdl_is_up_to_date() -> None:
    assert schema_export.SDL_PATH.read_text() == schema_export.sdl(), "run `make schema`"


def test_every_endpoint_that_reads_a_json_body_documents_its_model(deps: Deps) -> None:
    """The model an endpoint validates its body with is the one the OpenAPI document shows."""
    checked = 0
    for app in allinone.service_apps(deps).values():
        for route in app.routes:
            if not isinstance(route, Route):
                continue
            read = re.findall(r"read_model\(request, (\w+)\)", inspect.getsource(route.endpoint))
            models = openapi.models_of(route.endpoint)
            for name in read:
                assert models is not None and models.body is not None, route.path
                assert models.body.__name__ == name, route.path
                checked += 1
    assert checked >= 11


def test_documented_bodies_validate_real_requests(deps: Deps) -> None:
    """Every `$ref` resolves, and the documented body schemas accept a body the API accepts
    and refuse one it refuses."""
    document = json.loads(schema_export.openapi_text(deps))
    schemas = document["components"]["schemas"]
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(document)))
    assert refs and refs <= set(schemas)
    operation = document["paths"]["/api/v1/policies"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    local = json.loads(json.dumps(schemas).replace("#/components/schemas/", "#/$defs/"))
    validator = jsonschema.Draft202012Validator(
        {"$ref": body["$ref"].replace("#/components/schemas/", "#/$defs/"), "$defs": local}
    )
    good = {"action": "tag", "query": "event_type:dns", "tag": "relevant"}
    assert list(validator.iter_errors(good)) == []
    assert list(validator.iter_errors({"query": "event_type:dns"}))  # no action
    answer = operation["responses"]["201"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/PolicyRead"}
    ingest = document["paths"]["/api/v1/ingest/events"]["post"]
    assert set(ingest["requestBody"]["content"]) == {"application/x-ndjson"}
