"""Host documents built from the public EVE corpus: concrete users, hostnames and roles of
concrete IPs, exactly as the captures show them."""

from __future__ import annotations

from typing import Any

import httpx

from services.core.clickhouse import Client
from tests.hosts.conftest import WIDE, auth, ingest_corpus


async def document(client: httpx.AsyncClient, key: str, ip: str, **params: str) -> Any:
    response = await client.get(f"/api/v1/hosts/{ip}", params=WIDE | params, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


def users(doc: Any) -> dict[str, str]:
    return {u["name"]: u["source"] for u in doc["users"]}


def hostnames(doc: Any) -> dict[str, str]:
    return {h["name"]: h["source"] for h in doc["hostnames"]}


async def test_ntlmssp_session_setup_gives_the_user_and_workstation(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    ingest_corpus(ch, "smb-mta")
    doc = await document(client, read_key, "10.0.0.113")
    assert users(doc) == {"FARTMACHINES\\dr.fart": "ntlmssp_user"}
    assert hostnames(doc) == {"DESKTOP-FART1PC": "ntlmssp_host"}
    assert doc["attributes"]["ntlmssp_domain"]["values"][0]["value"] == "FARTMACHINES"
    assert "smb" in {v["value"] for v in doc["attributes"]["client_app"]["values"]}
    # the capture is from 2021: nobody is logged in now
    assert not any(u["logged_in"] for u in doc["users"])


async def test_machine_accounts_are_hostnames_not_users(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    ingest_corpus(ch, "suricatalogs__krb5_test", "suricatalogs__rdp_test")
    doc = await document(client, read_key, "192.168.1.46")
    found = users(doc)
    assert found["choppydog"] == "krb5_user"
    assert found["Administrator"] == "krb5_user"
    assert found["PICKLESWO"] == "rdp_cookie"
    assert not any(name.endswith("$") or name == "<empty>" for name in found)
    assert hostnames(doc)["CHIP-DOUGLAS-PC"] == "krb5_host"
    assert doc["attributes"]["krb5_realm"]["values"][0]["value"] == "PICKLESWORTH.LOCAL"
    kdc = await document(client, read_key, "192.168.1.195")
    assert "TCP/88/krb5" in {v["value"] for v in kdc["attributes"]["service"]["values"]}


async def test_dhcp_hostnames_land_on_the_assigned_or_client_address(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    ingest_corpus(ch, "suricatalogs__dhcp_test")
    assigned = await document(client, read_key, "192.168.10.120")
    assert hostnames(assigned) == {"ConLgxEIP": "dhcp_hostname"}
    assert {v["value"] for v in assigned["attributes"]["mac"]["values"]} == {"00:00:bc:3e:eb:e4"}
    snickle = await document(client, read_key, "192.168.1.62")
    assert hostnames(snickle) == {"SnickleFritz": "dhcp_hostname"}
    assert {v["value"] for v in snickle["attributes"]["mac"]["values"]} == {"08:00:27:f0:68:53"}
    for server in ("192.168.1.5", "192.168.10.105"):
        doc = await document(client, read_key, server)
        assert [r["name"] for r in doc["roles"]] == ["dhcp_server"], server
    # a request from 0.0.0.0 names no host
    response = await client.get("/api/v1/hosts/0.0.0.0", params=WIDE, headers=auth(read_key))
    assert response.status_code == 404


async def test_training_capture_domain_controller_serves_sysvol(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    ingest_corpus(ch, "training__data__03")
    dc = await document(client, read_key, "10.4.18.4")
    assert "file_server" in {r["name"] for r in dc["roles"]}
    shares = {v["value"] for v in dc["attributes"]["smb_share_served"]["values"]}
    assert "\\\\PARTRIDGE-DC.partridgecliff.com\\sysvol" in shares
    workstation = await document(client, read_key, "10.4.18.169")
    assert "smb" in {v["value"] for v in workstation["attributes"]["client_app"]["values"]}
    assert workstation["summary"]["events"] > 800
    assert workstation["summary"]["events_by_type"]["http"] > 0


async def test_corpus_users_are_searchable(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    ingest_corpus(ch, "smb-mta", "suricatalogs__krb5_test")
    response = await client.get(
        "/api/v1/hosts",
        params=WIDE | {"host_query": 'username:"FARTMACHINES\\\\dr.fart" OR krb5.cname:choppydog'},
        headers=auth(read_key),
    )
    assert response.status_code == 200, response.text
    assert {h["ip"] for h in response.json()["items"]} == {"10.0.0.113", "192.168.1.46"}
