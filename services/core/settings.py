"""Settings, read from `SIGHTLINE_*` environment variables — only in entry points."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Deployment configuration. Every field maps to `SIGHTLINE_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="SIGHTLINE_", extra="ignore")

    data_dir: Path = Field(default=Path(".sightline"), description="embedded engine data directory")
    clickhouse_url: str = Field(
        default="",
        description="clickhouse-connect DSN; empty means chdb://<data_dir>/clickhouse",
    )
    redis_url: str = Field(default="", description="Redis URL; empty means in-process broker")
    bootstrap_token: str = Field(default="", description="admin token created at start if set")
    default_tenant: str = Field(default="default", description="tenant of the bootstrap token")
    max_body_bytes: int = Field(default=64 * 1024 * 1024, description="largest HTTP ingest body")
    max_line_bytes: int = Field(default=1024 * 1024, description="largest single EVE line")
    query_timeout_s: int = Field(default=30, description="max_execution_time of API queries")
    retention_days: int = Field(default=90, description="events older than this are dropped")
    logged_in_window_s: int = Field(default=3600, description="'logged in now' window for users")
    webhook_allowed_networks: str = Field(
        default="", description="comma-separated CIDRs webhooks may target despite being private"
    )
    webhook_timeout_s: float = Field(default=10.0, description="webhook request timeout")
    webhook_max_attempts: int = Field(default=8, description="webhook delivery attempts at most")
    webhook_retry_base_s: float = Field(
        default=5.0, description="first webhook retry delay; doubles per attempt (capped at 1 h)"
    )
    intel_provider_url: str = Field(default="https://www.virustotal.com/api/v3")
    intel_api_key: str = Field(default="", description="threat-intelligence provider API key")
    intel_cache_ttl_s: int = Field(default=86400)
    intel_rate_per_minute: int = Field(
        default=4, description="threat-intelligence lookups per minute (provider quota)"
    )

    def clickhouse_dsn(self) -> str:
        if self.clickhouse_url:
            return self.clickhouse_url
        return f"chdb://{(self.data_dir / 'clickhouse').resolve()}"

    @property
    def embedded(self) -> bool:
        return self.clickhouse_dsn().startswith("chdb://")
