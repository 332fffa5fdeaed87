"""The committed API documents are the ones the code serves (`make schema` rewrites them)."""

from __future__ import annotations

from services import schema_export
from services.core.deps import Deps


def test_committed_openapi_is_up_to_date(deps: Deps) -> None:
    committed = schema_export.OPENAPI_PATH.read_text()
    assert committed == schema_export.openapi_text(deps), "run `make schema`"


def test_committed_graphql_sdl_is_up_to_date() -> None:
    assert schema_export.SDL_PATH.read_text() == schema_export.sdl(), "run `make schema`"
