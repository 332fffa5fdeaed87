"""The demo company, Contoso: departments with named networks, servers with roles, workstations
with their users.

`Organization.build(hosts, seed)` is deterministic for a seed. Servers and printers come first
and have fixed addresses; every other host is a workstation in a department network.
"""

from __future__ import annotations

import random
import socket
from dataclasses import dataclass, field
from typing import Any

from services.core.errors import Invalid
from services.demo import internet

COMPANY = "Contoso"
AD_DOMAIN = "corp.contoso.com"
NETBIOS_DOMAIN = "CONTOSO"
REALM = "CORP.CONTOSO.COM"
CORE_SENSOR = "sl-core-01"
DMZ_SENSOR = "sl-dmz-01"
SERVER_NET = ("Servers", "10.1.0.0/16", "IT")
DMZ_NET = ("DMZ", "172.16.10.0/24", "IT")
MIN_HOSTS = 40


@dataclass(frozen=True)
class Department:
    name: str
    code: str
    octet: int
    share: float

    @property
    def cidr(self) -> str:
        return f"10.{self.octet}.0.0/16"


DEPARTMENTS: tuple[Department, ...] = (
    Department("Engineering", "ENG", 20, 0.28),
    Department("Finance", "FIN", 30, 0.10),
    Department("HR", "HR", 40, 0.06),
    Department("Sales", "SLS", 50, 0.16),
    Department("Marketing", "MKT", 60, 0.10),
    Department("IT", "IT", 70, 0.08),
    Department("Legal", "LGL", 80, 0.05),
    Department("Operations", "OPS", 90, 0.17),
)

# (hostname, ip, roles, os): the server estate. Role names are the hosts service's
# (services/core/host_fields.py), each one what the host's traffic shows.
SERVERS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("dns01", "10.1.0.10", ("dns_server",), "linux"),
    ("dns02", "10.1.0.11", ("dns_server",), "linux"),
    ("dc01", "10.1.0.20", ("domain_controller", "dns_server", "file_server"), "windows"),
    ("dc02", "10.1.0.21", ("domain_controller", "dns_server", "file_server"), "windows"),
    ("dhcp01", "10.1.0.30", ("dhcp_server",), "windows"),
    ("proxy01", "10.1.0.40", ("http_proxy",), "linux"),
    ("mail01", "10.1.0.50", ("mail_server", "web_server"), "linux"),
    ("fs01", "10.1.0.60", ("file_server",), "windows"),
    ("db01", "10.1.0.70", ("database_server",), "linux"),
    ("app01", "10.1.0.80", ("web_server",), "linux"),
    ("web01", "172.16.10.10", ("web_server",), "linux"),
    ("web02", "172.16.10.11", ("web_server",), "linux"),
)

_FIRST = [
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "grace",
    "heidi",
    "ivan",
    "judy",
    "karl",
    "laura",
    "mallory",
    "nina",
    "oscar",
    "peggy",
    "quentin",
    "rachel",
    "sybil",
    "trent",
    "ursula",
    "victor",
    "wendy",
    "xavier",
    "yvonne",
    "zach",
    "aaron",
    "bella",
    "chris",
    "diana",
    "elena",
    "felix",
    "gina",
    "hugo",
    "irene",
    "jack",
    "kate",
    "liam",
    "maria",
    "nathan",
    "olivia",
    "paul",
    "rosa",
    "sam",
    "tina",
    "uma",
    "vera",
    "walter",
    "yara",
    "zoe",
    "adam",
    "beth",
    "colin",
    "dora",
    "ethan",
    "fiona",
    "george",
    "hannah",
]
_LAST = [
    "smith",
    "jones",
    "taylor",
    "brown",
    "williams",
    "wilson",
    "johnson",
    "davies",
    "robinson",
    "wright",
    "thompson",
    "evans",
    "walker",
    "white",
    "roberts",
    "green",
    "hall",
    "wood",
    "jackson",
    "clarke",
    "patel",
    "khan",
    "lewis",
    "james",
    "phillips",
    "mason",
    "mitchell",
    "rose",
    "davis",
    "rodriguez",
    "cox",
    "alexander",
    "garcia",
    "martin",
    "lee",
    "perez",
    "moore",
    "young",
    "allen",
    "king",
    "scott",
    "hill",
    "adams",
    "baker",
    "nelson",
    "carter",
    "turner",
    "parker",
    "collins",
    "edwards",
    "stewart",
    "morris",
    "murphy",
    "cook",
]
_OUI = {
    "windows": ("f8:bc:12", "54:ee:75", "3c:52:82"),
    "macos": ("a4:83:e7", "f0:18:98"),
    "linux": ("00:15:5d", "b4:2e:99"),
    "printer": ("3c:d9:2b",),
    "server": ("00:50:56",),
}
_BROWSERS_BY_OS = {
    "windows": (("chrome", 0.5), ("edge", 0.35), ("firefox", 0.15)),
    "macos": (("safari", 0.5), ("chrome", 0.5)),
    "linux": (("firefox-linux", 1.0),),
}
_OS_BY_DEPARTMENT = {
    "Engineering": (("windows", 0.55), ("macos", 0.3), ("linux", 0.15)),
    "Marketing": (("windows", 0.55), ("macos", 0.45)),
    "IT": (("windows", 0.8), ("linux", 0.2)),
}
_OS_DEFAULT = (("windows", 0.92), ("macos", 0.08))


@dataclass(frozen=True)
class Host:
    ip: str
    hostname: str
    mac: str
    network: str
    department: str
    roles: tuple[str, ...]
    os: str
    browser: str = ""
    user: str = ""

    @property
    def fqdn(self) -> str:
        return f"{self.hostname.lower()}.{AD_DOMAIN}"


@dataclass
class Organization:
    seed: int
    hosts: list[Host]
    workstations: list[Host]
    by_ip: dict[str, Host]
    by_role: dict[str, list[Host]] = field(default_factory=dict)

    @classmethod
    def build(cls, hosts: int = 2000, seed: int = 7) -> Organization:
        if hosts < MIN_HOSTS:
            raise Invalid(f"--hosts must be at least {MIN_HOSTS} (got {hosts})")
        rng = random.Random(f"organization:{seed}")
        servers = [
            Host(ip, name, _mac(rng, "server", i), _net_of(ip), "IT", roles, os)
            for i, (name, ip, roles, os) in enumerate(SERVERS)
        ]
        printers = [
            Host(
                f"10.{d.octet}.250.10",
                f"PRN-{d.code}-01",
                _mac(rng, "printer", i),
                d.name,
                d.name,
                ("printer",),
                "printer",
            )
            for i, d in enumerate(DEPARTMENTS)
        ]
        workstations = _workstations(rng, hosts - len(servers) - len(printers))
        everything = servers + printers + workstations
        by_role: dict[str, list[Host]] = {}
        for host in everything:
            for role in host.roles:
                by_role.setdefault(role, []).append(host)
        return cls(
            seed=seed,
            hosts=everything,
            workstations=workstations,
            by_ip={h.ip: h for h in everything},
            by_role=by_role,
        )

    def role(self, name: str) -> list[Host]:
        return self.by_role.get(name, [])

    def server(self, hostname: str) -> Host:
        """The server named `hostname` (one of SERVERS)."""
        return next(h for h in self.hosts if h.hostname == hostname and h.roles)

    @property
    def resolvers(self) -> list[Host]:
        """The two internal resolvers every workstation is configured with."""
        return [h for h in self.role("dns_server") if "domain_controller" not in h.roles]

    def named_networks(self) -> list[dict[str, Any]]:
        """Networks to load through `PUT /api/v1/networks`."""
        networks = [
            {"name": d.name, "cidrs": [d.cidr], "department": d.name, "home": True}
            for d in DEPARTMENTS
        ]
        for name, cidr, department in (SERVER_NET, DMZ_NET):
            networks.append({"name": name, "cidrs": [cidr], "department": department, "home": True})
        return networks

    def approved_resolvers(self) -> list[str]:
        """Resolvers the organization approves: internal resolvers, DCs and the ISP upstream."""
        return [h.ip for h in self.role("dns_server")] + list(internet.ISP_UPSTREAM)

    def roles(self) -> dict[str, list[str]]:
        """Infrastructure roles by address (workstations have none)."""
        return {h.ip: list(h.roles) for h in self.hosts if h.roles}

    def users(self) -> dict[str, Host]:
        return {h.user: h for h in self.workstations if h.user}


def _net_of(ip: str) -> str:
    return DMZ_NET[0] if ip.startswith("172.16.") else SERVER_NET[0]


def _mac(rng: random.Random, kind: str, index: int) -> str:
    oui = rng.choice(_OUI[kind])
    tail = socket.inet_aton(f"0.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}")[1:]
    noise = rng.getrandbits(8)
    return f"{oui}:{tail[0] ^ noise:02x}:{tail[1]:02x}:{tail[2]:02x}"


def _split(total: int) -> list[int]:
    """Workstations per department, by share, at least one each (largest remainder)."""
    raw = [d.share * total for d in DEPARTMENTS]
    counts = [max(1, int(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(counts) < total:
        counts[order[i % len(order)]] += 1
        i += 1
    return counts


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    names = [name for name, _ in table]
    return rng.choices(names, weights=[w for _, w in table])[0]


def _workstations(rng: random.Random, total: int) -> list[Host]:
    taken_users: set[str] = set()
    taken_names: set[str] = set()
    found: list[Host] = []
    serial = 0
    for department, count in zip(DEPARTMENTS, _split(total), strict=True):
        for i in range(count):
            serial += 1
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            user = f"{first}.{last}"
            n = 2
            while user in taken_users:
                user, n = f"{first}.{last}{n}", n + 1
            taken_users.add(user)
            os = _pick(rng, _OS_BY_DEPARTMENT.get(department.name, _OS_DEFAULT))
            hostname = _hostname(rng, department, os, first, serial)
            while hostname in taken_names:
                hostname = f"{hostname}-{rng.randrange(2, 99)}"
            taken_names.add(hostname)
            found.append(
                Host(
                    ip=f"10.{department.octet}.{1 + i // 240}.{10 + i % 240}",
                    hostname=hostname,
                    mac=_mac(rng, os, serial),
                    network=department.name,
                    department=department.name,
                    roles=(),
                    os=os,
                    browser=_pick(rng, _BROWSERS_BY_OS[os]),
                    user=user,
                )
            )
    return found


def _hostname(rng: random.Random, department: Department, os: str, first: str, serial: int) -> str:
    if os == "macos":
        return f"{first.capitalize()}s-MacBook-Pro"
    if os == "linux":
        return f"{department.code.lower()}-dev-{serial:04d}"
    kind = "LT" if rng.random() < 0.6 else "WS"
    return f"{department.code}-{kind}-{serial:04d}"
