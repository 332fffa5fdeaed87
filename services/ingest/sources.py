"""Reading EVE lines from files (plain or gzip), stdin and request bodies, in bounded batches.

- Lines are split on `\\n`; a trailing `\\r` is dropped (`\\r\\n` files read the same); blank lines
  are skipped (they are not rejects) but still counted, so line numbers match an editor's.
- A final line without a newline is a line when the stream is over (`final=True`); a follower
  (`follow.py`) instead waits for its newline.
- A live stream (stdin from `tail -F` or ssh) is stored as it comes: `read_live_batches` hands
  on a batch that is a second old even if it is not full.
- `Line.offset` is the byte offset of the line's start in the (decompressed) stream, and a
  `Batch` says where the stream was consumed up to, which is what a checkpoint records.
- Memory stays flat whatever the input: batches are bounded in lines and bytes, and a line
  longer than `max_line_bytes` is not buffered whole — its first `max_line_bytes + 1` bytes are
  kept (the pipeline rejects it as too long) and the rest is counted and dropped.
- gzip is detected by its magic bytes, not by the file name.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import select
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, count
from pathlib import Path
from typing import BinaryIO, cast

from services.ingest.pipeline import Line

GZIP_MAGIC = b"\x1f\x8b"
READ_SIZE = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Bounds of one batch, and of one line. A batch is parsed in the engine in one go: fewer,
    larger batches mean fewer fixed costs and fewer parts to merge (docs/PERFORMANCE.md); the
    defaults hold 50,000 typical EVE lines and keep an ingest process under 1 GiB."""

    lines: int = 50_000
    bytes: int = 32 << 20
    line_bytes: int = 1 << 20


@dataclass(frozen=True)
class Batch:
    lines: list[Line]
    end_offset: int  # stream position after the last consumed byte of this batch
    end_line_no: int  # number of the last line consumed (blank lines count)


class LineSplitter:
    """Turns a byte stream fed in chunks into `Line`s, tracking offsets and line numbers."""

    def __init__(self, offset: int = 0, line_no: int = 0, max_line_bytes: int = 1 << 20) -> None:
        self.consumed = offset  # position after the last complete line (or skipped blank line)
        self.line_no = line_no
        self._cap = max_line_bytes + 1
        self._pending = bytearray()
        self._pending_len = 0  # true length of the partial line, dropped bytes included

    @property
    def has_partial(self) -> bool:
        return self._pending_len > 0

    def feed(self, data: bytes) -> list[Line]:
        """The lines that `data` completes, in order. The complete lines of a chunk are split
        in bulk (`bytes.split`, offsets by a running sum): per line, this costs a tenth of
        finding each newline in Python."""
        lines: list[Line] = []
        start = 0
        if self._pending_len:  # the end of a line the chunks before began
            end = data.find(b"\n")
            if end < 0:
                self._hold(data, 0, len(data))
                return lines
            line = self._complete(data, 0, end, end + 1)
            if line is not None:
                lines.append(line)
            start = end + 1
        last = data.rfind(b"\n")
        if last >= start:
            lines += self._split(data[start:last])
            start = last + 1
        if start < len(data):
            self._hold(data, start, len(data))
        return lines

    def _split(self, whole: bytes) -> list[Line]:
        """The lines of `whole`: complete lines, newlines between them, none after the last."""
        pieces = whole.split(b"\n")
        offsets = accumulate((len(piece) + 1 for piece in pieces), initial=self.consumed)
        numbers = count(self.line_no + 1)
        self.consumed += len(whole) + 1
        self.line_no += len(pieces)
        if b"\r" in whole or max(map(len, pieces)) >= self._cap:
            pieces = [self._trimmed(piece) for piece in pieces]
        return [
            Line(piece, offset, number)
            # `offsets` ends with the end of the last piece, `numbers` does not end
            for piece, offset, number in zip(pieces, offsets, numbers, strict=False)
            if piece.strip()
        ]

    def _trimmed(self, raw: bytes) -> bytes:
        """A line as stored: its first `max_line_bytes + 1` bytes (the pipeline rejects it as
        too long), without a trailing `\r`."""
        raw = raw[: self._cap]
        return raw[:-1] if raw.endswith(b"\r") else raw

    def finish(self) -> Iterator[Line]:
        """The final line of a stream that does not end with a newline."""
        if self._pending_len:
            line = self._complete(b"", 0, 0, 0)
            if line is not None:
                yield line

    def _hold(self, data: bytes, start: int, end: int) -> None:
        room = self._cap - len(self._pending)
        if room > 0:
            self._pending += data[start : min(end, start + room)]
        self._pending_len += end - start

    def _complete(self, data: bytes, start: int, end: int, consumed: int) -> Line | None:
        """The held line, completed by `data[start:end]` (`consumed` bytes with the newline)."""
        self._hold(data, start, end)
        raw = self._trimmed(bytes(self._pending))
        length = self._pending_len + (consumed - (end - start))
        self._pending = bytearray()
        self._pending_len = 0
        offset = self.consumed
        self.consumed += length
        self.line_no += 1
        if not raw.strip():
            return None
        return Line(raw=raw, offset=offset, line_no=self.line_no)


def ends_before(splitter: LineSplitter, fed: list[Line], index: int) -> tuple[int, int]:
    """Where a batch that ends before `fed[index]` ends (stream offset, last line number): at
    the start of that line, or, past the last line `feed` gave, where the splitter stands (the
    blank lines in between belong to the batch)."""
    if index < len(fed):
        return fed[index].offset, fed[index].line_no - 1
    return splitter.consumed, splitter.line_no


def read_batches(
    stream: BinaryIO, splitter: LineSplitter, limits: Limits, final: bool = True
) -> Iterator[Batch]:
    """Batches of the lines of `stream` read to its current end.

    With `final`, a last line without a newline is included; otherwise it stays in the splitter
    for the next call (a follower calls again when the file has grown).
    """
    lines: list[Line] = []
    size = 0
    while chunk := stream.read(READ_SIZE):
        fed = splitter.feed(chunk)
        for index, line in enumerate(fed, start=1):
            lines.append(line)
            size += len(line.raw)
            if len(lines) >= limits.lines or size >= limits.bytes:
                yield Batch(lines, *ends_before(splitter, fed, index))
                lines, size = [], 0
    if final:
        lines.extend(splitter.finish())
    if lines:
        yield Batch(lines, splitter.consumed, splitter.line_no)


def read_live_batches(
    stream: BinaryIO, splitter: LineSplitter, limits: Limits, flush_s: float = 1.0
) -> Iterator[Batch]:
    """Batches of a live stream (stdin fed by `tail -F` or ssh) until it ends.

    Like `read_batches`, but a batch is handed on once its first line is `flush_s` old, even
    if it is not full, so a trickle of events is stored as it comes rather than at the end."""
    fd = stream.fileno()
    lines: list[Line] = []
    size = 0
    since = 0.0
    while True:
        if lines:
            wait = flush_s - (time.monotonic() - since)
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                yield Batch(lines, splitter.consumed, splitter.line_no)
                lines, size = [], 0
                continue
        chunk = os.read(fd, READ_SIZE)
        if not chunk:
            break
        fed = splitter.feed(chunk)
        for index, line in enumerate(fed, start=1):
            if not lines:
                since = time.monotonic()
            lines.append(line)
            size += len(line.raw)
            if len(lines) >= limits.lines or size >= limits.bytes:
                yield Batch(lines, *ends_before(splitter, fed, index))
                lines, size = [], 0
    lines.extend(splitter.finish())
    if lines:
        yield Batch(lines, splitter.consumed, splitter.line_no)


@dataclass
class OpenFile:
    """A file opened for ingest: its (decompressed) stream, stat and identity."""

    handle: BinaryIO
    stream: BinaryIO  # `handle` itself, or a gzip reader over it
    stat: os.stat_result
    identity: str | None  # None while the file has no complete first line

    @property
    def compressed(self) -> bool:
        return self.stream is not self.handle

    @property
    def size(self) -> int | None:
        """The stream size where it is known without reading it all (not for gzip)."""
        return None if self.compressed else self.stat.st_size

    def seek(self, offset: int) -> None:
        """Position the stream at `offset`: a seek, or for gzip a read-and-discard from 0."""
        if not self.compressed:
            self.stream.seek(offset)
            return
        self.stream.seek(0)
        remaining = offset
        while remaining > 0:
            chunk = self.stream.read(min(READ_SIZE, remaining))
            if not chunk:
                raise EOFError(f"the stream ends before offset {offset}")
            remaining -= len(chunk)

    def close(self) -> None:
        self.stream.close()
        self.handle.close()


def open_file(path: Path, max_line_bytes: int) -> OpenFile:
    """`path` opened for reading at offset 0, decompressed if it is gzip (by magic bytes), to be
    read to its end (a follower uses `follow.open_generation`)."""
    handle = path.open("rb")
    stat = os.fstat(handle.fileno())
    compressed = handle.read(2) == GZIP_MAGIC
    handle.seek(0)
    stream = cast(BinaryIO, gzip.GzipFile(fileobj=handle, mode="rb")) if compressed else handle
    head = first_line(stream, max_line_bytes, final=True)
    stream.seek(0)
    return OpenFile(handle, stream, stat, None if head is None else identity(stat, head))


def first_line(stream: BinaryIO, max_bytes: int, final: bool = False) -> bytes | None:
    """The first complete line (with its newline) of a stream at position 0, or None.

    With `final` (the stream will not grow) a first line without newline counts too."""
    data = b""
    while len(data) <= max_bytes:
        chunk = stream.read(min(READ_SIZE, max_bytes + 1 - len(data)))
        if not chunk:
            return data if final and data else None
        data += chunk
        end = data.find(b"\n")
        if end >= 0:
            return data[: end + 1]
    return data  # a first line longer than the limit: its head identifies the file well enough


def identity(stat: os.stat_result, head: bytes) -> str:
    """Who a file is: device, inode and a hash of its first line (a rotated or replaced file
    at the same path gets a new identity; a renamed one keeps its own)."""
    digest = hashlib.sha256(head).hexdigest()[:16]
    return f"{stat.st_dev}:{stat.st_ino}:{digest}"
