"""The demo generator: valid Suricata 8 EVE, deterministic, streaming, true to its ground truth."""

from __future__ import annotations

import csv
import gzip
import inspect
import ipaddress
import itertools
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest

from services.core.errors import Invalid
from services.demo import activities, internet, scenarios, servers
from services.demo.generator import generate, ground_truth, write_eve
from services.demo.organization import Organization
from services.demo.scenarios import GroundTruth

SHARED = Path(__file__).resolve().parents[3] / "shared"
SCHEMA = SHARED / "corpus" / "schema" / "suricata-eve-schema-8.0.6.json"
PUBLIC_RESOLVERS_CSV = SHARED / "reference" / "dns" / "public_resolvers.csv"
END = datetime(2026, 11, 30, 22, 0, 0, tzinfo=UTC)
SEED = 7
EVENT_TYPES = {
    "alert", "anomaly", "dhcp", "dns", "fileinfo", "flow", "http", "krb5", "ldap", "quic", "smb",
    "ssh", "tls",
}  # fmt: skip
ADMIN_EVENT_TYPES = {"rdp", "pgsql", "ftp", "smtp"}  # IT administrators' sessions, when logged in

Event = dict[str, Any]


@pytest.fixture(scope="module")
def org() -> Organization:
    return Organization.build(hosts=50, seed=SEED)


@pytest.fixture(scope="module")
def lines(org: Organization) -> list[bytes]:
    return list(generate(org, hours=2, events=5000, end=END, seed=SEED))


@pytest.fixture(scope="module")
def events(lines: list[bytes]) -> list[Event]:
    return [orjson.loads(line) for line in lines]


@pytest.fixture(scope="module")
def truth(org: Organization) -> GroundTruth:
    return ground_truth(org, hours=2, events=5000, end=END, seed=SEED)


@pytest.fixture(scope="module")
def public_resolver_ips() -> set[str]:
    with PUBLIC_RESOLVERS_CSV.open() as f:
        return {row["ip"] for row in csv.DictReader(f)}


def without_custom_fields(event: Event) -> Event:
    """The event less what Suricata logs only when configured to: `custom: [server]` in the
    http logger adds the Server header as `http.server`, which the published schema omits."""
    if "server" not in event.get("http", {}):
        return event
    http = {k: v for k, v in event["http"].items() if k != "server"}
    return {**event, "http": http}


def test_every_line_validates_against_the_suricata_8_schema(events: list[Event]) -> None:
    validator = jsonschema.Draft202012Validator(orjson.loads(SCHEMA.read_bytes()))
    failures = [
        (event["event_type"], error.message)
        for event in events
        for error in itertools.islice(validator.iter_errors(without_custom_fields(event)), 1)
    ]
    assert failures == []
    assert 4000 <= len(events) <= 6500


def test_every_event_type_it_emits_appears(events: list[Event]) -> None:
    emitted = set(Counter(e["event_type"] for e in events))
    assert EVENT_TYPES <= emitted <= EVENT_TYPES | ADMIN_EVENT_TYPES


def test_events_carry_layer_2_and_servers_their_headers(events: list[Event]) -> None:
    flows = [e for e in events if e["event_type"] == "flow"]
    assert all(e["ether"]["src_mac"] and e["ether"]["dest_mac"] for e in flows)
    assert {e["vlan"][0] for e in flows if "vlan" in e} >= {101, 120}
    assert {e["http"]["server"] for e in events if "server" in e.get("http", {})}
    assert all("magic" in e["fileinfo"] for e in events if e["event_type"] == "fileinfo")


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(
    org: Organization, lines: list[bytes]
) -> None:
    again = list(generate(org, hours=2, events=5000, end=END, seed=SEED))
    assert again == lines
    other = list(itertools.islice(generate(org, hours=2, events=5000, end=END, seed=8), 200))
    assert other != lines[:200]


def test_events_are_inside_the_window_and_in_time_order(events: list[Event]) -> None:
    stamps = [datetime.strptime(e["timestamp"], "%Y-%m-%dT%H:%M:%S.%f%z") for e in events]
    assert min(stamps) >= END - timedelta(hours=2, minutes=1)
    assert max(stamps) <= END
    dns = [s for s, e in zip(stamps, events, strict=True) if e["event_type"] == "dns"]
    assert dns == sorted(dns)


def test_every_public_dns_host_queries_a_public_resolver_on_53(
    events: list[Event], truth: GroundTruth
) -> None:
    assert truth.public_dns_hosts
    for ip, entry in truth.public_dns_hosts.items():
        used = {
            e["dest_ip"]
            for e in events
            if e["event_type"] == "dns" and e["src_ip"] == ip and e["dest_port"] == 53
        }
        assert set(entry["resolvers"]) <= used, ip


def test_only_planted_hosts_talk_to_public_resolvers(
    events: list[Event], truth: GroundTruth, public_resolver_ips: set[str]
) -> None:
    encrypted = set(truth.doh_hosts) | set(truth.dot_hosts)
    for e in events:
        if e["dest_ip"] not in public_resolver_ips:
            continue
        if e["event_type"] == "dns":
            assert e["src_ip"] in truth.public_dns_hosts, e
        else:
            assert e["src_ip"] in set(truth.public_dns_hosts) | encrypted, e


def test_no_address_the_organization_talks_to_is_a_public_resolver(
    public_resolver_ips: set[str],
) -> None:
    sites = list(internet.COMMON_SITES) + [
        s for sites in internet.DEPARTMENT_SITES.values() for s in sites
    ]
    sites += [(row[0], "akamai") for row in internet.SYSTEM_HTTP]
    sites += [(activities.APT_MIRROR[0], "akamai"), (scenarios.OLD_TLS_SNI, "other")]
    sites += [(name, "other") for name, _ in activities.PROXIED]
    sites += [(name, "other") for name, _, _ in internet.SCRIPT_TARGETS]
    addresses = {ip for name, provider in sites for ip in internet.site(name, provider).ips}
    addresses |= {ip for _, ip in internet.DYNDNS_NAMES} | set(activities.MAIL_PEERS)
    addresses |= set(internet.ISP_UPSTREAM) | {ip for ip, _ in internet.ODD_PORT_RESOLVERS}
    assert addresses.isdisjoint(public_resolver_ips)
    prefixes = servers.SCANNER_SOURCES + servers.VISITOR_SOURCES
    assert not [ip for ip in public_resolver_ips if ip.startswith(prefixes)]


def test_internal_resolvers_forward_only_to_the_approved_upstream(
    org: Organization, events: list[Event], truth: GroundTruth
) -> None:
    resolvers = {h.ip for h in org.resolvers}
    upstream = {
        e["dest_ip"]
        for e in events
        if e["src_ip"] in resolvers and not ipaddress.ip_address(e["dest_ip"]).is_private
    }
    assert upstream
    assert upstream <= set(truth.approved_resolvers)
    assert upstream == set(internet.ISP_UPSTREAM)
    assert resolvers <= set(truth.approved_resolvers)


def test_dns_on_odd_ports_comes_only_from_the_planted_hosts(
    events: list[Event], truth: GroundTruth
) -> None:
    odd = {e["src_ip"] for e in events if e["event_type"] == "dns" and e["dest_port"] != 53}
    assert odd == set(truth.nonstandard_dns_hosts)


def test_encrypted_dns_comes_only_from_the_planted_hosts(
    events: list[Event], truth: GroundTruth
) -> None:
    doh_names = {sni for sni, _ in internet.DOH_SERVERS}
    tls = [e for e in events if e["event_type"] == "tls"]
    doh = {e["src_ip"] for e in tls if e["tls"]["sni"] in doh_names and e["dest_port"] == 443}
    dot = {e["src_ip"] for e in tls if e["dest_port"] == 853}
    assert doh == set(truth.doh_hosts)
    assert dot == set(truth.dot_hosts)
    bootstraps = {
        e["src_ip"]
        for e in events
        if e["event_type"] == "dns" and e["dns"]["queries"][0]["rrname"] in doh_names
    }
    assert bootstraps <= set(truth.doh_hosts)


def test_scripting_agents_dyndns_and_old_tls_come_only_from_the_planted_hosts(
    events: list[Event], truth: GroundTruth
) -> None:
    scripting = {
        e["src_ip"]
        for e in events
        if e["event_type"] == "http" and e["http"]["http_user_agent"] in internet.SCRIPT_UAS
    }
    assert scripting == set(truth.scripting_ua_hosts)
    dyndns_names = {name for name, _ in internet.DYNDNS_NAMES}
    dyndns = {
        e["src_ip"]
        for e in events
        if e["event_type"] == "dns"
        and e["dns"]["queries"][0]["rrname"] in dyndns_names
        and e["src_ip"] not in truth.approved_resolvers
    }
    assert dyndns == set(truth.dyndns_hosts)
    old = {
        e["src_ip"] for e in events if e["event_type"] == "tls" and e["tls"]["version"] == "TLS 1.0"
    }
    assert old == set(truth.old_tls_hosts)
    alerted = {
        (e["alert"]["signature_id"], e["src_ip"]) for e in events if e["event_type"] == "alert"
    }
    assert {ip for sid, ip in alerted if sid == 2013028} <= set(truth.scripting_ua_hosts)
    assert {ip for sid, ip in alerted if sid == 2042936} == set(truth.dyndns_hosts)


def test_user_logins_match_the_ground_truth(events: list[Event], truth: GroundTruth) -> None:
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    for e in events:
        user = ""
        if e["event_type"] == "krb5":
            user = e["krb5"]["cname"]
        elif e["event_type"] == "smb" and "ntlmssp" in e["smb"]:
            user = e["smb"]["ntlmssp"]["user"]
        if user and not user.endswith("$"):
            assert truth.users[user]["host"] == e["src_ip"]
            first[user] = min(first.get(user, e["timestamp"]), e["timestamp"])
            last[user] = max(last.get(user, ""), e["timestamp"])
    assert set(last) == set(truth.users)
    recent_cut = END - timedelta(hours=1)
    for user, entry in truth.users.items():
        assert parse_stamp(first[user]) == datetime.fromisoformat(entry["last_login"])
        assert parse_stamp(last[user]) == datetime.fromisoformat(entry["last_seen"])
        assert entry["logged_in_recently"] == (parse_stamp(last[user]) >= recent_cut)
    assert any(u["logged_in_recently"] for u in truth.users.values())
    assert not all(u["logged_in_recently"] for u in truth.users.values())


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def test_a_full_size_organization_plants_the_documented_mix() -> None:
    big = Organization.build(hosts=2000, seed=SEED)
    truth = ground_truth(big, hours=24, events=1_000_000, end=END, seed=SEED)
    assert len(truth.public_dns_hosts) == 12
    assert len({h["department"] for h in truth.public_dns_hosts.values()}) >= 3
    users = [h["users"] for h in truth.public_dns_hosts.values()]
    recent = [h["users_recent"] for h in truth.public_dns_hosts.values()]
    assert sum(1 for r in recent if r) >= 3
    assert sum(1 for u, r in zip(users, recent, strict=True) if u and not r) >= 2
    assert sum(1 for u in users if not u) >= 2
    assert (len(truth.doh_hosts), len(truth.dot_hosts)) == (5, 3)
    assert len(truth.nonstandard_dns_hosts) == 2
    assert len(truth.planted_ips()) == sum(
        len(g)
        for g in (
            truth.public_dns_hosts,
            truth.doh_hosts,
            truth.dot_hosts,
            truth.nonstandard_dns_hosts,
            truth.scripting_ua_hosts,
            truth.dyndns_hosts,
            truth.old_tls_hosts,
        )
    )
    roles = {role for rs in truth.roles.values() for role in rs}
    assert {"domain_controller", "dns_server", "dhcp_server", "http_proxy", "printer"} <= roles


def test_named_networks_cover_every_host(org: Organization) -> None:
    networks = org.named_networks()
    assert {n["department"] for n in networks} >= {
        "Engineering", "Finance", "HR", "Sales", "Marketing", "IT", "Legal", "Operations",
    }  # fmt: skip
    assert all(n["home"] for n in networks)
    cidrs = [ipaddress.ip_network(c) for n in networks for c in n["cidrs"]]
    for host in org.hosts:
        assert any(ipaddress.ip_address(host.ip) in net for net in cidrs), host


def test_generate_streams_in_constant_memory() -> None:
    org = Organization.build(hosts=200, seed=SEED)
    stream = generate(org, hours=24, events=2_000_000, end=END, seed=SEED)
    assert inspect.isgenerator(stream)
    tracemalloc.start()
    try:
        taken = sum(1 for _ in itertools.islice(stream, 5_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert taken == 5_000
    assert peak < 32 * 1024 * 1024  # 2M events held in a list would take gigabytes


def test_write_eve_streams_gzip_and_writes_the_ground_truth(
    tmp_path: Path, org: Organization, lines: list[bytes]
) -> None:
    path = tmp_path / "demo" / "eve.json.gz"
    progress: list[int] = []
    truth = write_eve(path, org, hours=2, events=5000, end=END, seed=SEED, progress=progress.append)
    with gzip.open(path, "rb") as f:
        written = f.read().splitlines()
    assert written == lines
    assert truth.events_written == len(lines) == progress[-1]
    stored = GroundTruth.from_json((path.parent / "ground_truth.json").read_text())
    assert stored == truth
    assert stored.approved_resolvers == org.approved_resolvers()


def test_every_workstation_renews_its_lease_with_its_hostname(
    org: Organization, events: list[Event], truth: GroundTruth
) -> None:
    named = {
        e["dhcp"]["assigned_ip"]: e["dhcp"]["hostname"]
        for e in events
        if e["event_type"] == "dhcp" and e["dhcp"]["dhcp_type"] == "ack"
    }
    assert named == truth.hostnames
    assert set(named) == {h.ip for h in org.workstations}


def test_bad_arguments_are_refused_before_any_event(org: Organization) -> None:
    with pytest.raises(Invalid, match="--hours"):
        generate(org, hours=0, events=10, end=END)
    with pytest.raises(Invalid, match="--events"):
        generate(org, hours=1, events=-1, end=END)
    with pytest.raises(Invalid, match="timezone"):
        generate(org, hours=1, events=10, end=END.replace(tzinfo=None))
    with pytest.raises(Invalid, match="--hosts"):
        Organization.build(hosts=10)
