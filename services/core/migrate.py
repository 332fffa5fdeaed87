"""The migration runner: applies `schema/clickhouse/NNNN_name.sql` in order, once each.

Used by tests, the embedded mode and the distributed deployment alike. A migration file holds
one or more statements separated by `;` at the end of a line. Applied versions are recorded in
`schema_migrations`; files are never edited once released — add a new one instead.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from services.core.clickhouse import Client

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema" / "clickhouse"
FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

CREATE_LEDGER = """
    CREATE TABLE IF NOT EXISTS schema_migrations (
        version UInt32,
        name String,
        checksum String,
        applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = MergeTree ORDER BY version
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    def statements(self) -> list[str]:
        parts = re.split(r";\s*$", self.sql, flags=re.MULTILINE)
        return [p.strip() for p in parts if _has_code(p)]


def _has_code(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())


def migrations(schema_dir: Path = SCHEMA_DIR) -> list[Migration]:
    found = []
    for path in sorted(schema_dir.glob("*.sql")):
        match = FILE_NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file name {path.name!r} is not NNNN_snake_name.sql")
        found.append(Migration(int(match.group(1)), path.stem, path.read_text()))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration versions in {schema_dir}")
    return found


def applied_versions(ch: Client) -> set[int]:
    rows = ch.query("SELECT version FROM schema_migrations").result_rows
    return {int(r[0]) for r in rows}


def migrate(ch: Client, schema_dir: Path = SCHEMA_DIR) -> list[str]:
    """Apply every pending migration; return the names applied."""
    ch.command(CREATE_LEDGER)
    done = applied_versions(ch)
    applied = []
    for migration in migrations(schema_dir):
        if migration.version in done:
            continue
        for statement in migration.statements():
            ch.command(statement)
        ch.insert(
            "schema_migrations",
            [[migration.version, migration.name, migration.checksum]],
            column_names=["version", "name", "checksum"],
        )
        applied.append(migration.name)
    return applied


def data_tables(ch: Client) -> list[str]:
    """Tables that hold data (for truncation in tests): every MergeTree table but the ledger."""
    rows = ch.query(
        """
        SELECT name FROM system.tables
        WHERE database = currentDatabase() AND engine LIKE '%MergeTree'
          AND name != 'schema_migrations' AND NOT startsWith(name, '.inner')
        """
    ).result_rows
    return [str(r[0]) for r in rows]
