"""Examples in the docs are checked against the code they describe."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import parse, validate

from services.core.filters import parse_query
from services.gateway.schema import schema

DOCS = Path(__file__).resolve().parents[1] / "docs"


def blocks(language: str) -> list[str]:
    text = (DOCS / "API.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_graphql_examples_validate_against_the_schema() -> None:
    examples = blocks("graphql")
    assert examples
    for example in examples:
        assert validate(schema._schema, parse(example)) == []


def test_filter_language_examples_parse() -> None:
    (examples,) = [b for b in blocks("") if "event_type:dns" in b]
    lines = [line for line in examples.splitlines() if line.strip()]
    assert len(lines) == 4
    for line in lines:
        parse_query(line)
