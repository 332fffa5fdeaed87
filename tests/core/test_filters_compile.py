"""Each operator, compiled and run on the real engine, returns exactly the expected events."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from services.core import fields, lists
from services.core.clickhouse import Client
from services.core.errors import Invalid
from services.core.filters import Filter, compile_filter, compile_for_events, parse_query
from services.core.filters.membership import ListVersion

TENANT = "acme"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

# Each event is labelled by its community_id, so results read as sets of labels.
EVENTS: list[dict[str, Any]] = [
    {
        "community_id": "dns1",
        "event_type": "dns",
        "src_ip": "::ffff:10.0.0.1",
        "dest_ip": "::ffff:8.8.8.8",
        "dest_port": 53,
        "proto": "UDP",
        "app_proto": "dns",
        "dns_rrname": "www.example.com",
        "dns_rrtype": "A",
        "dns_answers": ["93.184.216.34"],
        "hostname_info_domain": "example.com",
        "hostname_info_subdomain": "www",
        "src_net": "lan",
        "dest_net": "internet",
        "src_internal": True,
        "raw": {"dns": {"type": "query", "rrname": "www.example.com"}},
    },
    {
        "community_id": "dns2",
        "event_type": "dns",
        "src_ip": "::ffff:10.0.0.2",
        "dest_ip": "::ffff:192.168.1.1",
        "dest_port": 53,
        "proto": "UDP",
        "app_proto": "dns",
        "dns_rrname": "host.dyndns.org",
        "dns_rrtype": "TXT",
        "hostname_info_domain": "dyndns.org",
        "src_net": "lan",
        "dest_net": "dmz",
        "src_internal": True,
        "dest_internal": True,
        "raw": {"dns": {"type": "query", "rrname": "host.dyndns.org"}},
    },
    {
        "community_id": "tls1",
        "event_type": "tls",
        "src_ip": "::ffff:10.1.2.3",
        "dest_ip": "2001:db8::5",
        "dest_port": 443,
        "proto": "TCP",
        "app_proto": "tls",
        "tls_sni": "api.github.com",
        "tls_ja3": "e7d705a3286e19ea42f587b344ee6865",
        "tls_version": "TLS 1.2",
        "hostname_info_domain": "github.com",
        "src_net": "lan",
        "dest_net": "internet",
        "raw": {"tls": {"sni": "api.github.com", "ja3": {"string": "771,49195"}}},
    },
    {
        "community_id": "http1",
        "event_type": "http",
        "src_ip": "::ffff:172.16.5.5",
        "dest_ip": "::ffff:93.184.216.34",
        "src_port": 50000,
        "dest_port": 8080,
        "proto": "TCP",
        "app_proto": "http",
        "http_hostname": "evil.test",
        "http_url": "/admin/login.php?a=100%",
        "http_user_agent": "Mozilla/5.0 (X11; Linux)",
        "http_method": "POST",
        "http_status": 404,
        "raw": {"http": {"hostname": "evil.test", "http_port": 8080}},
    },
    {
        "community_id": "flow1",
        "event_type": "flow",
        "src_ip": "::ffff:192.168.1.10",
        "dest_ip": "::ffff:10.0.0.1",
        "src_port": 40000,
        "dest_port": 22,
        "proto": "TCP",
        "app_proto": "ssh",
        "flow_bytes_toserver": 2_000_000,
        "flow_age": 1500,
        "raw": {"flow": {"bytes_toserver": 2000000, "age": 1500}},
    },
    {
        "community_id": "alert1",
        "event_type": "alert",
        "src_ip": "::ffff:10.0.0.9",
        "dest_ip": "::ffff:10.0.0.10",
        "dest_port": 445,
        "proto": "TCP",
        "app_proto": "smb",
        "alert_signature": "ET MALWARE Something Bad",
        "alert_signature_id": 2010000,
        "alert_severity": 1,
        "raw": {
            "alert": {"signature_id": 2010000, "metadata": {"source": ["smb_lateral", "x"]}},
            "smb": {"ntlmssp": {"version": "6.1"}, "dialect": "2.10"},
            "dcerpc": {"req": {"opnum": 15}},
        },
    },
]
OTHER_TENANT = {**EVENTS[0], "community_id": "other-tenant"}


def insert(ch: Client, tenant: str, events: list[dict[str, Any]]) -> None:
    """Insert events in one batch; columns an event leaves out get the column's empty value."""
    rows_of_types = ch.query(
        "SELECT name, type FROM system.columns WHERE database = currentDatabase()"
        " AND table = 'events' LIMIT 1000"
    ).result_rows
    types = {str(name): str(type_) for name, type_ in rows_of_types}
    columns = sorted({k for e in events for k in e} | {"tenant", "ts"})
    rows = []
    for event in events:
        row = {**event, "tenant": tenant, "ts": T0, "raw": json.dumps(event.get("raw", {}))}
        rows.append([row[c] if c in row else empty(types[c]) for c in columns])
    ch.insert("events", rows, column_names=columns)


def empty(column_type: str) -> Any:
    if column_type.startswith("Array"):
        return []
    if column_type == "IPv6":
        return "::"
    if column_type == "Bool":
        return False
    if "String" in column_type:
        return ""
    return 0


@pytest.fixture(scope="module")
def events(engine: Client) -> Client:
    """The events above, inserted once for the module (tests here only read them)."""
    for table in ("events", "lists", "list_items", "event_tags"):
        engine.command(f"TRUNCATE TABLE {table}")
    insert(engine, TENANT, EVENTS)
    insert(engine, "other", [OTHER_TENANT])
    return engine


def labels(ch: Client, query: str, tenant: str = TENANT, bound: bool = False) -> set[str]:
    """The events `query` matches; `bound`: with the lists' versions resolved before the query
    and bound, as hunts run filters."""
    ast = parse_query(query)
    versions = lists.check_references(ch, tenant, ast, expected=["no_such_list"]) if bound else None
    compiled = compile_filter(ast, fields.EVENT_FIELDS, tenant, versions)
    sql = compiled.embed(
        "SELECT community_id FROM events WHERE tenant = {tenant:String} AND $filter LIMIT 100"
    )
    rows = ch.query(sql, parameters={"tenant": tenant, **compiled.params}).result_rows
    return {r[0] for r in rows}


ALL = {e["community_id"] for e in EVENTS}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("event_type:dns", {"dns1", "dns2"}),
        ("event_type:DNS", {"dns1", "dns2"}),
        ("proto:udp", {"dns1", "dns2"}),
        ("dns.rrname:WWW.Example.COM", {"dns1"}),
        ("dns.query.rrname:www.example.com", {"dns1"}),
        ("dns.rrname:*.example.com", {"dns1"}),
        ("dns.rrname:host.dyndns.o?g", {"dns2"}),
        ("http.http_user_agent:mozilla*", {"http1"}),
        ("http.http_user_agent:Mozilla/5.0", set()),
        ('http.http_user_agent:"Mozilla/5.0 (X11; Linux)"', {"http1"}),
        ('http.url:"/admin/login.php?a=100%"', {"http1"}),
        ("http.url:*100%", {"http1"}),
        ("http.url:*10_%", set()),
        ("http.url:*a\\=100\\%", {"http1"}),
        ("http.hostname:/evil\\.[a-z]+/", {"http1"}),
        ("http.hostname:/evil/", set()),
        ("http.hostname:/e.*/ OR tls.sni:/.*\\.github\\.com/", {"http1", "tls1"}),
        ("dest_ip:8.8.8.8", {"dns1"}),
        ('dest_ip:"::ffff:8.8.8.8"', {"dns1"}),
        ("dest_ip:10.0.0.0/8", {"flow1", "alert1"}),
        ('src_ip:"10.0.0.0/24"', {"dns1", "dns2", "alert1"}),
        ('dest_ip:"2001:db8::/32"', {"tls1"}),
        ("dest_ip:10.0.*", {"flow1", "alert1"}),
        ("ip:10.0.0.1", {"dns1", "flow1"}),
        ("NOT ip:10.0.0.0/8", {"http1"}),
        ("port:22", {"flow1"}),
        ("port:>=50000", {"http1"}),
        ("dest_port:[53 TO 443]", {"dns1", "dns2", "tls1"}),
        ("dest_port:{53 TO 443}", set()),
        ("dest_port:{53 TO 443]", {"tls1"}),
        ("dest_port:<53", {"flow1"}),
        ("flow.bytes_toserver:>1000000", {"flow1"}),
        ("flow.age:>1200 AND app_proto:ssh", {"flow1"}),
        ("dest_ip:[10.0.0.0 TO 10.0.0.5]", {"flow1"}),
        ("timestamp:>=2026-11-01T12:00:00Z", ALL),
        ("timestamp:<2026-11-01", set()),
        ("NOT event_type:dns", ALL - {"dns1", "dns2"}),
        ("-event_type:dns -event_type:tls", ALL - {"dns1", "dns2", "tls1"}),
        ("_exists_:tls.sni", {"tls1"}),
        ("tls.sni:*", {"tls1"}),
        ("NOT _exists_:tls.sni AND NOT _exists_:http.hostname", ALL - {"tls1", "http1"}),
        ("_exists_:dns.answers.rdata", {"dns1"}),
        ("dns.answers.rdata:93.184.216.34", {"dns1"}),
        ("dns.answers.rdata:93.184.*", {"dns1"}),
        ("tls.ja3.hash:E7D705A3286E19EA42F587B344EE6865", {"tls1"}),
        ("alert.signature:*malware*", {"alert1"}),
        ("alert.signature_id:2010000 AND alert.severity:1", {"alert1"}),
        ("net_info:dmz", {"dns2"}),
        ("net_info.src:lan AND net_info.dest:internet", {"dns1", "tls1"}),
        ("net_info.dest_internal:true", {"dns2"}),
        ("hostname_info.domain:(example.com OR github.com)", {"dns1", "tls1"}),
        ("dest_port:(53 OR 22) AND NOT proto:udp", {"flow1"}),
        ("smb.ntlmssp.version:6.1", {"alert1"}),
        ("dcerpc.req.opnum:15", {"alert1"}),
        ("dcerpc.req.opnum:>10", {"alert1"}),
        ("dcerpc.req.opnum:<10", set()),
        ("_exists_:dcerpc.req", {"alert1"}),
        ("alert.metadata.source:smb_lateral", {"alert1"}),
        ("alert.metadata.source:smb*", {"alert1"}),
        ("NOT alert.metadata.source:smb_lateral", ALL - {"alert1"}),
        ("http.http_port:8080", {"http1"}),
        ("tls.ja3.string:771*", {"tls1"}),
        ('"GITHUB.com"', {"tls1"}),
        ("*ntlmssp*", {"alert1"}),
        ("*", ALL),
    ],
)
def test_operator_returns_exactly_the_expected_events(
    events: Client, query: str, expected: set[str]
) -> None:
    assert labels(events, query) == expected


def test_every_filter_is_scoped_to_the_caller_tenant(events: Client) -> None:
    assert labels(events, "dns.rrname:www.example.com", tenant="other") == {"other-tenant"}


@pytest.fixture(scope="module")
def with_lists(events: Client) -> Client:
    lists.put_list(
        events,
        "",
        "resolvers",
        ["8.8.8.8", "2001:db8::/48", "192.168.0.0/16"],
        "public resolvers",
        "shipped",
    )
    lists.put_list(events, "", "dyndns", ["*.dyndns.org", "example.com"], "dynamic dns", "shipped")
    lists.put_list(events, "", "ports", ["22", "3389"])
    lists.put_list(events, "", "addresses", ["8.8.8.8", "2001:db8::5"])  # no networks
    lists.put_list(events, "", "agents", [{"value": "Mozilla", "match": "prefix"}])
    lists.put_list(events, "other", "dyndns", ["github.com"])
    return events


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dest_ip:@resolvers", {"dns1", "dns2", "tls1"}),
        ("NOT dest_ip:@resolvers", ALL - {"dns1", "dns2", "tls1"}),
        ("ip:@resolvers", {"dns1", "dns2", "tls1", "flow1"}),
        ("dest_ip:@addresses", {"dns1", "tls1"}),
        ("NOT dest_ip:@addresses", ALL - {"dns1", "tls1"}),
        ("dns.rrname:@dyndns", {"dns2"}),
        ("hostname_info.domain:@dyndns", {"dns1", "dns2"}),
        ("dest_port:@ports", {"flow1"}),
        ("http.http_user_agent:@agents", {"http1"}),
        ("dest_ip:@no_such_list", set()),
    ],
)
@pytest.mark.parametrize("bound", [False, True], ids=["looked-up", "bound"])
def test_lists_match_addresses_networks_and_names(
    with_lists: Client, query: str, expected: set[str], bound: bool
) -> None:
    assert labels(with_lists, query, bound=bound) == expected


@pytest.mark.parametrize("bound", [False, True], ids=["looked-up", "bound"])
def test_a_tenant_list_shadows_the_shipped_one(with_lists: Client, bound: bool) -> None:
    lists.put_list(with_lists, TENANT, "dyndns", ["api.github.com"])
    assert labels(with_lists, "tls.sni:@dyndns", bound=bound) == {"tls1"}
    assert labels(with_lists, "dns.rrname:@dyndns", bound=bound) == set()
    lists.delete_list(with_lists, TENANT, "dyndns")
    assert labels(with_lists, "dns.rrname:@dyndns", bound=bound) == {"dns2"}


def test_tag_field_reads_event_tags(events: Client) -> None:
    rows_of_ids = events.query(
        "SELECT community_id, id FROM events WHERE tenant = {t:String} LIMIT 100",
        parameters={"t": TENANT},
    ).result_rows
    ids = {str(label): event_id for label, event_id in rows_of_ids}
    rows = [
        [TENANT, ids["dns1"], T0, "relevant", "00000000-0000-0000-0000-000000000001", 1],
        [TENANT, ids["tls1"], T0, "informational", "00000000-0000-0000-0000-000000000001", 1],
        ["other", ids["http1"], T0, "relevant", "00000000-0000-0000-0000-000000000001", 1],
    ]
    columns = ["tenant", "event_id", "ts", "tag", "policy_id", "version"]
    events.insert("event_tags", rows, column_names=columns)
    assert labels(events, "tag:relevant") == {"dns1"}
    assert labels(events, "tag:RELEVANT OR tag:inform*") == {"dns1", "tls1"}
    assert labels(events, "_exists_:tag") == {"dns1", "tls1"}
    assert labels(events, "NOT _exists_:tag") == ALL - {"dns1", "tls1"}


def test_filter_bundles_text_and_stamus_content(events: Client) -> None:
    content = [{"id": "app_proto", "value": "dns", "negated": False, "fullString": True}]
    both = Filter.from_request("dest_ip:8.8.8.8", content)
    assert both.to_text() == "dest_ip:8.8.8.8 AND app_proto:dns"
    assert Filter.from_request(None, None).matches_all
    compiled = compile_for_events(TENANT, "event_type:dns", content)
    sql = compiled.embed("SELECT count() FROM events WHERE tenant = {tenant:String} AND $filter")
    count = events.query(sql, parameters={"tenant": TENANT, **compiled.params}).result_rows
    assert count == [(2,)]


def test_parameters_never_collide_with_the_callers() -> None:
    compiled = compile_filter(
        parse_query("dest_ip:@x AND tag:relevant AND dns.rrname:a"), fields.EVENT_FIELDS, "t"
    )
    assert not set(compiled.params) & {"tenant", "start", "end", "limit"}
    assert all(name.startswith("f") for name in compiled.params)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("dest_port:*abc*", "wildcard is not supported for int field dest_port"),
        ("net_info.src_internal:[true TO false]", "range is not supported for bool field"),
        ("hostname_info.is_ip:@x", "in_list is not supported for bool field"),
    ],
)
def test_operators_a_kind_cannot_take_are_refused(query: str, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        parse_query(query)


def test_bound_lists_skip_the_network_branch_when_they_hold_no_networks() -> None:
    ast = parse_query("dest_ip:@a AND NOT dest_ip:@b AND dest_ip:@unfilled")
    versions = {"a": ListVersion("", 7, has_networks=False), "b": ListVersion("acme", 9)}
    compiled = compile_filter(ast, fields.EVENT_FIELDS, TENANT, versions)
    assert compiled.sql.count("kind = 'cidr'") > 0  # list b holds networks
    assert "FROM lists" not in compiled.sql  # versions bound, not looked up
    assert {7, 9} <= set(compiled.params.values())
    a_only = compile_filter(parse_query("dest_ip:@a"), fields.EVENT_FIELDS, TENANT, versions)
    assert "kind = 'cidr'" not in a_only.sql
    unfilled = compile_filter(parse_query("dest_ip:@unfilled"), fields.EVENT_FIELDS, TENANT, {})
    assert unfilled.sql == "0"
