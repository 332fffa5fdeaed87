"""`sightline ingest`: EVE files (plain or gzip), stdin, a followed eve.json, or a Redis list.

    sightline ingest eve.json eve.json.1.gz     # resumes where a previous run stopped
    sightline ingest - < eve.json               # stdin (no resume)
    sightline ingest --follow /var/log/suricata/eve.json
    sightline ingest --redis redis://127.0.0.1:6379/0 --key suricata

In the embedded mode the engine's data directory belongs to one process: stop `sightline serve`
first, or post to `/api/v1/ingest/events` instead. Progress goes to stderr (a bar on a terminal,
periodic counts otherwise, or JSON lines with `--json-progress`); `--json` prints the summary.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import stat
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

import orjson
from celery import Celery
from clickhouse_connect.driver.exceptions import ProgrammingError
from tqdm import tqdm  # type: ignore[import-untyped]

from services.core import clickhouse, migrate
from services.core.queue import make_celery
from services.core.settings import Settings
from services.ingest.ingestion import Ingestor, IngestSummary, Progress
from services.ingest.redis_list import RedisList
from services.ingest.sources import Limits

HELP = "ingest EVE JSON from files (plain or gzip), stdin (-), a followed file or a Redis list"

COUNTS_EVERY_S = 5.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="EVE files, or - for stdin")
    parser.add_argument("--follow", action="store_true", help="tail PATH across rotations")
    parser.add_argument("--redis", metavar="URL", help="consume a Redis list (Suricata redis)")
    parser.add_argument("--key", help="the Redis list key (with --redis)")
    parser.add_argument("--consumer", default="default", help="Redis consumer name")
    parser.add_argument("--drain", action="store_true", help="with --redis: stop when empty")
    parser.add_argument(
        "--rpush", action="store_true", help="with --redis: Suricata's redis `mode: rpush`"
    )
    parser.add_argument("--tenant", help="tenant to ingest for (default SIGHTLINE_DEFAULT_TENANT)")
    parser.add_argument(
        "--source",
        help="source name stored with each event, one input only (default: the absolute path); "
        "resume finds its place by it, so give each input a name of its own",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--json-progress", action="store_true", help="a JSON line on stderr after each batch"
    )
    parser.add_argument("--batch-lines", type=int, default=Limits.lines, help="lines a batch")
    parser.add_argument("--batch-bytes", type=int, default=Limits.bytes, help="bytes a batch")
    parser.add_argument(
        "--no-escalate",
        action="store_true",
        help="do not send escalation.apply_policies (it is sent only with SIGHTLINE_REDIS_URL)",
    )


class Reporter:
    """Progress on stderr: JSON lines, a tqdm bar on a terminal, or counts every few seconds."""

    def __init__(self, stream: TextIO, as_json: bool, total_bytes: int | None) -> None:
        self.stream = stream
        self.as_json = as_json
        self.bar: Any = None
        if not as_json and stream.isatty():
            self.bar = tqdm(total=total_bytes, unit="B", unit_scale=True, file=stream)
        self.position: dict[str, int] = {}
        self.last_print = time.monotonic()

    def __call__(self, progress: Progress) -> None:
        summary = progress.summary
        if self.as_json:
            line = {
                "source": progress.source,
                "offset": progress.offset,
                "line": progress.line_no,
                "accepted": summary.accepted,
                "rejected": summary.rejected,
                "stats": summary.stats,
                "skipped": summary.skipped,
                "batches": summary.batches,
            }
            self.stream.write(orjson.dumps(line).decode() + "\n")
            self.stream.flush()
        elif self.bar is not None:
            previous = self.position.get(progress.source, 0)
            self.bar.update(max(progress.offset - previous, 0))
            self.bar.set_postfix(accepted=summary.accepted, rejected=summary.rejected)
        elif time.monotonic() - self.last_print >= COUNTS_EVERY_S:
            self.last_print = time.monotonic()
            self.stream.write(_counts(summary) + "\n")
            self.stream.flush()
        self.position[progress.source] = progress.offset

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _counts(summary: IngestSummary) -> str:
    return (
        f"accepted {summary.accepted}, rejected {summary.rejected}, stats {summary.stats}, "
        f"skipped {summary.skipped} in {summary.seconds:.1f}s"
    )


def _check(args: argparse.Namespace) -> str | None:
    """What is wrong with the arguments, if anything."""
    if args.redis and (args.paths or args.follow):
        return "--redis takes no PATH and no --follow"
    if args.redis and not args.key:
        return "--redis needs --key (the list Suricata pushes to)"
    if not args.redis and not args.paths:
        return "give PATH... (or - for stdin), or --redis URL --key K"
    if args.follow and (len(args.paths) != 1 or args.paths == ["-"]):
        return "--follow takes exactly one file"
    if args.source and len(args.paths) > 1:
        return "--source names one input; give one PATH"
    if args.paths.count("-") > 1:
        return "stdin (-) can be read once"
    missing = [p for p in args.paths if p != "-" and not Path(p).is_file() and not args.follow]
    if missing:
        return f"no such file: {', '.join(missing)}"
    if args.batch_lines < 1 or args.batch_bytes < 1:
        return "--batch-lines and --batch-bytes must be positive"
    return None


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handler)


def run(args: argparse.Namespace, settings: Settings) -> int:
    problem = _check(args)
    if problem:
        print(f"sightline ingest: {problem}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        ch = clickhouse.connect(settings.clickhouse_dsn())
    except ProgrammingError as exc:
        if not settings.embedded:
            raise
        print(
            f"sightline ingest: cannot open the embedded engine in {settings.data_dir} ({exc}); "
            "one process at a time owns it: stop `sightline serve`, or POST the events to "
            "/api/v1/ingest/events instead",
            file=sys.stderr,
        )
        return 1
    migrate.migrate(ch)
    celery: Celery | None = None
    if settings.redis_url and not args.no_escalate:
        celery = make_celery(settings)
    files = [Path(p) for p in args.paths if p != "-"]
    total = sum(p.stat().st_size for p in files if p.is_file()) if not args.follow else None
    reporter = Reporter(sys.stderr, args.json_progress, total)
    ingestor = Ingestor(
        ch,
        args.tenant or settings.default_tenant,
        celery=celery,
        limits=Limits(args.batch_lines, args.batch_bytes, settings.max_line_bytes),
        progress=reporter,
        # a batch is staged on a second client while the one before is stored
        ahead=clickhouse.second_client(ch, settings.clickhouse_dsn()),
    )
    stop = threading.Event()
    try:
        if args.redis:
            _stop_on_signals(stop)
            queue = RedisList.from_url(args.redis, args.key, args.consumer, args.rpush)
            ingestor.consume(queue, stop, args.source, drain=args.drain)
        elif args.follow:
            _stop_on_signals(stop)
            ingestor.follow(Path(args.paths[0]), stop, args.source)
        else:
            for path in args.paths:
                if path == "-":
                    stdin = sys.stdin.buffer
                    live = not stat.S_ISREG(os.fstat(stdin.fileno()).st_mode)
                    ingestor.stream(stdin, args.source or "stdin", live=live)
                else:
                    ingestor.file(Path(path), args.source)
    finally:
        reporter.close()
    summary = ingestor.summary
    if args.json:
        print(orjson.dumps(summary.as_dict()).decode())
    else:
        print(_counts(summary), file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m services.ingest.cli ...`: the same command without loading every service."""
    from services.cli import settings_from

    parser = argparse.ArgumentParser(prog="sightline ingest", description=HELP)
    parser.add_argument("--data-dir", help="embedded engine data directory (SIGHTLINE_DATA_DIR)")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args, settings_from(args))


if __name__ == "__main__":
    sys.exit(main())
