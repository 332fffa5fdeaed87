"""Demo generator speed and memory: events/s generating (and writing gzip) the demo organization.

    .venv/bin/python bench/demo_generate.py                    # 2000 hosts, 24 h, 1,000,000 events
    .venv/bin/python bench/demo_generate.py --events 200000    # quicker
    .venv/bin/python bench/demo_generate.py --write /tmp/eve.json.gz

Prints wall and CPU seconds, events/s, bytes a line, and the process's peak RSS. Target: one
million events in well under a minute on one core, with a peak RSS that does not grow with the
event count.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import UTC, datetime
from pathlib import Path

from services.demo.generator import generate, write_eve
from services.demo.organization import Organization

END = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=2000)
    parser.add_argument("--hours", type=float, default=24)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--write", help="also write this file (gzip if it ends with .gz)")
    args = parser.parse_args()

    wall, cpu = time.perf_counter(), time.process_time()
    org = Organization.build(hosts=args.hosts, seed=7)
    count = size = 0
    for line in generate(org, hours=args.hours, events=args.events, end=END, seed=7):
        count += 1
        size += len(line) + 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"generate: {count} events, {size / count:.0f} B a line")
    print(f"  {wall:.1f}s wall, {cpu:.1f}s cpu -> {count / cpu:,.0f} events/s of cpu")
    if args.write:
        path = Path(args.write)
        wall, cpu = time.perf_counter(), time.process_time()
        truth = write_eve(path, org, hours=args.hours, events=args.events, end=END, seed=7)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"write_eve: {truth.events_written} events, {path.stat().st_size / 1e6:.0f} MB")
        print(f"  {wall:.1f}s wall, {cpu:.1f}s cpu -> {truth.events_written / cpu:,.0f} events/s")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
