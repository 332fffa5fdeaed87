"""DataLoaders for lookups that lists would otherwise repeat (N+1): created per request.

The REST APIs have no batch lookups, so a batch is fetched concurrently, each key once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from strawberry.dataloader import DataLoader

from services.gateway import errors
from services.gateway.clients import ServiceAPI, Services
from services.gateway.types.filter_set import FilterSet
from services.gateway.types.host import Host
from services.gateway.types.policy import Policy
from services.gateway.types.threat import Threat

T = TypeVar("T")


async def _get_or_none(api: ServiceAPI, path: str) -> Any:
    try:
        return await api.get(path)
    except errors.NotFound:
        return None


def _by_path(
    api: ServiceAPI, path: Callable[[str], str], build: Callable[[Any], T]
) -> Callable[[list[str]], Awaitable[Sequence[T | None]]]:
    async def load(keys: list[str]) -> Sequence[T | None]:
        answers = await asyncio.gather(
            *(_get_or_none(api, path(quote(key, safe=""))) for key in keys)
        )
        return [None if answer is None else build(answer) for answer in answers]

    return load


@dataclass(frozen=True)
class Loaders:
    host_by_ip: DataLoader[str, Host | None]
    threat_by_id: DataLoader[str, Threat | None]
    policy_by_id: DataLoader[str, Policy | None]
    filter_set_by_id: DataLoader[str, FilterSet | None]

    @classmethod
    def create(cls, api: Services) -> Loaders:
        return cls(
            host_by_ip=DataLoader(
                load_fn=_by_path(api.hosts, lambda ip: f"/api/v1/hosts/{ip}", Host.from_json)
            ),
            threat_by_id=DataLoader(
                load_fn=_by_path(
                    api.escalation, lambda id_: f"/api/v1/threats/{id_}", Threat.from_json
                )
            ),
            policy_by_id=DataLoader(
                load_fn=_by_path(
                    api.escalation, lambda id_: f"/api/v1/policies/{id_}", Policy.from_json
                )
            ),
            filter_set_by_id=DataLoader(
                load_fn=_by_path(
                    api.hunts, lambda id_: f"/api/v1/filter-sets/{id_}", FilterSet.from_json
                )
            ),
        )
