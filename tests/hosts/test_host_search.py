"""Host search in the filter language over host attributes, alone and among a hunt's hosts."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from services.core import host_filter, lists
from services.core.clickhouse import Client
from services.core.filters import parse_query
from services.core.host_fields import HOST_FIELDS
from tests.conftest import TENANT
from tests.hosts.conftest import NOW, WIDE, auth, eve, ingest

ALICE_HOST = "10.2.0.60"  # alice via Kerberos a minute ago; queries 8.8.8.8
BOB_HOST = "10.2.0.61"  # CORP\bob via NTLMSSP three hours ago; queries 1.1.1.1
QUIET_HOST = "10.2.0.62"  # no user; queries 8.8.8.8 with python-requests
INTERNAL_RESOLVER = "10.2.0.53"
TLS_SERVER = "10.2.0.44"


def dns_query(client: str, resolver: str, name: str, ago_s: float = 30) -> dict[str, Any]:
    return eve(
        "dns",
        client,
        53000,
        resolver,
        53,
        proto="UDP",
        ago_s=ago_s,
        app_proto="dns",
        dns={"type": "query", "id": 1, "rrname": name, "rrtype": "A", "tx_id": 0},
    )


def tls(client: str, server: str, sni: str) -> dict[str, Any]:
    return eve(
        "tls",
        client,
        51000,
        server,
        443,
        app_proto="tls",
        tls={
            "sni": sni,
            "version": "TLS 1.2",
            "subject": f"CN={sni}",
            "issuerdn": "CN=Corp CA",
            "ja3": {"hash": "e7d705a3286e19ea42f587b344ee6865"},
            "ja3s": {"hash": "f4febc55ea12b31ae17cfb7e614afda8"},
        },
    )


EVENTS = [
    eve(
        "krb5",
        ALICE_HOST,
        50001,
        "10.2.0.10",
        88,
        ago_s=60,
        app_proto="krb5",
        krb5={"msg_type": "KRB_TGS_REP", "cname": "alice", "realm": "CORP", "sname": "cifs/fs"},
    ),
    eve(
        "smb",
        BOB_HOST,
        50002,
        "10.2.0.40",
        445,
        ago_s=3 * 3600,
        app_proto="smb",
        smb={
            "id": 2,
            "dialect": "3.11",
            "command": "SMB2_COMMAND_SESSION_SETUP",
            "status": "STATUS_SUCCESS",
            "ntlmssp": {"domain": "CORP", "user": "bob", "host": "WS-BOB"},
        },
    ),
    dns_query(ALICE_HOST, "8.8.8.8", "www.wikipedia.org"),
    dns_query(ALICE_HOST, "8.8.8.8", "api.github.com"),
    dns_query(BOB_HOST, "1.1.1.1", "www.bbc.co.uk"),
    dns_query(QUIET_HOST, "8.8.8.8", "pypi.org"),
    dns_query(ALICE_HOST, INTERNAL_RESOLVER, "intranet.corp.example"),
    eve(
        "http",
        QUIET_HOST,
        52000,
        "93.184.216.34",
        80,
        app_proto="http",
        http={"hostname": "example.com", "url": "/", "http_user_agent": "python-requests/2.31"},
    ),
    tls(ALICE_HOST, TLS_SERVER, "wiki.corp.example"),
    tls(ALICE_HOST, "93.184.216.34", "example.com"),
]

PUBLIC_DNS = "event_type:dns AND dest_ip:@public_resolvers"


@pytest.fixture
def org(ch: Client) -> Client:
    lists.put_list(ch, "", "public_resolvers", ["8.8.8.8", "1.1.1.0/24"])
    lists.put_list(ch, TENANT, "approved_resolvers", [INTERNAL_RESOLVER])
    ingest(ch, EVENTS)
    return ch


async def search(client: httpx.AsyncClient, key: str, **params: str) -> Any:
    response = await client.get("/api/v1/hosts", params=params, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


def ips(page: Any) -> set[str]:
    return {item["ip"] for item in page["items"]}


async def test_each_host_query_form(org: Client, client: httpx.AsyncClient, read_key: str) -> None:
    async def hosts(host_query: str) -> set[str]:
        return ips(await search(client, read_key, host_query=host_query))

    assert await hosts("username:*") == {ALICE_HOST, BOB_HOST}
    assert await hosts("logged_in:true") == {ALICE_HOST}
    assert await hosts("user_agent:*python*") == {QUIET_HOST}
    assert await hosts("resolver:@public_resolvers") == {ALICE_HOST, BOB_HOST, QUIET_HOST}
    assert await hosts("resolver:@public_resolvers AND NOT username:*") == {QUIET_HOST}
    assert await hosts("service.port:443 AND NOT net_info:internet") == {TLS_SERVER}
    assert await hosts("service.port:443") == {TLS_SERVER, "93.184.216.34"}
    assert await hosts('ntlmssp.user:"CORP\\\\bob"') == {BOB_HOST}
    assert await hosts("hostname:WS-*") == {BOB_HOST}
    assert await hosts('ip:"10.2.0.62/31"') == {QUIET_HOST}
    assert await hosts("ja3:e7d705a3286e19ea42f587b344ee6865") == {ALICE_HOST}


async def test_logged_in_is_relative_to_the_end_of_the_range(
    org: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    three_hours_ago = (NOW - timedelta(hours=3) + timedelta(minutes=5)).isoformat()
    page = await search(client, read_key, host_query="logged_in:true", to=three_hours_ago)
    assert ips(page) == {BOB_HOST}
    bob = page["items"][0]["users"]
    assert [(u["name"], u["logged_in"]) for u in bob] == [("CORP\\bob", True)]


async def test_hosts_with_logged_in_users_among_the_public_dns_hunt(
    org: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    page = await search(client, read_key, host_query="logged_in:true", query=PUBLIC_DNS)
    assert [(i["ip"], i["events"]) for i in page["items"]] == [(ALICE_HOST, 2)]
    assert [u["name"] for u in page["items"][0]["users"]] == ["alice"]
    everyone = await search(client, read_key, query=PUBLIC_DNS)
    counts = {i["ip"]: i["events"] for i in everyone["items"]}
    assert counts == {ALICE_HOST: 2, BOB_HOST: 1, QUIET_HOST: 1, "8.8.8.8": 3, "1.1.1.1": 1}
    # the same hunt by its catalog id
    hunt = await search(
        client, read_key, host_query="logged_in:true", filter_set="catalog:policy-public-dns"
    )
    assert ips(hunt) == {ALICE_HOST}


async def test_pages_follow_the_cursor(
    org: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    seen: list[str] = []
    params = {"host_query": "resolver:*", "sort": "ip", "limit": "2"}
    page = await search(client, read_key, **params)
    seen += [i["ip"] for i in page["items"]]
    while page["next_cursor"]:
        page = await search(client, read_key, **params, cursor=page["next_cursor"])
        seen += [i["ip"] for i in page["items"]]
    assert seen == sorted([ALICE_HOST, BOB_HOST, QUIET_HOST], key=lambda ip: ip.split("."))


async def test_a_hunts_hosts_page_by_event_count_with_first_and_last_seen(
    org: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    seen: list[tuple[str, int]] = []
    page = await search(client, read_key, query=PUBLIC_DNS, limit="2")
    while True:
        seen += [(i["ip"], i["events"]) for i in page["items"]]
        for item in page["items"]:
            assert item["first_seen"] <= item["last_seen"], item
        if not page["next_cursor"]:
            break
        page = await search(
            client, read_key, query=PUBLIC_DNS, limit="2", cursor=page["next_cursor"]
        )
    everyone = await search(client, read_key, query=PUBLIC_DNS)
    assert seen == [(i["ip"], i["events"]) for i in everyone["items"]]
    assert [n for _ip, n in seen] == sorted((n for _ip, n in seen), reverse=True)
    assert len(seen) == 5
    # the first / last seen of a host are of all its events, not only the hunt's
    alice = await client.get(f"/api/v1/hosts/{ALICE_HOST}", params=WIDE, headers=auth(read_key))
    mine = next(i for i in everyone["items"] if i["ip"] == ALICE_HOST)
    document = alice.json()
    assert (mine["first_seen"], mine["last_seen"]) == (
        document["first_seen"],
        document["last_seen"],
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"host_query": "usernme:*"}, 'unknown field "usernme"'),
        ({"host_query": "logged_in:maybe"}, "expected true or false for logged_in"),
        ({"host_query": "bob"}, "free text needs a field"),
        ({"query": "dns.rrnmae:x"}, 'unknown field "dns.rrnmae"'),
        ({"sort": "size"}, "parameter 'sort'"),
        ({"cursor": "nope"}, "parameter 'cursor'"),
        ({"filter_set": "catalog:no-such-hunt"}, "no-such-hunt"),
    ],
)
async def test_bad_search_input_is_a_clear_4xx(
    org: Client, client: httpx.AsyncClient, read_key: str, params: dict[str, str], message: str
) -> None:
    response = await client.get("/api/v1/hosts", params=params, headers=auth(read_key))
    assert response.status_code in (400, 404), response.text
    assert message in response.json()["error"]["message"]


async def test_other_tenants_hosts_stay_invisible(
    org: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    ingest(org, [dns_query("10.9.9.9", "8.8.8.8", "other.example")], tenant="globex")
    assert "10.9.9.9" not in ips(await search(client, read_key, query=PUBLIC_DNS))
    response = await client.get("/api/v1/hosts/10.9.9.9", headers=auth(read_key))
    assert response.status_code == 404


EVENTS_BY_TYPE = """
    SELECT event_type, count() FROM events WHERE tenant = {{tenant:String}}
      AND ts >= {{start:DateTime64(6, 'UTC')}} AND ts <= {{end:DateTime64(6, 'UTC')}}
      AND ({condition}) GROUP BY event_type ORDER BY event_type
"""


def test_event_queries_can_be_restricted_by_host(org: Client) -> None:
    """The core helper the hunts service uses for `host_query` on event searches."""
    start, end = NOW - timedelta(days=1), NOW + timedelta(minutes=1)
    condition = host_filter.event_condition(
        parse_query("logged_in:true", HOST_FIELDS), TENANT, start, end, end, 3600, side="src"
    )
    rows = org.query(
        EVENTS_BY_TYPE.format(condition=condition.sql),
        parameters={"tenant": TENANT, "start": start, "end": end, **condition.params},
    ).result_rows
    assert rows == [("dns", 3), ("krb5", 1), ("tls", 2)]


async def test_saved_filter_sets_restrict_by_query_or_stamus_content(
    org: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    """Saved sets live in the hunts service's `filter_sets` table; read as data by id."""
    by_query, by_content = uuid.uuid4(), uuid.uuid4()
    content = '[{"id": "dest_ip", "value": "1.1.1.1", "negated": false, "fullString": true}]'
    org.insert(
        "filter_sets",
        [
            [TENANT, by_query, "public dns", "event_type:dns AND dest_ip:8.8.8.8", "", 1, False],
            [TENANT, by_content, "cloudflare", "", content, 1, False],
        ],
        column_names=["tenant", "id", "name", "query", "content", "version", "deleted"],
    )
    page = await search(client, read_key, host_query="NOT ip:8.8.8.8", filter_set=str(by_query))
    assert ips(page) == {ALICE_HOST, QUIET_HOST}
    page = await search(client, read_key, host_query="NOT ip:1.1.1.1", filter_set=str(by_content))
    assert ips(page) == {BOB_HOST}
    response = await client.get(
        "/api/v1/hosts", params={"filter_set": str(uuid.uuid4())}, headers=auth(read_key)
    )
    assert response.status_code == 404


async def test_per_flow_fields_are_searched_over_every_host(
    org: Client, client: httpx.AsyncClient, read_key: str
) -> None:
    # rolled up like every attribute: the host that asked, as the events say
    page = await search(client, read_key, host_query="tls.sni:example.com")
    assert ips(page) == {ALICE_HOST}
    assert ips(await search(client, read_key, query="tls.sni:example.com")) == {
        ALICE_HOST,
        "93.184.216.34",
    }
    assert ips(await search(client, read_key, host_query="dns.domain:x")) == set()
    # complete now: every port a host sent DNS to (the view kept only the odd ones)
    both = await search(client, read_key, host_query="dns.port:53 AND tls.sni:*")
    assert ips(both) == {ALICE_HOST}
    asked = await search(client, read_key, host_query="dns.port:53")
    assert {ALICE_HOST, BOB_HOST, QUIET_HOST} <= ips(asked)
