"""Reference lists: shipped lists read-only and complete, tenant lists validated and used."""

from __future__ import annotations

import csv

import httpx

from services.core.clickhouse import Client
from services.hunts.shipped_lists import install_shipped
from tests.conftest import SHARED
from tests.hunts.conftest import auth

EXCLUDED = SHARED / "reference" / "dns" / "public_resolvers_excluded.csv"


def test_install_shipped_is_idempotent(shipped: Client) -> None:
    assert install_shipped(shipped) == []
    rows = shipped.query(
        "SELECT count() FROM list_items WHERE tenant = '' AND list = 'public_resolvers'"
    ).result_rows
    assert rows[0][0] > 2000


async def test_lists_overview_marks_shipped_read_only(
    client: httpx.AsyncClient, read_key: str, shipped: Client
) -> None:
    response = await client.get("/api/v1/lists", headers=auth(read_key))
    lists = {item["name"]: item for item in response.json()["items"]}
    resolvers = lists["public_resolvers"]
    assert resolvers["shipped"] and not resolvers["editable"] and resolvers["item_count"] > 2000
    assert "AdGuard" in resolvers["source"]
    approved = lists["approved_resolvers"]
    assert approved["editable"] and approved["item_count"] == 0 and approved["kind"] == "ip"
    for name in (
        "doh_hostnames",
        "dot_doq_hostnames",
        "dyndns_domains",
        "remote_access_domains",
        "tunneling_domains",
        "paste_sites",
        "file_sharing_domains",
        "crypto_mining_pools",
        "suspicious_tlds",
        "tor2web_domains",
        "user_agents_tools",
        "ja3_malicious",
        "oast_interaction_domains",
        "url_shortener_domains",
        "external_ip_lookup_domains",
        "doh_resolvers",
        "public_resolvers_do53",
        "internal_suffixes",
        "corporate_domains",
    ):
        assert name in lists, name


async def test_public_resolvers_exclude_shared_cdn_and_relay_ips(
    client: httpx.AsyncClient, read_key: str, shipped: Client
) -> None:
    response = await client.get(
        "/api/v1/lists/public_resolvers", params={"limit": "10000"}, headers=auth(read_key)
    )
    items = {i["value"]: i for i in response.json()["items"]}
    assert items["8.8.8.8"]["attrs"]["provider"] == "Google"
    assert "do53" in items["8.8.8.8"]["attrs"]["protocols"].split(";")
    with EXCLUDED.open() as handle:
        excluded = {row["ip"] for row in csv.DictReader(handle)}
    assert len(excluded) > 1000
    assert not excluded & set(items)


async def test_list_items_page(client: httpx.AsyncClient, read_key: str, shipped: Client) -> None:
    first = await client.get(
        "/api/v1/lists/doh_hostnames", params={"limit": "10"}, headers=auth(read_key)
    )
    body = first.json()
    assert len(body["items"]) == 10 and body["next_offset"] == 10
    second = await client.get(
        "/api/v1/lists/doh_hostnames",
        params={"limit": "10", "offset": "10"},
        headers=auth(read_key),
    )
    assert not {i["value"] for i in body["items"]} & {i["value"] for i in second.json()["items"]}
    missing = await client.get("/api/v1/lists/no_such_list", headers=auth(read_key))
    assert missing.status_code == 404


async def test_shipped_lists_cannot_be_changed(
    client: httpx.AsyncClient, admin_key: str, shipped: Client
) -> None:
    response = await client.put(
        "/api/v1/lists/public_resolvers", json={"items": ["1.2.3.4"]}, headers=auth(admin_key)
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]["message"]


async def test_tenant_lists_are_validated_with_the_item_index(
    client: httpx.AsyncClient, admin_key: str, read_key: str
) -> None:
    bad_ip = await client.put(
        "/api/v1/lists/approved_resolvers",
        json={"items": ["10.0.0.53", "resolver-1"]},
        headers=auth(admin_key),
    )
    assert bad_ip.status_code == 400
    assert "items[1]" in bad_ip.json()["error"]["message"]
    bad_name = await client.put(
        "/api/v1/lists/internal_suffixes",
        json={"items": ["corp.example.com", "bad name!"]},
        headers=auth(admin_key),
    )
    assert bad_name.status_code == 400 and "items[1]" in bad_name.json()["error"]["message"]
    denied = await client.put(
        "/api/v1/lists/internal_suffixes",
        json={"items": ["corp.example.com"]},
        headers=auth(read_key),
    )
    assert denied.status_code == 403
    good = await client.put(
        "/api/v1/lists/internal_suffixes",
        json={"items": ["corp.example.com", "10.in-addr.arpa"]},
        headers=auth(admin_key),
    )
    assert good.status_code == 200 and good.json()["item_count"] == 2
    page = await client.get("/api/v1/lists/internal_suffixes", headers=auth(read_key))
    assert {i["match"] for i in page.json()["items"]} == {"suffix"}
