"""The planted behaviours and user sessions, planned ahead with their ground truth.

`plan(org, start, end, seed)` decides which hosts misbehave, how and when, and when each user
logs in. The generator turns each `Planned` item into events at exactly its time, so the truth
written next to the EVE file is what the events show.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

import orjson

from services.demo import internet
from services.demo.organization import DEPARTMENTS, NETBIOS_DOMAIN, Host, Organization

RECENT_S = 3600  # "logged in now": a user event in the last hour
LEASE_RENEWAL_S = 4 * 3600  # DHCP: half of an 8-hour lease
PRESENCE = ("recent", "earlier", "absent")
PRESENCE_WEIGHTS = (45, 40, 15)
MINUTE = 60


@dataclass(frozen=True, order=True)
class Planned:
    """One planted piece of activity: `kind` by host `ip` at `ts` epoch seconds + `us`."""

    ts: int
    kind: str
    ip: str
    arg: str = ""
    port: int = 0
    us: int = 0

    @property
    def time(self) -> float:
        return self.ts + self.us / 1_000_000


@dataclass
class GroundTruth:
    seed: int
    hosts: int
    hours: float
    start: str
    end: str
    events_requested: int
    approved_resolvers: list[str]
    named_networks: list[dict[str, Any]]
    public_dns_hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    doh_hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    dot_hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    nonstandard_dns_hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    scripting_ua_hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    dyndns_hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    old_tls_hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, list[str]] = field(default_factory=dict)
    hostnames: dict[str, str] = field(default_factory=dict)
    events_written: int = 0

    def to_json(self) -> str:
        return orjson.dumps(asdict(self), option=orjson.OPT_INDENT_2).decode()

    @classmethod
    def from_json(cls, text: str | bytes) -> GroundTruth:
        return cls(**orjson.loads(text))

    def planted_ips(self) -> set[str]:
        """Every host planted with a foreign-resolver or suspicious behaviour."""
        found: set[str] = set()
        for group in (
            self.public_dns_hosts,
            self.doh_hosts,
            self.dot_hosts,
            self.nonstandard_dns_hosts,
            self.scripting_ua_hosts,
            self.dyndns_hosts,
            self.old_tls_hosts,
        ):
            found.update(group)
        return found


@dataclass
class Plan:
    truth: GroundTruth
    items: list[Planned]


def iso(ts: int, us: int = 0) -> str:
    moment = datetime.fromtimestamp(ts, UTC).replace(microsecond=us)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plan(org: Organization, start: int, end: int, seed: int, events: int) -> Plan:
    """Who misbehaves, how and when; when users log in and leases renew; and the truth of it."""
    rng = random.Random(f"plan:{seed}")
    truth = GroundTruth(
        seed=seed,
        hosts=len(org.hosts),
        hours=(end - start) / 3600,
        start=iso(start),
        end=iso(end),
        events_requested=events,
        approved_resolvers=org.approved_resolvers(),
        named_networks=org.named_networks(),
        roles=org.roles(),
        hostnames={h.ip: h.hostname for h in org.workstations},
    )
    items: list[Planned] = []
    planter = _Planter(rng, start, end, min(1.0, truth.hours / 24), items)
    presence = _plant_behaviours(rng, org, planter, truth)
    _plan_sessions(rng, org, start, end, presence, items, truth)
    _plan_leases(rng, org, start, end, items)
    for ip, entry in truth.public_dns_hosts.items():
        user = org.by_ip[ip].user
        seen = truth.users.get(user)
        entry["users"] = [user] if seen else []
        entry["users_recent"] = [user] if seen and seen["logged_in_recently"] else []
    items.sort(key=attrgetter("ts"))
    return Plan(truth=truth, items=items)


def _plant_behaviours(
    rng: random.Random, org: Organization, planter: _Planter, truth: GroundTruth
) -> dict[str, str]:
    """Plant each behaviour on its hosts; return the forced presence of the public-DNS hosts'
    users (a third logged in now, a third earlier only, a third not at all)."""
    offenders = _pick_offenders(rng, org)
    presence: dict[str, str] = {}
    for i, host in enumerate(offenders["public_dns"]):
        presence[host.ip] = ("recent", "earlier", "absent")[i % 3]
        resolvers = rng.sample([ip for ip, _ in internet.PUBLIC_DO53], k=1 + (i % 4 == 0))
        for resolver in resolvers:
            planter.spread("public_dns", host, 8, 30, arg=resolver)
        truth.public_dns_hosts[host.ip] = {**_where(host), "resolvers": sorted(resolvers)}
    for i, host in enumerate(offenders["doh"]):
        sni, ips = internet.DOH_SERVERS[i % len(internet.DOH_SERVERS)]
        planter.spread("doh", host, 10, 30, arg=sni)
        truth.doh_hosts[host.ip] = {**_where(host), "servers": [sni], "server_ips": list(ips)}
    for i, host in enumerate(offenders["dot"]):
        sni, ips = internet.DOT_SERVERS[i % len(internet.DOT_SERVERS)]
        planter.spread("dot", host, 10, 30, arg=sni)
        truth.dot_hosts[host.ip] = {**_where(host), "servers": [sni], "server_ips": list(ips)}
    for i, host in enumerate(offenders["odd_port_dns"]):
        resolver, port = internet.ODD_PORT_RESOLVERS[i % len(internet.ODD_PORT_RESOLVERS)]
        planter.spread("odd_port_dns", host, 6, 20, arg=resolver, port=port)
        truth.nonstandard_dns_hosts[host.ip] = {**_where(host), "resolver": resolver, "port": port}
    for i, host in enumerate(offenders["scripting_ua"]):
        ua = internet.SCRIPT_UAS[i % len(internet.SCRIPT_UAS)]
        planter.spread("script_http", host, 4, 15, arg=ua)
        truth.scripting_ua_hosts[host.ip] = {**_where(host), "user_agents": [ua]}
    for i, host in enumerate(offenders["dyndns"]):
        names = [internet.DYNDNS_NAMES[(2 * i + k) % len(internet.DYNDNS_NAMES)][0] for k in (0, 1)]
        for name in names:
            planter.spread("dyndns", host, 2, 8, arg=name)
        truth.dyndns_hosts[host.ip] = {**_where(host), "names": names}
    for host in offenders["old_tls"]:
        planter.spread("old_tls", host, 6, 20, arg=OLD_TLS_SNI)
        truth.old_tls_hosts[host.ip] = {
            **_where(host),
            "versions": ["TLS 1.0"],
            "snis": [OLD_TLS_SNI],
        }
    return presence


def _plan_sessions(
    rng: random.Random,
    org: Organization,
    start: int,
    end: int,
    presence: dict[str, str],
    items: list[Planned],
    truth: GroundTruth,
) -> None:
    """Each workstation's user: logged in now, earlier only, or away (one session at most)."""
    for host in org.workstations:
        state = presence.get(host.ip) or rng.choices(PRESENCE, PRESENCE_WEIGHTS)[0]
        session = _session(rng, start, end, state)
        if session is None:
            continue
        login, last_seen = session
        login_us, last_us = rng.randrange(1_000_000), rng.randrange(1_000_000)
        items.append(Planned(login, "login", host.ip, host.user, us=login_us))
        t = login + rng.randint(30, 80) * MINUTE
        while t < last_seen:
            items.append(Planned(t, "ticket", host.ip, host.user, us=rng.randrange(1_000_000)))
            t += rng.randint(30, 80) * MINUTE
        items.append(Planned(last_seen, "ticket", host.ip, host.user, us=last_us))
        truth.users[host.user] = {
            **_where(host),
            "domain": NETBIOS_DOMAIN,
            "last_login": iso(login, login_us),
            "last_seen": iso(last_seen, last_us),
            "logged_in_recently": last_seen >= end - RECENT_S,
        }


def _plan_leases(
    rng: random.Random, org: Organization, start: int, end: int, items: list[Planned]
) -> None:
    """Every workstation renews its DHCP lease every 4 hours, the first time early on."""
    for host in org.workstations:
        t = start + rng.randint(0, max(0, min(LEASE_RENEWAL_S, end - start) - 2 * MINUTE))
        while t < end - MINUTE:
            items.append(Planned(t, "dhcp", host.ip, us=rng.randrange(1_000_000)))
            t += LEASE_RENEWAL_S


OLD_TLS_SNI = "edi.contoso-supplier.com"


class _Planter:
    """Spreads occurrences of a planted activity over the window, a few in the last hour."""

    def __init__(
        self, rng: random.Random, start: int, end: int, scale: float, items: list[Planned]
    ) -> None:
        self.rng, self.start, self.end, self.scale, self.items = rng, start, end, scale, items

    def spread(
        self, kind: str, host: Host, low: int, high: int, *, arg: str, port: int = 0
    ) -> None:
        count = max(2, round(self.rng.randint(low, high) * self.scale))
        last = self.end - 2 * MINUTE
        recent_from = max(self.start, self.end - RECENT_S)
        times = [self.rng.randint(recent_from, last)]  # one in the last hour
        times += [self.rng.randint(self.start, last) for _ in range(count - 1)]
        self.items.extend(
            Planned(t, kind, host.ip, arg, port, self.rng.randrange(1_000_000)) for t in times
        )


def _where(host: Host) -> dict[str, Any]:
    return {"host": host.ip, "hostname": host.hostname, "department": host.department}


def _session(rng: random.Random, start: int, end: int, state: str) -> tuple[int, int] | None:
    """(login, last seen) of a user in the window, or None when the user is away."""
    if state == "recent":
        login = rng.randint(max(start, end - 10 * 3600), end - 20 * MINUTE)
        return login, end - rng.randint(2, 15) * MINUTE
    if state == "earlier":
        latest = end - RECENT_S - 10 * MINUTE
        if latest - 10 * MINUTE <= start:
            return None
        login = rng.randint(start, latest - 10 * MINUTE)
        return login, rng.randint(login + 10 * MINUTE, min(latest, login + 9 * 3600))
    return None


def _pick_offenders(rng: random.Random, org: Organization) -> dict[str, list[Host]]:
    """Disjoint sets of workstations for each planted behaviour, spread over departments."""
    n = len(org.workstations)
    counts = {
        "public_dns": min(12, max(3, n // 6)),
        "doh": min(5, max(1, n // 20)),
        "dot": min(3, max(1, n // 30)),
        "odd_port_dns": 2 if n >= 200 else 1,
        "scripting_ua": min(4, max(1, n // 25)),
        "dyndns": min(2, max(1, n // 40)),
        "old_tls": min(3, max(1, n // 40)),
    }
    by_department: list[list[Host]] = []
    for department in DEPARTMENTS:
        members = [h for h in org.workstations if h.department == department.name]
        rng.shuffle(members)
        by_department.append(members)
    rng.shuffle(by_department)
    rotation = [h for group in _round_robin(by_department) for h in group]
    picked: dict[str, list[Host]] = {}
    cursor = 0
    for kind, count in counts.items():
        picked[kind] = rotation[cursor : cursor + count]
        cursor += count
    return picked


def _round_robin(groups: list[list[Host]]) -> list[list[Host]]:
    """One host of each department in turn."""
    rounds: list[list[Host]] = []
    depth = max(len(g) for g in groups)
    for i in range(depth):
        rounds.append([g[i] for g in groups if i < len(g)])
    return rounds
