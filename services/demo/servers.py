"""Server-side background: visitors and attackers at the DMZ, and the web tier calling the
application and database tiers. Like every background activity, none of it involves a public
resolver.
"""

from __future__ import annotations

from services.demo import eve, internet
from services.demo.eve import Conn
from services.demo.organization import AD_DOMAIN, CORE_SENSOR, DMZ_SENSOR, REALM, Host
from services.demo.world import World

SSH_SCAN_RULE = (2001219, 20, "ET SCAN Potential SSH Scan", "Attempted Information Leak", 2)
TRAVERSAL_RULE = (
    2034125,
    4,
    "ET EXPLOIT Apache HTTP Server 2.4.49 - Path Traversal Attempt (CVE-2021-41773) M2",
    "Attempted Administrator Privilege Gain",
    1,
)
SCANNER_SOURCES = ("45.148.10.", "193.32.162.", "141.98.11.", "80.94.95.")
VISITOR_SOURCES = ("81.2.", "86.150.", "92.233.", "2.125.", "73.162.", "24.5.", "98.207.")


def web_visitors(w: World, t: float, host: Host) -> None:
    """Someone on the internet visits the public web site (seen by the DMZ sensor)."""
    rng = w.rng
    visitor = Host(_random_ip(w, VISITOR_SOURCES), "", "", "internet", "", (), "")
    client = rng.choice(list(internet.BROWSERS.values())).tls
    server = rng.choice(w.web)
    w.tls_session(t, visitor, server, "www.contoso.com", client, sensor=DMZ_SENSOR)


def internal_apps(w: World, t: float, host: Host) -> None:
    """The web tier calls the application server, which queries the database."""
    rng = w.rng
    web = rng.choice(w.web)
    c = Conn(w.em, web, w.port(), w.app, 8000, "TCP", CORE_SENSOR, "http")
    path = rng.choice(("/api/v2/catalog", "/api/v2/orders", "/api/v2/session", "/healthz"))
    body = eve.http_body(
        f"app01.{AD_DOMAIN}",
        path,
        "Apache-HttpClient/4.5.14 (Java/17.0.12)",
        "application/json",
        300 + rng.getrandbits(12),
        server="Apache-Coyote/1.1",
    )
    eve.http(w.em, c, t, body)
    eve.flow(w.em, c, t, t + 0.2, (5, 5), (700, 900 + body["length"]))
    d = Conn(w.em, w.app, w.port(), w.db, 5432, "TCP", CORE_SENSOR, "pgsql")
    eve.flow(w.em, d, t + 0.01, t + 0.15, (8, 8), (1300, 5000 + rng.getrandbits(14)))


def attacks(w: World, t: float, host: Host) -> None:
    """Internet noise against the DMZ: SSH scans and exploit attempts."""
    rng = w.rng
    source = _random_ip(w, SCANNER_SOURCES)
    server = rng.choice(w.web)
    if rng.random() < 0.6:
        c = Conn(w.em, source, w.port(), server, 22, "TCP", DMZ_SENSOR)
        eve.alert(w.em, c, t, SSH_SCAN_RULE, ("", {}))
        eve.flow(w.em, c, t, t + 0.1, (2, 1), (120, 60), state="reset", alerted=True)
        return
    c = Conn(w.em, source, w.port(), server, 80, "TCP", DMZ_SENSOR, "http")
    body = eve.http_body(
        server,
        "/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)",
        "text/html",
        196,
        status=400,
        server="Apache/2.4.49 (Unix)",
    )
    eve.http(w.em, c, t, body)
    eve.alert(w.em, c, t, TRAVERSAL_RULE, ("http", body))
    eve.flow(w.em, c, t, t + 0.3, (4, 3), (420, 380), alerted=True)


def _random_ip(w: World, prefixes: tuple[str, ...]) -> str:
    rng = w.rng
    prefix = rng.choice(prefixes)
    rest = ".".join(str(2 + rng.getrandbits(7)) for _ in range(4 - prefix.count(".")))
    return prefix + rest


def dc_replication(w: World, t: float, host: Host) -> None:
    """One domain controller replicates from the other: its machine account asks the other
    KDC for a ticket, then binds over LDAP."""
    source, partner = w.rng.sample(w.dcs, 2)
    dc = w.org.by_ip[source]
    c = Conn(w.em, source, w.port(), partner, 88, "TCP", CORE_SENSOR, "krb5")
    body = {
        "msg_type": "KRB_TGS_REP",
        "cname": f"{dc.hostname.upper()}$",
        "realm": REALM,
        "sname": f"E3514235-4B06-11D1-AB04-00C04FC2DCD2/{w.org.by_ip[partner].fqdn}",
        "encryption": "aes256-cts-hmac-sha1-96",
        "weak_encryption": False,
    }
    eve.record(w.em, c, t, "krb5", body)
    eve.flow(w.em, c, t, t + 0.01, (4, 3), (1700, 1600))
    d = Conn(w.em, source, w.port(), partner, 389, "TCP", CORE_SENSOR, "ldap")
    eve.flow(w.em, d, t + 0.02, t + 2 + w.rng.random() * 20, (40, 38), (9000, 48000))


def reverse_lookup(w: World, t: float, host: Host) -> None:
    """A server names a peer by its address (logging, access checks): a PTR query answered by
    the internal resolvers from the AD zone."""
    rng = w.rng
    asker = w.org.by_ip[rng.choice((w.proxy, w.mail, w.file_server.ip, w.app))]
    target = w.org.by_ip[rng.choice(w.dcs)] if rng.random() < 0.4 else host
    name = ".".join(reversed(target.ip.split("."))) + ".in-addr.arpa"
    w.resolve(t, asker, name, [("PTR", target.fqdn)], rrtype="PTR", forward=0.0)
