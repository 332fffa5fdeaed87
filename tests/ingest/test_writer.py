"""The Arrow building blocks of ingest's inserts (no engine needed)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.ingest import writer


@given(st.lists(st.binary(max_size=40), max_size=60))
def test_a_binary_array_holds_the_values_as_given(values: list[bytes]) -> None:
    """Built from one joined buffer and offsets: every value back, empty and NUL bytes too."""
    built = writer.binary_array(values)
    assert built.to_pylist() == values
    assert len(built) == len(values)
