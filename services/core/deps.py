"""What every service app is built from: passed in explicitly, never read from globals."""

from __future__ import annotations

from dataclasses import dataclass

from celery import Celery

from services.core.clickhouse import Client
from services.core.settings import Settings


@dataclass(frozen=True)
class Deps:
    ch: Client
    settings: Settings
    celery: Celery
