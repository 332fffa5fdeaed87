"""What the ingest I/O adds around the pipeline: reading, batching, checkpoints, dispatch records.

    .venv/bin/python bench/ingest_io.py                  # 200,000 generated lines
    .venv/bin/python bench/ingest_io.py --lines 50000

In one run, on a fresh embedded engine migrated as in production, over the same generated EVE
file: (a) line splitting alone (`sources.read_batches`, no engine); (b) `Pipeline.ingest` over
lines already in memory; (c) `ingestion.ingest_file` (the file read, split, stored, checkpointed
after each batch, dispatch recorded). Prints lines/s of each, the ratio (c)/(b) — the cost of
the I/O around the pipeline — and the peak RSS of (c), which stays flat whatever the file
size (batches are bounded).
"""

from __future__ import annotations

import argparse
import io
import resource
import tempfile
import time
from pathlib import Path

import eve_generator  # bench/eve_generator.py, beside this script

from services.core import clickhouse, migrate
from services.ingest.ingestion import ingest_file
from services.ingest.networks import NetworkMap
from services.ingest.pipeline import Pipeline
from services.ingest.sources import Limits, LineSplitter, read_batches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000, help="lines to generate")
    parser.add_argument("--batch-lines", type=int, default=50_000, help="lines a batch")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sightline-bench-io-"))
    path = work / "eve.json"
    with path.open("wb") as handle:
        for line in eve_generator.eve_lines(args.lines):
            handle.write(line + b"\n")
    limits = Limits(lines=args.batch_lines)
    ch = clickhouse.connect(f"chdb://{work / 'engine'}")
    migrate.migrate(ch)

    # (c) first, so that the peak RSS is that of a file ingest alone
    started = time.perf_counter()
    summary = ingest_file(ch, "bench-file", path, networks=NetworkMap.default(), limits=limits)
    file_s = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    data = path.read_bytes()
    started = time.perf_counter()
    batches = list(read_batches(io.BytesIO(data), LineSplitter(), limits))
    split_s = time.perf_counter() - started
    del data

    pipeline = Pipeline(ch, "bench-pipeline", "bench", NetworkMap.default())
    started = time.perf_counter()
    for batch in batches:
        pipeline.ingest(batch.lines)
    pipeline_s = time.perf_counter() - started

    lines = summary.accepted + summary.rejected
    print(f"lines: {lines:,} ({path.stat().st_size / 1e6:.0f} MB), batches of {args.batch_lines:,}")
    print(f"(a) split only:        {args.lines / split_s:12,.0f} lines/s")
    print(f"(b) Pipeline.ingest:   {args.lines / pipeline_s:12,.0f} lines/s")
    print(f"(c) ingest_file:       {lines / file_s:12,.0f} lines/s")
    print(f"ratio (c)/(b): {pipeline_s / file_s:.2f}   peak RSS of (c): {peak_mib:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
