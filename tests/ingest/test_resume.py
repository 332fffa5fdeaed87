"""Exactly once across restarts: a file ingest stopped at any point and started again stores
every line once — in-process (a crash between a batch's insert and its checkpoint) and as a
real `sightline ingest` process killed with SIGKILL."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from services.core import clickhouse
from services.core.clickhouse import Client
from services.ingest import checkpoints, store
from services.ingest.ingestion import Ingestor, Progress, ProgressFn, ingest_file
from services.ingest.networks import NetworkMap
from services.ingest.pipeline import Line, Pipeline
from services.ingest.sources import Limits, open_file
from tests.ingest.eve_samples import dns_line, stats_line, write_lines

ROOT = Path(__file__).resolve().parents[2]
TENANT = "acme"


class Crash(Exception):
    """Stands for a kill right after a batch was stored, before its checkpoint."""


def crash_after(batches: int) -> ProgressFn:
    def progress(report: Progress) -> None:
        if report.summary.batches >= batches:
            raise Crash

    return progress


def stored(ch: Client, source: str) -> tuple[int, int]:
    rows = ch.query(
        "SELECT count(), uniqExact(source_offset) FROM events "
        "WHERE tenant = {t:String} AND source = {s:String}",
        parameters={"t": TENANT, "s": source},
    ).result_rows
    return int(rows[0][0]), int(rows[0][1])


@pytest.fixture
def ahead(ch: Client, engine_dir: Path) -> Iterator[Client]:
    """A second client of the test engine, to stage batches ahead on."""
    second = clickhouse.connect(f"chdb://{engine_dir}")
    yield second
    second.close()


def staged_tables(ch: Client) -> int:
    """Per-batch staging tables left in the engine, once a staged batch's drop has run."""
    deadline = time.monotonic() + 10
    while True:
        count = int(
            ch.query(
                "SELECT count() FROM system.tables "
                "WHERE database = currentDatabase() AND name LIKE 'ingest\\_%\\_%'"
                " AND match(name, '_[0-9a-f]{32}$')"
            ).result_rows[0][0]
        )
        if count == 0 or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


@pytest.mark.parametrize("staging_ahead", [False, True], ids=["one-at-a-time", "ahead"])
@pytest.mark.parametrize("compressed", [False, True])
def test_a_batch_stored_but_not_checkpointed_is_not_stored_twice(
    ch: Client, ahead: Client, tmp_path: Path, compressed: bool, staging_ahead: bool
) -> None:
    """Also while each batch is staged on a second client as the one before is stored: the
    batch staged when the run dies is dropped, never stored, and read again on resume."""
    second = ahead if staging_ahead else None
    path = write_lines(tmp_path / "eve.json", 1000)
    if compressed:
        path = tmp_path / "eve.json.gz"
        path.write_bytes(gzip.compress((tmp_path / "eve.json").read_bytes()))
    limits = Limits(lines=300)
    ingestor = Ingestor(ch, TENANT, limits=limits, progress=crash_after(2), ahead=second)
    with pytest.raises(Crash):
        ingestor.file(path, "eve")
    assert stored(ch, "eve") == (600, 600)
    assert staged_tables(ch) == 0  # batch 3, staged ahead, was dropped

    summary = ingest_file(ch, TENANT, path, source="eve", limits=limits, ahead=second)
    assert summary.skipped == 300  # batch 2: stored, not confirmed
    assert summary.accepted == 400
    assert summary.batches == 2
    assert stored(ch, "eve") == (1000, 1000)
    assert ingest_file(ch, TENANT, path, source="eve", ahead=second).accepted == 0
    assert staged_tables(ch) == 0


def test_staging_ahead_stores_the_batches_in_order(
    ch: Client, ahead: Client, tmp_path: Path
) -> None:
    """Batches staged ahead are stored in the file's order, each checkpointed after it."""
    path = write_lines(tmp_path / "eve.json", 1000)
    ends: list[int] = []

    def progress(report: Progress) -> None:
        ends.append(report.offset)

    summary = ingest_file(
        ch, TENANT, path, source="eve", limits=Limits(lines=150), ahead=ahead, progress=progress
    )
    assert (summary.accepted, summary.batches) == (1000, 7)
    assert ends == sorted(ends) and ends[-1] == path.stat().st_size
    rows = ch.query(
        "SELECT ingest_batch, min(source_offset), max(source_offset) FROM events "
        "WHERE tenant = {t:String} GROUP BY ingest_batch ORDER BY min(ingested_at)",
        parameters={"t": TENANT},
    ).result_rows
    spans = [(int(low), int(high)) for _batch, low, high in rows]
    assert spans == sorted(spans) and len(spans) == 7
    assert all(high < low for (_, high), (low, _) in pairwise(spans))


def test_lines_of_a_partly_stored_batch_are_each_stored_once(ch: Client, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "eve.json", 100)
    with (tmp_path / "eve.json").open("ab") as handle:
        handle.write(b"not json\n" + stats_line() + b"\n")
    opened = open_file(path, 1 << 20)
    assert opened.identity is not None
    opened.close()
    # A previous run wrote its first checkpoint, then some rows of a batch made it (events,
    # rejects and stats are separate inserts) before it died.
    checkpoints.resume_point(ch, TENANT, "eve", opened.identity)
    data = path.read_bytes()
    lines, offset = [], 0
    for number, raw in enumerate(data.split(b"\n")[:-1], start=1):
        lines.append(Line(raw=raw, offset=offset, line_no=number))
        offset += len(raw) + 1
    Pipeline(ch, TENANT, "eve", NetworkMap.default()).ingest(lines[10:20] + lines[100:])

    summary = ingest_file(ch, TENANT, path, source="eve")
    assert (summary.skipped, summary.accepted, summary.rejected) == (12, 90, 0)
    assert stored(ch, "eve") == (100, 100)
    rejects = ch.query("SELECT count() FROM ingest_rejects WHERE source = 'eve'").result_rows
    assert rejects == [(1,)]
    stats = ch.query("SELECT count() FROM sensor_stats WHERE source = 'eve'").result_rows
    assert stats == [(1,)]


def test_a_replaced_file_at_the_same_path_is_read_from_the_start(
    ch: Client, tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "eve.json", 50)
    ingest_file(ch, TENANT, path, source="eve")
    path.unlink()
    path.write_bytes(b"".join(dns_line(i) + b"\n" for i in range(1000, 1030)))
    summary = ingest_file(ch, TENANT, path, source="eve")
    assert (summary.accepted, summary.skipped) == (30, 0)
    assert stored(ch, "eve")[0] == 80
    identities = {row["identity"] for row in store.checkpoints(ch, TENANT, 10)}
    assert len(identities) == 2


def test_a_checkpoint_past_the_end_starts_again(ch: Client, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "eve.json", 20)
    ingest_file(ch, TENANT, path, source="eve")
    opened = open_file(path, 1 << 20)
    identity = opened.identity
    opened.close()
    assert identity is not None
    checkpoints.save(ch, TENANT, "eve", identity, path.stat().st_size * 2, 40)
    point = checkpoints.resume_point(ch, TENANT, "eve", identity, path.stat().st_size)
    assert point.offset == 0


# -- a real process, killed --------------------------------------------------------------------

VERIFY = """
import json, sys
from services.core import clickhouse
ch = clickhouse.connect("chdb://" + sys.argv[1])
events = ch.query("SELECT count(), uniqExact(source_offset) FROM events").result_rows[0]
rejects = ch.query("SELECT count(), uniqExact(source_offset) FROM ingest_rejects").result_rows[0]
stats = ch.query("SELECT count(), uniqExact(source_offset) FROM sensor_stats").result_rows[0]
print(json.dumps({"events": list(events), "rejects": list(rejects), "stats": list(stats)}))
"""


def sightline(*args: str) -> list[str]:
    """`sightline ingest ...` as `python -m services.ingest.cli ...`: the same `run`, without
    importing every service at start (test_cli.py covers the `sightline` dispatch)."""
    assert args[0] == "ingest"
    return [sys.executable, "-m", "services.ingest.cli", *args[1:]]


def run_until_killed(command: list[str], after_batches: int) -> int:
    """Start `command`, SIGKILL it once it reported `after_batches` batches; its last offset."""
    offset = -1
    with subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True) as process:
        assert process.stderr is not None
        for text in process.stderr:
            if not text.startswith("{"):
                continue
            report = json.loads(text)
            offset = report["offset"]
            if report["batches"] >= after_batches:
                os.kill(process.pid, signal.SIGKILL)
                break
        process.kill()
    assert process.returncode == -signal.SIGKILL, "the ingest ended before it could be killed"
    return offset


@pytest.mark.slow
def test_sigkilled_ingest_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    lines = 6_000
    path = tmp_path / "eve.json"
    with path.open("wb") as handle:
        for index in range(lines):
            if index % 1000 == 999:
                handle.write(b"garbage %d\n" % index)
            elif index % 1000 == 500:
                handle.write(stats_line(uptime=index) + b"\n")
            else:
                handle.write(dns_line(index) + b"\n")
    data_dir = tmp_path / "data"
    command = sightline(
        "ingest", str(path), "--data-dir", str(data_dir), "--json-progress", "--batch-lines", "400"
    )
    first = run_until_killed(command, after_batches=random.randint(2, 4))
    second = run_until_killed(command, after_batches=random.randint(1, 3))
    assert 0 < first < path.stat().st_size
    assert second < path.stat().st_size

    done = subprocess.run(
        [*command, "--json"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    summary = json.loads(done.stdout)
    assert summary["accepted"] + summary["rejected"] > 0

    verify = subprocess.run(
        [sys.executable, "-c", VERIFY, str(data_dir / "clickhouse")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    counts = json.loads(verify.stdout)
    assert counts["events"] == [lines - 12, lines - 12]
    assert counts["rejects"] == [6, 6]
    assert counts["stats"] == [6, 6]
