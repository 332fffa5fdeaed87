"""Tailing a growing `eve.json` across rotations (`sightline ingest --follow`).

A followed path is read as a series of generations: each is one file (one device/inode) read
through its open descriptor. A generation ends when

- the file was rotated (renamed away, or the path now names another inode): the old file is
  read on until its writer has moved on — the new file exists and has data — and then to its
  end, including a last line without newline; or
- the file was truncated in place (copytruncate): its size went below our position.

The caller then opens the next generation. A partial last line of a live file waits for its
newline. Identities (`sources.identity`) tell generations apart, so each has its own checkpoint.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from services.ingest.sources import Batch, Limits, LineSplitter, first_line, identity, read_batches

POLL_SECONDS = 1.0  # at most one batch (a few inserts) a second from a trickle


@dataclass
class Generation:
    path: Path
    handle: BinaryIO
    stat: os.stat_result
    identity: str

    def size(self) -> int:
        return os.fstat(self.handle.fileno()).st_size

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> Generation:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_generation(
    path: Path, stop: threading.Event, max_line_bytes: int, poll: float = POLL_SECONDS
) -> Generation | None:
    """The file at `path` once it has a complete first line (None if `stop` is set first)."""
    while not stop.is_set():
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            stop.wait(poll)
            continue
        stat = os.fstat(handle.fileno())
        head = first_line(handle, max_line_bytes)
        if head is not None:
            return Generation(path, handle, stat, identity(stat, head))
        handle.close()
        stop.wait(poll)
    return None


def _rotated(path: Path, stat: os.stat_result) -> tuple[bool, bool]:
    """(whether `path` no longer names the file of `stat`, whether the path's file has data)."""
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return True, False
    moved = (now.st_dev, now.st_ino) != (stat.st_dev, stat.st_ino)
    return moved, moved and now.st_size > 0


def batches(
    generation: Generation,
    offset: int,
    line_no: int,
    limits: Limits,
    stop: threading.Event,
    poll: float = POLL_SECONDS,
) -> Iterator[Batch]:
    """Batches of one generation from `offset` on, as the file grows, until it is rotated or
    truncated (then the caller opens the next generation) or `stop` is set."""
    handle = generation.handle
    handle.seek(offset)
    splitter = LineSplitter(offset, line_no, limits.line_bytes)
    while True:
        got = False
        for batch in read_batches(handle, splitter, limits, final=False):
            got = True
            yield batch
        if stop.is_set():
            return
        moved, successor_has_data = _rotated(generation.path, generation.stat)
        if moved and successor_has_data and not got:
            # The writer has moved on: what is left of the old file is its last words.
            yield from read_batches(handle, splitter, limits, final=True)
            return
        if not moved and generation.size() < handle.tell():
            return  # truncated in place: a new generation starts at 0
        if not got:
            stop.wait(poll)


def rotated_siblings(path: Path) -> list[Path]:
    """Files next to `path` named like its rotations (`eve.json.1`, `eve.json-20261130`)."""
    if not path.parent.is_dir():
        return []
    return sorted(
        p
        for p in path.parent.iterdir()
        if p.name != path.name and p.name.startswith(path.name) and p.is_file()
    )
