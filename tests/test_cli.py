"""The `sightline` admin commands, run as real processes on their own data directory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def sightline(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "services.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def test_token_create_then_migrate_list(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    created = sightline("token", "create", "--name", "soar", "--scope", "write", "--data-dir", data)
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().startswith("sl_")

    listed = sightline("migrate", "--list", "--data-dir", data)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines and all(line.startswith("applied  ") for line in lines)
    assert any(line.endswith("0001_create_events") for line in lines)


def test_unknown_scope_is_refused_with_usage() -> None:
    refused = sightline("token", "create", "--name", "x", "--scope", "root")
    assert refused.returncode == 2
    assert "invalid choice: 'root'" in refused.stderr
