from __future__ import annotations

from pathlib import Path

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
