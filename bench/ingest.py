"""Ingest speed: the full pipeline vs the engine inserting the same EVE file by itself.

    .venv/bin/python bench/ingest.py                 # 1,000,000 generated lines
    .venv/bin/python bench/ingest.py --lines 200000  # quicker
    .venv/bin/python bench/ingest.py --file eve.json # your own EVE file

In one run, on a fresh embedded engine migrated exactly as in production:
(a) the file ingested as `sightline ingest` does it (`ingestion.ingest_file`: read, split,
    parse, normalize, enrich, insert, checkpoint, in batches; each batch staged on a second
    client while the one before is stored, unless `--one-at-a-time`): what ingest itself
    costs (nothing else runs inside the insert of `events`);
(a') the same with host insights on, as deployed: a worker thread on its own connection rolls
    each stored batch up (`hosts.rollup.roll_up_pending`) while ingest goes on; printed are
    the ingest rate and the rate until the rollup has caught up too, each with its cost
    against (a) (the floor of issue #4: host insights may cost ingest at most 30 %);
(a'') the same, each batch rolled up on the ingest's own connection right after it is stored
    (the rollup's work counted as if it ran on the ingest's core: the pessimistic bound);
(b) the engine alone: `INSERT INTO events_baseline FORMAT JSONEachRow` of the same bytes,
    streamed with `client.raw_insert` (same columns and types as `events`,
    `input_format_skip_unknown_fields=1`).
Before each phase the engine finishes the merges the one before left running. (b) runs
last, so the peak RSS printed after each (a) is the pipeline's own. Prints events/s,
the ratios to (b) and the peak RSS of the process. Floors:
ratio >= 0.6 (pipeline itself), peak RSS of the pipeline <= 1 GiB.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import eve_generator  # bench/eve_generator.py, beside this script
from rollup_worker import rolling_up  # bench/rollup_worker.py

from services.core import clickhouse, migrate
from services.core.clickhouse import Client
from services.hosts import rollup
from services.ingest.ingestion import Progress, ingest_file
from services.ingest.networks import NetworkMap
from services.ingest.sources import Limits

CREATE_BASELINE = """
    CREATE TABLE events_baseline AS events
    ENGINE = MergeTree PARTITION BY toYYYYMMDD(ts) ORDER BY (tenant, event_type, ts)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--file", type=Path, help="EVE file to ingest (default: generate)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines to generate")
    parser.add_argument("--batch", type=int, default=50_000, help="lines per batch")
    parser.add_argument(
        "--phases",
        default="alone,worker,serial",
        help="pipeline phases to run, of alone (a), worker (a'), serial (a'')",
    )
    parser.add_argument(
        "--one-at-a-time",
        action="store_true",
        help="no staging ahead: each batch read, staged and stored before the next",
    )
    parser.add_argument("--data-dir", type=Path, help="engine data directory (default: temp)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(
        prefix="sightline-bench-", ignore_cleanup_errors=True
    ) as scratch:
        data_dir = args.data_dir or Path(scratch) / "chdb"
        path = args.file or Path(scratch) / "eve.json"
        if args.file is None:
            started = time.perf_counter()
            with path.open("wb") as out:
                for line in eve_generator.eve_lines(args.lines):
                    out.write(line + b"\n")
            print(f"generated {args.lines:,} lines in {time.perf_counter() - started:.1f} s")
        print(f"file: {path} ({path.stat().st_size / 1e6:.0f} MB)")
        ch = clickhouse.connect(f"chdb://{data_dir}")
        migrate.migrate(ch)
        ch.command(CREATE_BASELINE)
        # the second client `sightline ingest` stages each batch on while one is stored
        ahead = None if args.one_at_a_time else clickhouse.connect(f"chdb://{data_dir}")

        # the pipeline first, so each peak RSS below is its own: the baseline's JSONEachRow
        # insert of the whole file takes ~2 GiB of engine memory at 1M lines by itself
        phases = args.phases.split(",")
        rates: dict[str, float] = {}
        alone = None
        if "alone" in phases:
            alone, accepted = run_pipeline(ch, ahead, "alone", path, args.batch)
            rates["pipeline (floor 0.60)"] = alone
            print(f"(a) pipeline: {accepted:,} events at {alone:,.0f} events/s")
            print(f"    peak RSS so far: {peak_mib():,.0f} MiB  (floor 1024 MiB)")
        if "worker" in phases:
            settle(ch)
            roller = clickhouse.connect(f"chdb://{data_dir}")  # the worker's own connection
            ingest, caught_up, accepted = run_with_worker(ch, ahead, roller, path, args.batch)
            roller.close()
            rates["pipeline with a rollup worker"] = ingest
            print(f"(a') pipeline, a worker rolling up meanwhile: {accepted:,} events")
            print(f"    ingest {ingest:,.0f} events/s{cost(ingest, alone)}")
            print(f"    until rolled up too {caught_up:,.0f} events/s{cost(caught_up, alone)}")
            print(f"    peak RSS so far: {peak_mib():,.0f} MiB  (floor 1024 MiB)")
        if "serial" in phases:
            settle(ch)
            rate, accepted = run_pipeline(ch, ahead, "serial", path, args.batch, roll_up=ch)
            rates["pipeline + host rollup, one core"] = rate
            print(f"(a'') pipeline + host rollup on one connection: {accepted:,} events")
            print(f"    {rate:,.0f} events/s{cost(rate, alone)}")
            print(f"    peak RSS so far: {peak_mib():,.0f} MiB  (floor 1024 MiB)")
        settle(ch)
        baseline, stored = run_baseline(ch, path)
        print(f"(b) engine JSONEachRow: {stored:,} rows at {baseline:,.0f} rows/s")
        print(f"    peak RSS so far: {peak_mib():,.0f} MiB")
        for label, rate in rates.items():
            print(f"ratio (a)/(b), {label}: {rate / baseline:.2f}")
        ch.close()
        if ahead is not None:
            ahead.close()
        print(f"peak RSS: {peak_mib():,.0f} MiB (whole run)")
    return 0


def peak_mib() -> float:
    """The peak RSS of this process so far (the phases above each report theirs)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def settle(ch: Client, limit_s: float = 120) -> None:
    """Wait until the engine runs no merge, so that no phase pays for the parts of the one
    before it."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if not ch.query("SELECT count() FROM system.merges").result_rows[0][0]:
            return
        time.sleep(0.2)


def cost(rate: float, alone: float | None) -> str:
    """What host insights cost against the pipeline alone, when (a) ran."""
    return f" (cost {100 * (1 - rate / alone):.0f} % against (a))" if alone else ""


def run_pipeline(
    ch: Client,
    ahead: Client | None,
    tenant: str,
    path: Path,
    batch_size: int,
    roll_up: Client | None = None,
) -> tuple[float, int]:
    """Ingest the file as `tenant` the way `sightline ingest` does: read, staged ahead on
    `ahead` (None: one batch after the other), stored, checkpointed. With `roll_up`, each batch
    is then rolled up on it."""

    def roll_up_batch(_progress: Progress) -> None:
        if roll_up is not None:
            rollup.roll_up_pending(roll_up, tenant)

    started = time.perf_counter()
    summary = ingest_file(
        ch,
        tenant,
        path,
        networks=NetworkMap.default(),
        limits=Limits(lines=batch_size),
        progress=roll_up_batch,
        ahead=ahead,
    )
    elapsed = time.perf_counter() - started
    return summary.accepted / elapsed, summary.accepted


def run_with_worker(
    ch: Client, ahead: Client | None, roller: Client, path: Path, batch_size: int
) -> tuple[float, float, int]:
    """Ingest while a worker thread rolls up what is stored, as the deployed worker does;
    (ingest rate, rate until the rollup has caught up, events)."""
    tenant = "worker"
    started = time.perf_counter()
    with rolling_up(roller, tenant):
        rate, accepted = run_pipeline(ch, ahead, tenant, path, batch_size)
    return rate, accepted / (time.perf_counter() - started), accepted


def run_baseline(ch: Client, path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with path.open("rb") as source:
        ch.raw_insert(
            "events_baseline",
            None,
            source,
            settings={"input_format_skip_unknown_fields": 1},
            fmt="JSONEachRow",
        )
    elapsed = time.perf_counter() - started
    stored = int(ch.query("SELECT count() FROM events_baseline").result_rows[0][0])
    return stored / elapsed, stored


if __name__ == "__main__":
    raise SystemExit(main())
