"""`--follow`: a growing eve.json tailed across rename rotation and copytruncate, in a thread
with a stop event, into the real engine: every line stored once; a restart finishes a file that
was rotated away while the follower was down."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from services.core.clickhouse import Client
from services.ingest.ingestion import Ingestor, IngestSummary
from services.ingest.sources import Limits
from tests.ingest.eve_samples import dns_line, write_lines

TENANT = "acme"


def counts(ch: Client) -> tuple[int, int]:
    rows = ch.query(
        "SELECT count(), uniqExact(raw) FROM events WHERE tenant = 'acme' AND source = 'eve'"
    ).result_rows
    return int(rows[0][0]), int(rows[0][1])


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@contextmanager
def following(ch: Client, path: Path) -> Iterator[IngestSummary]:
    stop = threading.Event()
    ingestor = Ingestor(ch, TENANT, limits=Limits(lines=40))
    thread = threading.Thread(target=ingestor.follow, args=(path, stop, "eve"), daemon=True)
    thread.start()
    try:
        yield ingestor.summary
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not thread.is_alive()


def stored(ch: Client, expected: int) -> Callable[[], bool]:
    return lambda: counts(ch)[0] >= expected


def test_follow_reads_across_rotation_and_truncation_once(ch: Client, tmp_path: Path) -> None:
    path = tmp_path / "eve.json"
    write_lines(path, 100)
    with path.open("ab") as handle:
        handle.write(dns_line(100)[:30])  # a line still being written
    with following(ch, path):
        wait_for(stored(ch, 100), "the first 100 lines")
        with path.open("ab") as handle:
            handle.write(dns_line(100)[30:] + b"\n")
        write_lines(path, 20, start=101)
        wait_for(stored(ch, 121), "the completed line and 20 more")

        rotated = tmp_path / "eve.json.1"
        path.rename(rotated)
        write_lines(rotated, 30, start=121)  # the writer has not reopened yet
        write_lines(path, 40, start=151)  # now it has
        wait_for(stored(ch, 191), "the end of the rotated file and the new file")

        path.write_bytes(b"")  # copytruncate
        write_lines(path, 10, start=191)
        wait_for(stored(ch, 201), "the lines after the truncation")
    assert counts(ch) == (201, 201)
    assert ch.query("SELECT count() FROM ingest_rejects").result_rows == [(0,)]


def test_a_restart_finishes_a_file_rotated_while_down(ch: Client, tmp_path: Path) -> None:
    path = tmp_path / "eve.json"
    write_lines(path, 30)
    with following(ch, path):
        wait_for(stored(ch, 30), "the first lines")
    write_lines(path, 5, start=30)  # written while the follower is down ...
    path.rename(tmp_path / "eve.json.1")  # ... then rotated away
    write_lines(path, 3, start=35)
    with following(ch, path):
        wait_for(stored(ch, 38), "the rotated file's tail and the new file")
    assert counts(ch) == (38, 38)
