"""The foreign-infrastructure hunts on a generated demo organization find exactly the hosts
the generator planted (its ground truth)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from services.core import lists
from services.core.clickhouse import Client
from services.demo.generator import generate, ground_truth
from services.demo.organization import AD_DOMAIN, Organization
from services.demo.scenarios import GroundTruth
from services.ingest import networks
from services.ingest.pipeline import Line, Pipeline
from tests.conftest import TENANT
from tests.hunts.conftest import auth

END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HOURS = 2.0


@pytest.fixture
def demo(shipped: Client) -> GroundTruth:
    org = Organization.build(hosts=150, seed=11)
    truth = ground_truth(org, hours=HOURS, events=8_000, end=END, seed=11)
    named = [
        networks.Network(n["name"], tuple(n["cidrs"]), n["department"], n["home"])
        for n in org.named_networks()
    ]
    networks.save(shipped, TENANT, named)
    lists.put_list(shipped, TENANT, "approved_resolvers", org.approved_resolvers())
    lists.put_list(shipped, TENANT, "internal_suffixes", ["." + AD_DOMAIN])
    pipeline = Pipeline(shipped, TENANT, "demo", networks.NetworkMap(named))
    batch: list[Line] = []
    for index, raw in enumerate(generate(org, hours=HOURS, events=8_000, end=END, seed=11)):
        batch.append(Line(raw, index, index + 1))
        if len(batch) == 5000:
            assert pipeline.ingest(batch).rejected == 0
            batch.clear()
    assert pipeline.ingest(batch).rejected == 0
    assert truth.public_dns_hosts and truth.doh_hosts and truth.dot_hosts
    return truth


async def hosts_found(
    client: httpx.AsyncClient, key: str, filter_set: str, field: str = "src_ip"
) -> set[str]:
    response = await client.get(
        f"/api/v1/filter-sets/{filter_set}/run",
        params={
            "from": "2026-11-20T09:00:00Z",
            "to": "2026-11-20T12:00:00Z",
            "field": field,
            "size": "1000",
        },
        headers=auth(key),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return {b["value"] for b in body["facets"][0]["buckets"]}


async def test_foreign_resolver_hunts_find_exactly_the_planted_hosts(
    client: httpx.AsyncClient, read_key: str, demo: GroundTruth
) -> None:
    found = await hosts_found(client, read_key, "catalog:policy-public-dns")
    assert found == set(demo.public_dns_hosts)
    assert await hosts_found(client, read_key, "catalog:policy-doh-by-sni") == set(demo.doh_hosts)
    assert await hosts_found(client, read_key, "catalog:policy-dns-over-tls") == set(demo.dot_hosts)
    odd = await hosts_found(client, read_key, "catalog:policy-dns-nonstandard-port")
    assert odd == set(demo.nonstandard_dns_hosts)
