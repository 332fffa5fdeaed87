"""Roles inferred from what a host serves, from crafted but realistic EVE events."""

from __future__ import annotations

from typing import Any

import httpx

from services.core.clickhouse import Client
from tests.hosts.conftest import auth, eve, ingest, ts


def flow(client: str, server: str, port: int, replied: bool = True, app: str = "") -> Any:
    blocks: dict[str, Any] = {
        "flow": {
            "pkts_toserver": 6,
            "pkts_toclient": 5 if replied else 0,
            "bytes_toserver": 900,
            "bytes_toclient": 4200 if replied else 0,
            "start": ts(120),
            "end": ts(60),
            "age": 60,
            "state": "closed" if replied else "new",
            "reason": "timeout",
            "alerted": False,
        }
    }
    if app:
        blocks["app_proto"] = app
    return eve("flow", client, 50100, server, port, **blocks)


ROLE_EVENTS = [
    # domain controller: Kerberos and LDAP answered
    eve(
        "krb5",
        "10.1.0.50",
        50001,
        "10.1.0.10",
        88,
        app_proto="krb5",
        krb5={
            "msg_type": "KRB_AS_REP",
            "cname": "alice",
            "realm": "CORP.EXAMPLE",
            "sname": "krbtgt/CORP.EXAMPLE",
            "encryption": "aes256-cts-hmac-sha1-96",
            "weak_encryption": False,
        },
    ),
    flow("10.1.0.50", "10.1.0.10", 389, app="ldap"),
    # DHCP server: an ack sent from port 67
    eve(
        "dhcp",
        "10.1.0.1",
        67,
        "255.255.255.255",
        68,
        proto="UDP",
        app_proto="dhcp",
        dhcp={
            "type": "reply",
            "id": 7,
            "client_mac": "00:11:22:33:44:77",
            "assigned_ip": "10.1.0.77",
            "client_ip": "0.0.0.0",
            "dhcp_type": "ack",
            "hostname": "laptop-77",
        },
    ),
    # DNS server: answers from port 53
    eve(
        "dns",
        "10.1.0.53",
        53,
        "10.1.0.50",
        53535,
        proto="UDP",
        app_proto="dns",
        dns={
            "version": 2,
            "type": "answer",
            "id": 9,
            "rrname": "intranet.corp.example",
            "rrtype": "A",
            "rcode": "NOERROR",
            "answers": [{"rrname": "intranet.corp.example", "rrtype": "A", "rdata": "10.1.0.80"}],
        },
    ),
    # HTTP proxy by CONNECT
    eve(
        "http",
        "10.1.0.50",
        50002,
        "10.1.0.8",
        3128,
        app_proto="http",
        http={
            "hostname": "example.com",
            "url": "example.com:443",
            "http_method": "CONNECT",
            "protocol": "HTTP/1.1",
            "status": 200,
            "length": 0,
        },
    ),
    # proxy port with three clients, and one with only two
    *(flow(f"10.1.0.{60 + i}", "10.1.0.9", 8080) for i in range(3)),
    *(flow(f"10.1.0.{60 + i}", "10.1.0.19", 8080) for i in range(2)),
    # printers: one answers on 9100, one never answers
    flow("10.1.0.50", "10.1.0.30", 9100),
    flow("10.1.0.50", "10.1.0.31", 9100, replied=False),
    # mail server
    eve(
        "smtp",
        "10.1.0.50",
        50003,
        "10.1.0.25",
        25,
        app_proto="smtp",
        smtp={"helo": "ws50", "mail_from": "<alice@corp.example>", "rcpt_to": ["<bob@x.org>"]},
    ),
    # file server: an SMB tree connect to a share
    eve(
        "smb",
        "10.1.0.50",
        50004,
        "10.1.0.40",
        445,
        app_proto="smb",
        smb={
            "id": 5,
            "dialect": "3.11",
            "command": "SMB2_COMMAND_TREE_CONNECT",
            "status": "STATUS_SUCCESS",
            "status_code": "0x0",
            "session_id": 1,
            "tree_id": 1,
            "share": "\\\\FS01\\projects",
            "share_type": "FILE",
        },
    ),
    # database server and web server
    flow("10.1.0.50", "10.1.0.54", 5432),
    eve(
        "http",
        "10.1.0.50",
        50005,
        "10.1.0.80",
        80,
        app_proto="http",
        http={
            "hostname": "intranet.corp.example",
            "url": "/",
            "http_user_agent": "Mozilla/5.0",
            "http_method": "GET",
            "protocol": "HTTP/1.1",
            "status": 200,
            "length": 512,
            "server": "nginx/1.25.3",
        },
    ),
]

EXPECTED = {
    "10.1.0.10": ["domain_controller"],
    "10.1.0.1": ["dhcp_server"],
    "10.1.0.53": ["dns_server"],
    "10.1.0.8": ["http_proxy"],
    "10.1.0.9": ["http_proxy"],
    "10.1.0.19": [],
    "10.1.0.30": ["printer"],
    "10.1.0.31": [],
    "10.1.0.25": ["mail_server"],
    "10.1.0.40": ["file_server"],
    "10.1.0.54": ["database_server"],
    "10.1.0.80": ["web_server"],
    "10.1.0.50": [],
}


async def test_roles_follow_what_each_host_serves(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    ingest(ch, ROLE_EVENTS)
    found = {}
    for ip in EXPECTED:
        response = await client.get(f"/api/v1/hosts/{ip}", headers=auth(read_key))
        assert response.status_code == 200, (ip, response.text)
        found[ip] = [role["name"] for role in response.json()["roles"]]
    assert found == EXPECTED


async def test_role_search_matches_the_documents(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    ingest(ch, ROLE_EVENTS)
    for role in ("domain_controller", "http_proxy", "printer", "web_server"):
        response = await client.get(
            "/api/v1/hosts", params={"host_query": f"role:{role}"}, headers=auth(read_key)
        )
        assert response.status_code == 200, response.text
        ips = {item["ip"] for item in response.json()["items"]}
        assert ips == {ip for ip, roles in EXPECTED.items() if role in roles}, role
    response = await client.get(
        "/api/v1/hosts", params={"host_query": "role:*_server"}, headers=auth(read_key)
    )
    servers = {item["ip"] for item in response.json()["items"]}
    assert servers == {ip for ip, roles in EXPECTED.items() if any("_server" in r for r in roles)}


async def test_an_unknown_role_is_a_clear_error(
    ch: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    response = await client.get(
        "/api/v1/hosts", params={"host_query": "role:mainframe"}, headers=auth(read_key)
    )
    assert response.status_code == 400
    assert "unknown role 'mainframe'" in response.json()["error"]["message"]
    assert "domain_controller" in response.json()["error"]["message"]
