"""On a generated demo organization, "hosts with logged-in users among the Public DNS hunt"
returns exactly the hosts the generator planted with a recently seen user (its ground truth)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from services.core import lists
from services.core.clickhouse import Client
from services.demo.generator import generate, ground_truth
from services.demo.organization import Organization
from services.hunts.shipped_lists import install_shipped
from services.ingest import networks
from services.ingest.pipeline import Line, Pipeline
from tests.conftest import TENANT
from tests.hosts.conftest import auth

END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HOURS = 2.0


async def test_logged_in_hosts_among_the_public_dns_hunt_are_the_planted_ones(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    install_shipped(ch)
    org = Organization.build(hosts=150, seed=11)
    truth = ground_truth(org, hours=HOURS, events=8_000, end=END, seed=11)
    named = [
        networks.Network(n["name"], tuple(n["cidrs"]), n["department"], n["home"])
        for n in org.named_networks()
    ]
    networks.save(ch, TENANT, named)
    lists.put_list(ch, TENANT, "approved_resolvers", org.approved_resolvers())
    pipeline = Pipeline(ch, TENANT, "demo", networks.NetworkMap(named))
    lines = [
        Line(raw, i, i + 1)
        for i, raw in enumerate(generate(org, hours=HOURS, events=8_000, end=END, seed=11))
    ]
    assert pipeline.ingest(lines).rejected == 0

    expected = {ip for ip, entry in truth.public_dns_hosts.items() if entry["users_recent"]}
    assert expected, "the demo plants public-DNS hosts with logged-in users"
    assert expected != set(truth.public_dns_hosts), "and some without"
    response = await client.get(
        "/api/v1/hosts",
        params={
            "host_query": "logged_in:true",
            "filter_set": "catalog:policy-public-dns",
            "from": (END - timedelta(hours=HOURS)).isoformat(),
            "to": END.isoformat(),
            "limit": "500",
        },
        headers=auth(read_key),
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert {item["ip"] for item in items} == expected
    for item in items:
        planted = truth.public_dns_hosts[item["ip"]]
        logged_in = {u["name"].split("\\")[-1] for u in item["users"] if u["logged_in"]}
        assert set(planted["users_recent"]) <= logged_in, item
        assert item["events"] >= 1
