"""What every activity needs at hand: the organization, the emitter, sites and precomputed
TLS details, and a few shared steps (resolve a name, open a TLS session).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from services.demo import eve, internet
from services.demo.eve import Conn, Emitter
from services.demo.organization import CORE_SENSOR, DEPARTMENTS, Host, Organization

CERT_NOTBEFORE = "2026-09-14T00:00:00"
CERT_NOTAFTER = "2026-12-13T23:59:59"
GATEWAY_MAC = "00:1c:73:5e:00:01"  # the core router: the MAC of every address off-site
INTERNAL_CA = "CN=Contoso Issuing CA 01, DC=corp, DC=contoso, DC=com"


@dataclass(frozen=True)
class SitePicker:
    sites: list[internet.Site]
    cum_weights: list[float]


class World:
    def __init__(self, org: Organization, em: Emitter) -> None:
        self.org = org
        self.em = em
        self.rng = em.rng
        self.resolvers = [h.ip for h in org.resolvers]
        self.dcs = [h.ip for h in org.role("domain_controller")]
        self.file_server = org.server("fs01")
        self.proxy = org.server("proxy01").ip
        self.mail = org.server("mail01").ip
        self.dhcp = org.server("dhcp01").ip
        self.db = org.server("db01").ip
        self.app = org.server("app01").ip
        self.web = [org.server("web01").ip, org.server("web02").ip]
        self.admins = [h for h in org.workstations if h.department in ("IT", "Engineering")]
        self.linux_servers = [h for h in org.hosts if h.roles and h.os == "linux"]
        self.by_hostname = {h.hostname: h.ip for h in org.hosts if h.roles}
        self.printers = {h.department: h.ip for h in org.role("printer")}
        self.common_sites = [internet.site(n, p) for n, p in internet.COMMON_SITES]
        self.pickers = {d.name: self._picker(d.name) for d in DEPARTMENTS}
        self.ja3s = {v: (s, internet.md5_hex(s)) for v, s in internet.JA3S_BY_VERSION.items()}
        self._certs: dict[str, dict[str, str]] = {}
        self._layer2: dict[tuple[str, str], tuple[eve.Event, list[int]]] = {}
        em.layer2 = self.layer2

    def layer2(self, src: str, dst: str) -> tuple[eve.Event, list[int]]:
        """The `ether` block and `vlan` of a conversation: the hosts' own MACs (the router's for
        addresses off-site) and the VLAN of the organization's side (none off-site)."""
        key = (src, dst)
        found = self._layer2.get(key)
        if found is None:
            if len(self._layer2) > 100_000:
                self._layer2.clear()
            vlan = _vlan(src) or _vlan(dst)
            ether = {"src_mac": self._mac(src), "dest_mac": self._mac(dst)}
            found = self._layer2[key] = (ether, [vlan] if vlan else [])
        return found

    def _mac(self, ip: str) -> str:
        host = self.org.by_ip.get(ip)
        return host.mac if host is not None else GATEWAY_MAC

    def _picker(self, department: str) -> SitePicker:
        extra = [internet.site(n, p) for n, p in internet.DEPARTMENT_SITES[department]]
        sites = extra + self.common_sites
        weights = [1.0 / (rank + 2) ** 0.8 for rank in range(len(sites))]
        return SitePicker(sites, list(itertools.accumulate(weights)))

    def site_for(self, host: Host) -> internet.Site:
        picker = self.pickers.get(host.department) or self.pickers["IT"]
        return self.rng.choices(picker.sites, cum_weights=picker.cum_weights)[0]

    def port(self) -> int:
        """An ephemeral client port."""
        return 49152 + self.rng.getrandbits(14)

    def cert(self, name: str, issuer: str, serial: str, fingerprint: str) -> dict[str, str]:
        found = self._certs.get(name)
        if found is None:
            found = self._certs[name] = {
                "subject": f"CN={name}",
                "issuerdn": issuer,
                "serial": serial,
                "fingerprint": fingerprint,
                "notbefore": CERT_NOTBEFORE,
                "notafter": CERT_NOTAFTER,
            }
        return found

    def resolve(
        self,
        t: float,
        host: Host,
        name: str,
        answers: list[tuple[str, str]] | None,
        *,
        server: str = "",
        rrtype: str = "A",
        rcode: str = "NOERROR",
        forward: float = 0.15,
        rule: eve.Rule | None = None,
    ) -> float:
        """`host` looks `name` up at an internal resolver (which may ask its upstream); an alert
        of `rule` fires on the query if given. Returns the time of the answer."""
        rng = self.rng
        server = server or rng.choice(self.resolvers)
        c = Conn(self.em, host.ip, self.port(), server, 53, "UDP", CORE_SENSOR, "dns")
        t_answer = eve.dns(self.em, c, t, name, answers, rrtype=rrtype, rcode=rcode, rule=rule)
        if server in self.resolvers and rng.random() < forward:
            upstream = internet.ISP_UPSTREAM[rng.getrandbits(1)]
            u = Conn(self.em, server, self.port(), upstream, 53, "UDP", CORE_SENSOR, "dns")
            t_up = eve.dns(self.em, u, t + 0.0003, name, answers, rrtype=rrtype, rcode=rcode)
            eve.flow(
                self.em, u, t + 0.0003, t_up, (1, 1), (70 + len(name), 86 + 16 * len(answers or ()))
            )
            t_answer = max(t_answer, t_up + 0.0002)
        eve.flow(self.em, c, t, t_answer, (1, 1), (70 + len(name), 86 + 16 * len(answers or ())))
        return t_answer

    def tls_session(
        self,
        t: float,
        host: Host,
        dest: str,
        sni: str,
        client: internet.TlsClient,
        *,
        port: int = 443,
        site: internet.Site | None = None,
        duration: float = 0.0,
        sensor: str = CORE_SENSOR,
        issuer: str = "",
    ) -> Conn:
        """A TLS connection with its handshake record and its flow; `issuer` names the CA of
        a server certificate of the organization's own (an internal name, not a site)."""
        rng = self.rng
        c = Conn(self.em, host.ip, self.port(), dest, port, "TCP", sensor, "tls")
        version = client.version
        if version == "TLS 1.3" and site is not None and not site.tls13:
            version = "TLS 1.2"
        cert = None
        if version != "TLS 1.3":
            if site is not None:
                cert = self.cert(site.name, site.issuer, site.serial, site.fingerprint)
            elif issuer:
                digest = internet.md5_hex(f"cert:{sni}") + internet.md5_hex(sni)[:8]  # SHA-1 size
                fingerprint = ":".join(digest[i : i + 2] for i in range(0, 40, 2))
                cert = self.cert(sni, issuer, digest[:16].upper(), fingerprint)
            else:
                s = internet.site(sni, "other")
                cert = self.cert(sni, s.issuer, s.serial, s.fingerprint)
        ja3s, ja3s_hash = self.ja3s[version]
        eve.tls(
            self.em,
            c,
            t + 0.02,
            sni,
            version=version,
            ja3=client.ja3,
            ja3_hash=client.ja3_hash,
            ja4=client.ja4,
            ja3s=ja3s,
            ja3s_hash=ja3s_hash,
            cert=cert,
        )
        duration = duration or 0.3 + rng.random() * rng.choice((2.0, 30.0, 240.0))
        to_client = 4000 + rng.getrandbits(rng.choice((12, 16, 20)))
        pkts = (8 + rng.getrandbits(4), 8 + to_client // 1300)
        eve.flow(self.em, c, t, t + duration, pkts, (900 + rng.getrandbits(11), to_client))
        return c


def _vlan(ip: str) -> int:
    """VLAN 100 + second octet for 10.x networks (Servers 101, departments 120-190), 310 for
    the DMZ, 0 off-site."""
    if ip.startswith("10."):
        return 100 + int(ip.split(".", 2)[1])
    if ip.startswith("172.16.10."):
        return 310
    return 0
