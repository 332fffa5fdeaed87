"""The exported SDL (`schema/graphql/schema.graphql`) is the schema the gateway serves."""

from __future__ import annotations

from pathlib import Path

from strawberry.printer import print_schema

from services.gateway.schema import schema

SDL = Path(__file__).resolve().parents[2] / "schema" / "graphql" / "schema.graphql"


def test_committed_sdl_equals_the_served_schema() -> None:
    assert SDL.read_text() == print_schema(schema) + "\n", "run `make schema` and commit"


def test_sdl_documents_expected_failures_as_result_unions() -> None:
    text = SDL.read_text()
    assert "union PolicyResult = Policy | ValidationError | NotFoundError" in text
    assert "host(ip: IP!, from: DateTime = null, to: DateTime = null): Host\n" in text
