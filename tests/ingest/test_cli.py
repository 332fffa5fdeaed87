"""`sightline ingest`: argument checks, and a real `sightline` process reading stdin and a gzip
file in one run and printing its JSON summary."""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from services.core.settings import Settings
from services.ingest import cli
from tests.ingest.eve_samples import dns_line, ndjson, write_lines

ROOT = Path(__file__).resolve().parents[2]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(argv)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        ((), "give PATH"),
        (("--follow", "a.json", "b.json"), "--follow takes exactly one file"),
        (("--follow", "-"), "--follow takes exactly one file"),
        (("--redis", "redis://127.0.0.1:6379/0"), "--redis needs --key"),
        (("--redis", "redis://x", "--key", "k", "a.json"), "--redis takes no PATH"),
        (("/nonexistent/eve.json",), "no such file: /nonexistent/eve.json"),
        (("-", "-"), "stdin (-) can be read once"),
        (("--source", "s", "a", "b"), "--source names one input"),
    ],
)
def test_bad_arguments_exit_2_with_a_reason(
    argv: tuple[str, ...], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.run(parse(*argv), Settings(data_dir=tmp_path))
    assert code == 2
    assert needle in capsys.readouterr().err


def test_an_engine_owned_by_another_process_is_a_clear_error(
    engine: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # This test process already runs an engine (another data directory): the same refusal a
    # second process gets while `sightline serve` owns the directory.
    path = write_lines(tmp_path / "eve.json", 1)
    code = cli.run(parse(str(path)), Settings(data_dir=tmp_path / "data"))
    assert code == 1
    assert "stop `sightline serve`" in capsys.readouterr().err


@pytest.mark.slow
def test_sightline_ingest_reads_stdin_and_gzip(tmp_path: Path) -> None:
    packed = tmp_path / "eve.json.1.gz"
    plain = write_lines(tmp_path / "plain.json", 30)
    packed.write_bytes(gzip.compress(plain.read_bytes() + b"not json\n"))
    command = [sys.executable, "-m", "services.cli", "ingest", "-", str(packed)]
    command += ["--data-dir", str(tmp_path / "data"), "--tenant", "acme", "--json"]
    done = subprocess.run(
        command,
        cwd=ROOT,
        input=ndjson([dns_line(i) for i in range(100, 110)]),
        capture_output=True,
        check=True,
    )
    summary = json.loads(done.stdout)
    assert (summary["accepted"], summary["rejected"], summary["stats"]) == (40, 1, 0)
    assert summary["files"] == ["stdin", str(packed.resolve())]
    assert summary["errors"] == [
        {"source": str(packed.resolve()), "line": 31, "reason": summary["errors"][0]["reason"]}
    ]
    assert summary["seconds"] > 0
