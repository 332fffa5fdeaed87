"""Real parts for every test: the embedded ClickHouse engine migrated from `schema/`, truncated
between tests; a real Redis; apps reached over real ASGI HTTP with httpx."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.core import auth, clickhouse, migrate
from services.core.clickhouse import Client
from services.core.deps import Deps
from services.core.queue import make_celery
from services.core.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "eve"
TENANT = "acme"


@pytest.fixture(scope="session")
def engine_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory of this test process's engine (for a second client of it)."""
    return tmp_path_factory.mktemp("chdb")


@pytest.fixture(scope="session")
def engine(engine_dir: Path) -> Client:
    """One chDB engine per test process (chDB allows one data directory per process)."""
    ch = clickhouse.connect(f"chdb://{engine_dir}")
    migrate.migrate(ch)
    return ch


@pytest.fixture
def ch(engine: Client) -> Client:
    """The engine with every data table emptied."""
    for table in migrate.data_tables(engine):
        engine.command(f"TRUNCATE TABLE {table}")  # names come from system.tables
    return engine


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, default_tenant=TENANT)


@pytest.fixture
def deps(ch: Client, settings: Settings) -> Deps:
    return Deps(ch=ch, settings=settings, celery=make_celery(settings))


@pytest.fixture
def admin_key(ch: Client) -> str:
    return auth.create_token(ch, TENANT, "test-admin", auth.Scope.ADMIN)


@pytest.fixture
def read_key(ch: Client) -> str:
    return auth.create_token(ch, TENANT, "test-reader", auth.Scope.READ)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A real Redis; each test process uses its own database number."""
    return os.environ.get("SIGHTLINE_TEST_REDIS", f"redis://127.0.0.1:6379/{os.getpid() % 15 + 1}")
