"""On a generated demo organization: "hosts with logged-in users among the Public DNS hunt"
returns exactly the hosts the generator planted with a recently seen user (its ground truth),
and the host documents of its workstations, domain controllers and servers show the catalog."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from services.core import lists
from services.core.clickhouse import Client
from services.demo.generator import generate, ground_truth
from services.demo.organization import Organization
from services.hosts import rollup
from services.hosts.attributes import ATTRIBUTES
from services.hunts.shipped_lists import install_shipped
from services.ingest import networks
from services.ingest.pipeline import Line, Pipeline
from tests.conftest import TENANT
from tests.hosts.conftest import auth

END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HOURS = 2.0


def load_demo(ch: Client, org: Organization, hours: float, events: int) -> None:
    """The demo's events for `org` through the real pipeline, with its networks and lists,
    rolled up into host insights."""
    install_shipped(ch)
    named = [
        networks.Network(n["name"], tuple(n["cidrs"]), n["department"], n["home"])
        for n in org.named_networks()
    ]
    networks.save(ch, TENANT, named)
    lists.put_list(ch, TENANT, "approved_resolvers", org.approved_resolvers())
    pipeline = Pipeline(ch, TENANT, "demo", networks.NetworkMap(named))
    lines = [
        Line(raw, i, i + 1)
        for i, raw in enumerate(generate(org, hours=hours, events=events, end=END, seed=11))
    ]
    assert pipeline.ingest(lines).rejected == 0
    assert rollup.roll_up_pending(ch, TENANT) == 1


async def test_logged_in_hosts_among_the_public_dns_hunt_are_the_planted_ones(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    org = Organization.build(hosts=150, seed=11)
    truth = ground_truth(org, hours=HOURS, events=8_000, end=END, seed=11)
    load_demo(ch, org, HOURS, 8_000)

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


async def document(client: httpx.AsyncClient, key: str, ip: str) -> Any:
    window = {"from": (END - timedelta(days=1)).isoformat(), "to": END.isoformat()}
    response = await client.get(f"/api/v1/hosts/{ip}", params=window, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


def filled(doc: Any) -> set[str]:
    return {name for name, found in doc["attributes"].items() if found["values"]}


async def test_demo_host_documents_show_the_catalog(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    org = Organization.build(hosts=60, seed=11)
    load_demo(ch, org, 8.0, 20_000)
    admins = [h for h in org.workstations if h.department == "IT"]
    workstations = [await document(client, read_key, h.ip) for h in admins]
    dc = await document(client, read_key, org.server("dc01").ip)
    web = await document(client, read_key, org.server("web01").ip)

    # every administrator's workstation is well populated on its own...
    assert min(len(filled(doc)) for doc in workstations) >= 35
    richest = max(workstations, key=lambda doc: len(filled(doc)))
    assert len(filled(richest)) >= 45
    # ...and a workstation, a domain controller and a server together show the catalog
    shown = filled(richest) | filled(dc) | filled(web)
    assert len(shown) >= 60, sorted({a.name for a in ATTRIBUTES} - shown)
    # a domain controller is named by its machine account, its PTR record and its certificate
    names = {(h["name"], h["source"]) for h in dc["hostnames"]}
    assert {("DC01", "krb5_host"), ("dc01.corp.contoso.com", "ptr_name")} <= names
    assert ("dc01.corp.contoso.com", "tls_cn") in names
    assert {r["name"] for r in dc["roles"]} == {"domain_controller", "dns_server", "file_server"}
    services = {v["value"] for v in web["attributes"]["service"]["values"]}
    assert {"TCP/22/ssh", "TCP/443/tls"} <= services
