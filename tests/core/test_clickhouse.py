"""The ClickHouse client helpers of services/core/clickhouse.py, on the test engine."""

from __future__ import annotations

from pathlib import Path

from services.core import clickhouse
from services.core.clickhouse import Client


def test_a_second_client_runs_on_the_same_embedded_engine(ch: Client, tmp_path: Path) -> None:
    """`second_client` of an embedded client opens the same engine (its data directory), not
    the DSN it is given: a table one client writes is read by the other."""
    ch.command("CREATE TABLE IF NOT EXISTS second_client_probe (n UInt8) ENGINE = Memory")
    try:
        ch.command("INSERT INTO second_client_probe VALUES (7)")
        second = clickhouse.second_client(ch, f"chdb://{tmp_path / 'elsewhere'}")
        try:
            assert clickhouse.is_embedded(second)
            assert second.query("SELECT n FROM second_client_probe").result_rows == [(7,)]
        finally:
            second.close()
    finally:
        ch.command("DROP TABLE IF EXISTS second_client_probe")
