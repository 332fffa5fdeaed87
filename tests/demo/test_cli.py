"""`sightline demo` steps on the real engine: generate, load the organization, ingest, summarize;
the guided public-DNS hunt then finds exactly the planted hosts."""

from __future__ import annotations

import argparse
import ipaddress
from pathlib import Path

import pytest

from services.core import auth, fields, host_fields, lists
from services.core.clickhouse import Client
from services.core.deps import Deps
from services.core.filters import compile_filter, parse_query
from services.core.settings import Settings
from services.demo import cli, tour
from services.demo.organization import Organization
from services.ingest import networks
from tests.conftest import TENANT

PUBLIC_DNS_HUNT = (
    "event_type:dns AND dns.type:query AND dest_ip:@public_resolvers "
    "AND NOT dest_ip:@approved_resolvers"
)


def demo_args(tmp_path: Path, **overrides: object) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    argv = ["--hosts", "60", "--hours", "2", "--events", "4000", "--end", "2026-11-30T22:00:00Z"]
    args = parser.parse_args([*argv, "--out", str(tmp_path / "eve.json.gz"), "--no-serve"])
    for key, value in overrides.items():
        setattr(args, key, value)
    return args


def hunt_sources(ch: Client, query: str) -> set[str]:
    compiled = compile_filter(parse_query(query), fields.EVENT_FIELDS, tenant=TENANT)
    # The compiled filter binds every value; its text comes from the field registry.
    sql = f"SELECT DISTINCT src_ip FROM events WHERE tenant = {{tenant:String}} AND ({compiled.sql}) LIMIT 10000"  # noqa: S608, E501
    rows = ch.query(
        sql,
        parameters={"tenant": TENANT, **compiled.params},
    ).result_rows
    return {str(ipaddress.IPv6Address(row[0]).ipv4_mapped or row[0]) for row in rows}


SELECT_EVIDENCE = """
    SELECT ip, groupUniqArrayIf(value, attribute = 'role_evidence'),
           uniqExactIf(value, attribute = 'client_peer')
    FROM host_attributes
    WHERE tenant = {tenant:String}
    GROUP BY ip
    LIMIT 100000
"""


def inferred_roles(ch: Client, org: Organization) -> dict[str, set[str]]:
    """Roles the hosts service infers for the organization's own hosts (those with any)."""
    found = {}
    for ip, evidence, clients in ch.query(
        SELECT_EVIDENCE, parameters={"tenant": TENANT}
    ).result_rows:
        text = str(ipaddress.IPv6Address(ip).ipv4_mapped or ip)
        roles = set(host_fields.roles_for(set(evidence), clients))
        if text in org.by_ip and roles:
            found[text] = roles
    return found


def test_demo_steps_load_a_tenant_whose_public_dns_hunt_finds_the_planted_hosts(
    deps: Deps, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = demo_args(tmp_path)
    org = Organization.build(hosts=args.hosts, seed=args.seed)
    generated = cli.generate_step(args, settings, org)
    assert generated.path.is_file()
    assert (tmp_path / "ground_truth.json").is_file()

    token = cli.setup_step(deps, TENANT, org)
    principal = auth.lookup(deps.ch, token)
    assert principal is not None and principal.tenant == TENANT
    stored = {n.name: n for n in networks.stored(deps.ch, TENANT)}
    assert {"Engineering", "Finance", "Servers", "DMZ"} <= set(stored)
    approved = {item.value for item in lists.get_list(deps.ch, TENANT, "approved_resolvers").items}
    assert approved == set(org.approved_resolvers())

    ingested = cli.ingest_step(deps, TENANT, generated.path)
    assert ingested.accepted == generated.truth.events_written
    assert ingested.rejected == 0

    truth = generated.truth
    assert hunt_sources(deps.ch, PUBLIC_DNS_HUNT) == set(truth.public_dns_hosts)
    dot = hunt_sources(deps.ch, "event_type:tls AND dest_port:853")
    assert dot == set(truth.dot_hosts)
    departments = deps.ch.query(
        "SELECT DISTINCT src_dept FROM events WHERE tenant = {tenant:String} "
        "AND src_ip IN {ips:Array(IPv6)} LIMIT 100",
        parameters={"tenant": TENANT, "ips": [f"::ffff:{ip}" for ip in truth.public_dns_hosts]},
    ).result_rows
    assert {row[0] for row in departments} == {
        h["department"] for h in truth.public_dns_hosts.values()
    }

    inferred = inferred_roles(deps.ch, org)  # printers only when a print job was seen
    assert inferred == {ip: set(roles) for ip, roles in truth.roles.items() if ip in inferred}
    assert {h.ip for h in org.hosts if h.roles and "printer" not in h.roles} <= set(inferred)

    hunt = tour.headline_hunt(deps, token, truth.start, truth.end)
    assert {h["ip"] for h in hunt.hosts} == set(truth.public_dns_hosts)
    with_users = {ip for ip, h in truth.public_dns_hosts.items() if h["users_recent"]}
    assert {h["ip"] for h in hunt.logged_in} == with_users
    assert {dept for dept, _ in hunt.departments} == {
        h["department"] for h in truth.public_dns_hosts.values()
    }

    cli.summary_step(generated, ingested, TENANT, token, "http://127.0.0.1:8080", hunt)
    printed = capsys.readouterr().out
    assert f"{len(truth.public_dns_hosts)} hosts query public resolvers" in printed
    assert f"{hunt.events} events from {len(truth.public_dns_hosts)} hosts" in printed
    assert f"hosts with a user logged in now: {len(with_users)}" in printed
    assert token in printed


def test_demo_rejects_a_bad_end_time(settings: Settings, tmp_path: Path) -> None:
    args = demo_args(tmp_path, end="yesterday-ish")
    assert cli.run(args, settings) == 2
    assert not (tmp_path / "eve.json.gz").exists()


def test_a_recent_demo_with_the_same_settings_is_reused(settings: Settings, tmp_path: Path) -> None:
    args = demo_args(tmp_path, end=None, hosts=40, events=1500, hours=1.0)
    org = Organization.build(hosts=args.hosts, seed=args.seed)
    first = cli.generate_step(args, settings, org)
    written = first.path.stat().st_mtime_ns
    again = cli.generate_step(args, settings, org)
    assert again.truth == first.truth
    assert again.path.stat().st_mtime_ns == written  # not rewritten
    changed = cli.generate_step(
        demo_args(tmp_path, end=None, hosts=40, events=1600, hours=1.0), settings, org
    )
    assert changed.truth.events_requested == 1600
    args.regenerate = True
    assert cli.generate_step(args, settings, org).path.stat().st_mtime_ns != written
