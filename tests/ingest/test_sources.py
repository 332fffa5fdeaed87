"""Line splitting, offsets, gzip detection and bounded batches (no engine needed)."""

from __future__ import annotations

import gzip
import io
import os
import threading
from itertools import pairwise
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from services.ingest.sources import (
    Limits,
    LineSplitter,
    open_file,
    read_batches,
    read_live_batches,
)


def split(
    data: bytes, chunks: list[int] | None = None, final: bool = True
) -> list[tuple[bytes, int, int]]:
    splitter = LineSplitter(max_line_bytes=1 << 20)
    found = []
    position = 0
    for size in chunks or [len(data)]:
        found += list(splitter.feed(data[position : position + size]))
        position += size
    found += list(splitter.feed(data[position:]))
    if final:
        found += list(splitter.finish())
    return [(line.raw, line.offset, line.line_no) for line in found]


def reference(data: bytes) -> list[tuple[bytes, int, int]]:
    """What the splitter must produce: every non-blank line, `\\r` dropped, start offsets."""
    expected = []
    offset = 0
    pieces = data.split(b"\n")
    for number, piece in enumerate(pieces, start=1):
        last = number == len(pieces)
        raw = piece[:-1] if piece.endswith(b"\r") else piece
        if raw.strip():
            expected.append((raw, offset, number))
        offset += len(piece) + (0 if last else 1)
    return expected


def test_crlf_blank_lines_and_a_final_line_without_newline() -> None:
    data = b'{"a":1}\r\n\r\n   \n{"b":2}\n{"c":3}'
    assert split(data) == [(b'{"a":1}', 0, 1), (b'{"b":2}', 15, 4), (b'{"c":3}', 23, 5)]
    assert split(data, final=False) == [(b'{"a":1}', 0, 1), (b'{"b":2}', 15, 4)]


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(
        st.sampled_from([b"{}", b"x", b"\n", b"\r\n", b" ", b"\r", b'{"k":"v"}']), max_size=40
    ).map(b"".join),
    chunks=st.lists(st.integers(min_value=0, max_value=7), max_size=20),
)
def test_any_chunking_gives_the_lines_and_offsets_of_the_whole(
    data: bytes, chunks: list[int]
) -> None:
    assert split(data, chunks) == reference(data)


def test_offsets_point_at_the_line_in_the_file() -> None:
    data = b"one\n\ntwo\r\nthree\n"
    for raw, offset, _ in split(data):
        assert data[offset : offset + len(raw)] == raw


def test_an_overlong_line_is_cut_but_offsets_stay_exact() -> None:
    splitter = LineSplitter(max_line_bytes=10)
    data = b"a" * 50 + b"\nshort\n"
    lines = []
    for start in range(0, len(data), 7):  # the long line arrives in pieces
        lines += list(splitter.feed(data[start : start + 7]))
    assert [(len(line.raw), line.offset) for line in lines] == [(11, 0), (5, 51)]
    assert splitter.consumed == len(data)


def test_batches_are_bounded_and_record_where_they_end() -> None:
    data = b"".join(b'{"n":%d}\n' % i for i in range(25))
    stream = io.BytesIO(data)
    batches = list(read_batches(stream, LineSplitter(), Limits(lines=10, bytes=1 << 20)))
    assert [len(b.lines) for b in batches] == [10, 10, 5]
    assert batches[-1].end_offset == len(data)
    assert [b.end_line_no for b in batches] == [10, 20, 25]
    by_bytes = list(read_batches(io.BytesIO(data), LineSplitter(), Limits(lines=100, bytes=30)))
    longest = max(len(line) for line in data.split(b"\n"))
    assert all(sum(len(line.raw) for line in b.lines) < 30 + longest for b in by_bytes)
    assert len(by_bytes) > 5
    assert sum(len(b.lines) for b in by_bytes) == 25


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(
        st.sampled_from([b"{}", b"x", b"\n", b"\r\n", b" ", b'{"k":"v"}']), max_size=60
    ).map(b"".join),
    lines=st.integers(min_value=1, max_value=5),
)
def test_a_batch_ends_where_the_next_one_resumes(data: bytes, lines: int) -> None:
    """Each batch's end (what a checkpoint records) is past its last line and before the next
    batch's first, with only blank lines between: resuming there skips nothing, repeats
    nothing. Several batches end inside one chunk read."""
    batches = list(read_batches(io.BytesIO(data), LineSplitter(), Limits(lines=lines)))
    assert [line for b in batches for line in b.lines] == [
        line for b in read_batches(io.BytesIO(data), LineSplitter(), Limits()) for line in b.lines
    ]
    for batch, after in pairwise(batches):
        last, first = batch.lines[-1], after.lines[0]
        assert last.offset + len(last.raw) < batch.end_offset <= first.offset
        assert not data[batch.end_offset : first.offset].strip()
        assert last.line_no <= batch.end_line_no < first.line_no
        resumed = LineSplitter(batch.end_offset, batch.end_line_no).feed(
            data[batch.end_offset :] + b"\n"
        )
        assert resumed[0] == first
    if batches:  # after the last batch, at most blank lines are left
        assert not data[batches[-1].end_offset :].strip()


def test_gzip_is_detected_by_content_and_read_at_an_offset(tmp_path: Path) -> None:
    data = b"".join(b'{"n":%d}\n' % i for i in range(100))
    plain = tmp_path / "eve.json"
    plain.write_bytes(data)
    packed = tmp_path / "eve-no-suffix"
    packed.write_bytes(gzip.compress(data))
    one, two = open_file(plain, 1 << 20), open_file(packed, 1 << 20)
    try:
        assert (one.compressed, two.compressed) == (False, True)
        assert one.identity != two.identity  # another inode
        assert one.identity and two.identity
        assert one.identity.split(":")[2] == two.identity.split(":")[2]  # same first line
        offset = data.index(b'{"n":50}')
        two.seek(offset)
        lines = [
            line
            for batch in read_batches(two.stream, LineSplitter(offset, 50), Limits())
            for line in batch.lines
        ]
        assert lines[0].raw == b'{"n":50}'
        assert (lines[0].offset, lines[0].line_no) == (offset, 51)
        assert len(lines) == 50
    finally:
        one.close()
        two.close()


def test_an_empty_file_has_no_identity(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    opened = open_file(empty, 1 << 20)
    opened.close()
    assert opened.identity is None


def test_a_live_stream_hands_on_batches_before_it_ends() -> None:
    read_end, write_end = os.pipe()
    first_seen = threading.Event()
    waited: list[bool] = []

    def producer() -> None:
        with open(write_end, "wb", buffering=0) as out:
            out.write(b'{"n":1}\n{"n":2}\n{"n":3}\n')
            waited.append(first_seen.wait(60))  # only a batch handed on early sets it
            out.write(b'{"n":4}\n{"n":5}')

    thread = threading.Thread(target=producer)
    thread.start()
    sizes = []
    with open(read_end, "rb") as stream:
        for batch in read_live_batches(stream, LineSplitter(), Limits(), flush_s=0.05):
            sizes.append(len(batch.lines))
            first_seen.set()
    thread.join()
    assert waited == [True]
    assert sizes == [3, 2]
