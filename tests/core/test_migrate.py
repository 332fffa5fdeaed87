from __future__ import annotations

from pathlib import Path

import clickhouse_connect
import pytest

from services.core import migrate
from services.core.clickhouse import Client


def test_migrations_are_numbered_and_applied_once(ch: Client) -> None:
    assert migrate.migrate(ch) == []
    versions = migrate.applied_versions(ch)
    assert {m.version for m in migrate.migrations()} == versions


def test_migration_names_are_checked(tmp_path: Path) -> None:
    (tmp_path / "1_bad.sql").write_text("SELECT 1")
    with pytest.raises(ValueError, match="NNNN_snake_name"):
        migrate.migrations(tmp_path)


def test_statements_split_on_line_ending_semicolons() -> None:
    m = migrate.Migration(
        1, "x", "-- c\nCREATE TABLE a (s String DEFAULT ';') ENGINE=Log;\n\nSELECT 1;\n"
    )
    assert m.statements() == ["-- c\nCREATE TABLE a (s String DEFAULT ';') ENGINE=Log", "SELECT 1"]


def test_the_events_table_swap_of_0036_keeps_every_event(
    engine: Client, engine_dir: Path, tmp_path: Path
) -> None:
    """0036 rebuilds `events` with finer granules (a setting that cannot be altered): events
    stored before it, over several days, are all there after it, under the new settings."""
    engine.command("DROP DATABASE IF EXISTS migrate_0036")
    engine.command("CREATE DATABASE migrate_0036")
    # a second client of the same engine, in a database of its own
    ch = clickhouse_connect.get_client(dsn=f"chdb://{engine_dir}", database="migrate_0036")
    before = tmp_path / "before"
    before.mkdir()
    for migration in migrate.migrations():
        if migration.version < 36:
            (before / f"{migration.name}.sql").write_text(migration.sql)
    migrate.migrate(ch, before)
    ch.command(
        "INSERT INTO events (tenant, ts, event_type, src_ip, raw)"
        " SELECT 't', toDateTime64('2026-11-20 00:00:00', 6, 'UTC') + toIntervalHour(number),"
        " 'dns', toIPv6('10.0.0.1'), concat('{\"n\":', toString(number), '}')"
        " FROM numbers(240)",
        settings={"async_insert": 0},
    )
    stored = ch.query("SELECT groupArraySorted(1000)(raw) FROM events").result_rows[0][0]

    assert [name for name in migrate.migrate(ch) if name.startswith("0036")]
    after = ch.query("SELECT groupArraySorted(1000)(raw) FROM events").result_rows[0][0]
    assert len(after) == 240
    assert after == stored
    ddl = ch.query("SHOW CREATE TABLE events").result_rows[0][0]
    assert "index_granularity_bytes = 1048576" in ddl
    assert "PROJECTION by_src_ip" in ddl  # indexes and projections came along
    assert "toIntervalDay(90)" in ddl  # retention from ingest time (0009)
    tables = ch.query("SHOW TABLES").result_rows
    assert ("events_0036",) not in tables
    engine.command("DROP DATABASE migrate_0036")
