"""Events of the planned items: user logons and the planted behaviours of `scenarios.plan`.

Each function starts its key event at exactly the planned time, so that the ground truth's
times are the events' times.
"""

from __future__ import annotations

from collections.abc import Callable

from services.demo import eve, internet
from services.demo.eve import Conn
from services.demo.organization import AD_DOMAIN, CORE_SENSOR, NETBIOS_DOMAIN, REALM, Host
from services.demo.scenarios import Planned
from services.demo.world import World

PlantedActivity = Callable[[World, Planned, Host], None]

KRBTGT = f"krbtgt/{REALM}"
AES = "aes256-cts-hmac-sha1-96"
SERVICES = (
    f"cifs/fs01.{AD_DOMAIN}",
    f"ldap/dc01.{AD_DOMAIN}",
    f"HTTP/app01.{AD_DOMAIN}",
    f"cifs/dc02.{AD_DOMAIN}",
)
CURL_RULE = (2013028, 4, "ET POLICY curl User-Agent Outbound", "Attempted Information Leak", 2)
DUCKDNS_RULE = (
    2042936,
    1,
    "ET INFO DYNAMIC_DNS Query to *.duckdns .org Domain",
    "Misc activity",
    3,
)
WINDOWS_BUILD = "10.0 build 22631 rev 15"


def _krb5(w: World, t: float, host: Host, body: eve.Event) -> None:
    c = Conn(w.em, host.ip, w.port(), w.rng.choice(w.dcs), 88, "TCP", CORE_SENSOR, "krb5")
    eve.record(w.em, c, t, "krb5", body)
    eve.flow(w.em, c, t, t + 0.01, (4, 3), (1700, 1600))


def _smb_logon(w: World, t: float, host: Host, user: str) -> None:
    """An SMB session to the file server authenticated with NTLMSSP (the share is mapped by IP)."""
    fs = w.file_server.ip
    c = Conn(w.em, host.ip, w.port(), fs, 445, "TCP", CORE_SENSOR, "smb")
    session = w.rng.getrandbits(44)
    base = {"dialect": "3.1.1", "status": "STATUS_SUCCESS", "status_code": "0x0"}
    eve.record(
        w.em,
        c,
        t,
        "smb",
        {
            "id": 1,
            **base,
            "command": "SMB2_COMMAND_SESSION_SETUP",
            "session_id": session,
            "tree_id": 0,
            "ntlmssp": {
                "domain": NETBIOS_DOMAIN,
                "user": user,
                "host": host.hostname,
                "version": WINDOWS_BUILD,
            },
        },
    )
    eve.record(
        w.em,
        c,
        t + 0.01,
        "smb",
        {
            "id": 2,
            **base,
            "command": "SMB2_COMMAND_TREE_CONNECT",
            "session_id": session,
            "tree_id": 1,
            "share": f"\\\\{fs}\\Home$",
            "share_type": "FILE",
        },
    )
    eve.flow(w.em, c, t, t + 30 + w.rng.random() * 600, (14, 12), (3200, 2900))


def _machine_logon(w: World, t: float, host: Host) -> None:
    _krb5(
        w,
        t,
        host,
        {
            "msg_type": "KRB_AS_REQ",
            "cname": f"{host.hostname}$",
            "realm": REALM,
            "sname": KRBTGT,
            "encryption": AES,
            "weak_encryption": False,
        },
    )


def login(w: World, item: Planned, host: Host) -> None:
    """The machine account (Windows), then the user: Kerberos pre-auth, TGT, service ticket,
    and an SMB session to the file server."""
    t, user = item.time, item.arg
    if host.os == "windows":
        _machine_logon(w, t - 12, host)
    _krb5(
        w,
        t,
        host,
        {
            "msg_type": "KRB_ERROR",
            "failed_request": "KRB_AS_REQ",
            "error_code": "KDC_ERR_PREAUTH_REQUIRED",
            "cname": user,
            "realm": REALM,
            "sname": KRBTGT,
            "encryption": "<none>",
            "weak_encryption": False,
        },
    )
    _krb5(
        w,
        t + 0.05,
        host,
        {
            "msg_type": "KRB_AS_REQ",
            "cname": user,
            "realm": REALM,
            "sname": KRBTGT,
            "encryption": AES,
            "weak_encryption": False,
        },
    )
    _krb5(
        w,
        t + 0.2,
        host,
        {
            "msg_type": "KRB_TGS_REP",
            "cname": user,
            "realm": REALM,
            "sname": SERVICES[0],
            "encryption": AES,
            "weak_encryption": False,
        },
    )
    _smb_logon(w, t + 1.5, host, user)
    if host.department == "IT":  # an administrator's morning: the servers first
        _rdp(w, t + 20, host, user)
        _psql(w, t + 40, host, user)


def ticket(w: World, item: Planned, host: Host) -> None:
    """A service ticket while the user works (and now and then a new SMB session)."""
    t, user = item.time, item.arg
    sname = SERVICES[w.rng.getrandbits(2)]
    _krb5(
        w,
        t,
        host,
        {
            "msg_type": "KRB_TGS_REP",
            "cname": user,
            "realm": REALM,
            "sname": sname,
            "encryption": AES,
            "weak_encryption": False,
        },
    )
    if w.rng.random() < 0.3:
        _smb_logon(w, t - 0.6, host, user)
    if host.department == "IT" and w.rng.random() < 0.8:
        ADMIN_TASKS[w.rng.getrandbits(2)](w, t - 1.0, host, user)


def _rdp(w: World, t: float, host: Host, user: str) -> None:
    """A remote desktop session to a Windows server (the cookie carries the user name)."""
    server = w.rng.choice((w.file_server.ip, w.dhcp))
    c = Conn(w.em, host.ip, w.port(), server, 3389, "TCP", CORE_SENSOR, "rdp")
    eve.record(w.em, c, t, "rdp", {"tx_id": 0, "event_type": "initial_request", "cookie": user})
    eve.flow(w.em, c, t, t + 0.5, (30, 28), (6000, 90000))


def _psql(w: World, t: float, host: Host, user: str) -> None:
    """psql to the inventory database."""
    c = Conn(w.em, host.ip, w.port(), w.db, 5432, "TCP", CORE_SENSOR, "pgsql")
    startup = {
        "user": user,
        "optional_parameters": [{"database": "inventory"}, {"application_name": "psql"}],
    }
    request = {"protocol_version": "3.0", "startup_parameters": startup}
    eve.record(w.em, c, t, "pgsql", {"tx_id": 0, "request": request})
    eve.flow(w.em, c, t, t + 0.4, (12, 10), (1400, 5200))


def _ftp(w: World, t: float, host: Host, user: str) -> None:
    """An upload to the DMZ web server over FTP (the login is logged in clear)."""
    server = w.web[1]
    c = Conn(w.em, host.ip, w.port(), server, 21, "TCP", CORE_SENSOR, "ftp")
    body = {
        "command": "USER",
        "command_data": user,
        "reply": [f"Password required for {user}"],
        "completion_code": ["331"],
        "reply_received": "yes",
    }
    eve.record(w.em, c, t, "ftp", body)
    eve.flow(w.em, c, t, t + 0.3, (9, 8), (600, 900))


def _report_mail(w: World, t: float, host: Host, user: str) -> None:
    """A script mails a report through the internal relay."""
    c = Conn(w.em, host.ip, w.port(), w.mail, 25, "TCP", CORE_SENSOR, "smtp")
    body = {
        "helo": host.fqdn,
        "mail_from": f"<{user}@{AD_DOMAIN}>",
        "rcpt_to": [f"<it-reports@{AD_DOMAIN}>"],
    }
    eve.record(w.em, c, t, "smtp", body)
    eve.flow(w.em, c, t, t + 0.2, (10, 8), (4200, 700))


# What an administrator does now and then during a session (each shows the user's name).
ADMIN_TASKS = (_rdp, _psql, _ftp, _report_mail)


def public_dns(w: World, item: Planned, host: Host) -> None:
    """A lookup sent straight to a public resolver, then a connection to the answer."""
    t = item.time
    site = w.site_for(host)
    c = Conn(w.em, host.ip, w.port(), item.arg, 53, "UDP", CORE_SENSOR, "dns")
    t1 = eve.dns(w.em, c, t, site.name, [("A", ip) for ip in site.ips])
    eve.flow(w.em, c, t, t1, (1, 1), (70 + len(site.name), 86 + 16 * len(site.ips)))
    if w.rng.random() < 0.6:
        client = internet.BROWSERS[host.browser].tls
        w.tls_session(t1 + 0.001, host, site.ips[0], site.name, client, site=site)


def doh(w: World, item: Planned, host: Host) -> None:
    """DNS over HTTPS: a bootstrap lookup of the DoH name now and then, then TLS to it."""
    t, sni = item.time, item.arg
    ips = dict(internet.DOH_SERVERS)[sni]
    if w.rng.random() < 0.4:
        t = w.resolve(t, host, sni, [("A", ip) for ip in ips]) + 0.001
    client = internet.BROWSERS[host.browser].tls
    w.tls_session(
        t,
        host,
        ips[w.rng.getrandbits(1) % len(ips)],
        sni,
        client,
        duration=60 + w.rng.random() * 900,
    )


def dot(w: World, item: Planned, host: Host) -> None:
    """DNS over TLS on 853 (a resolver daemon: an OpenSSL client hello)."""
    sni = item.arg
    ips = dict(internet.DOT_SERVERS)[sni]
    w.tls_session(
        item.time,
        host,
        ips[w.rng.getrandbits(1) % len(ips)],
        sni,
        internet.OPENSSL_TLS,
        port=853,
        duration=30 + w.rng.random() * 300,
    )


def odd_port_dns(w: World, item: Planned, host: Host) -> None:
    """Plain DNS to a rented server listening on an unusual port."""
    t = item.time
    site = w.site_for(host)
    c = Conn(w.em, host.ip, w.port(), item.arg, item.port, "UDP", CORE_SENSOR, "dns")
    t1 = eve.dns(w.em, c, t, site.name, [("A", ip) for ip in site.ips])
    eve.flow(w.em, c, t, t1, (1, 1), (70 + len(site.name), 86 + 16 * len(site.ips)))


def script_http(w: World, item: Planned, host: Host) -> None:
    """A script or command-line tool fetching something over plain HTTP."""
    t, ua = item.time, item.arg
    name, url, ctype = w.rng.choice(internet.SCRIPT_TARGETS)
    ip = internet.site(name, "other").ips[0]
    t1 = w.resolve(t, host, name, [("A", ip)])
    c = Conn(w.em, host.ip, w.port(), ip, 80, "TCP", CORE_SENSOR, "http")
    body = eve.http_body(name, url, ua, ctype, 40 + w.rng.getrandbits(10))
    eve.http(w.em, c, t1 + 0.02, body)
    if ua.startswith("curl/"):
        eve.alert(w.em, c, t1 + 0.02, CURL_RULE, ("http", body))
    eve.flow(w.em, c, t1, t1 + 0.3, (5, 4), (380, 400 + body["length"]))


def dyndns(w: World, item: Planned, host: Host) -> None:
    """A dynamic-DNS name looked up (through the internal resolver), then contacted."""
    t, name = item.time, item.arg
    ip = dict(internet.DYNDNS_NAMES)[name]
    rule = DUCKDNS_RULE if name.endswith(".duckdns.org") else None
    t1 = w.resolve(t, host, name, [("A", ip)], forward=1.0, rule=rule)
    w.tls_session(t1 + 0.001, host, ip, name, internet.BROWSERS[host.browser].tls)


def old_tls(w: World, item: Planned, host: Host) -> None:
    """A legacy client that still speaks TLS 1.0."""
    t, sni = item.time, item.arg
    ip = internet.site(sni, "other").ips[0]
    t1 = w.resolve(t, host, sni, [("A", ip)])
    w.tls_session(t1 + 0.001, host, ip, sni, internet.LEGACY_TLS10)


def dhcp_renewal(w: World, item: Planned, host: Host) -> None:
    """A lease renewal: the client asks its DHCP server for its address again, and gets it."""
    rng, t = w.rng, item.time
    c = Conn(w.em, host.ip, 68, w.dhcp, 67, "UDP", CORE_SENSOR, "dhcp")
    xid = rng.getrandbits(32)
    eve.record(
        w.em,
        c,
        t,
        "dhcp",
        {
            "type": "request",
            "id": xid,
            "client_mac": host.mac,
            "assigned_ip": "0.0.0.0",
            "client_ip": host.ip,
            "dhcp_type": "request",
            "client_id": host.mac,
            "hostname": host.hostname,
            "params": ["subnet_mask", "router", "dns_server", "domain"],
        },
    )
    eve.record(
        w.em,
        c,
        t + 0.004,
        "dhcp",
        {
            "type": "reply",
            "id": xid,
            "client_mac": host.mac,
            "assigned_ip": host.ip,
            "client_ip": host.ip,
            "relay_ip": host.ip.rsplit(".", 2)[0] + ".0.1",
            "dhcp_type": "ack",
            "lease_time": 28800,
            "renewal_time": 14400,
            "rebinding_time": 25200,
            "subnet_mask": "255.255.0.0",
            "routers": [host.ip.rsplit(".", 2)[0] + ".0.1"],
            "hostname": host.hostname,
            "dns_servers": w.resolvers,
        },
    )
    eve.flow(w.em, c, t, t + 0.004, (1, 1), (342, 342))


PLANTED: dict[str, PlantedActivity] = {
    "login": login,
    "dhcp": dhcp_renewal,
    "ticket": ticket,
    "public_dns": public_dns,
    "doh": doh,
    "dot": dot,
    "odd_port_dns": odd_port_dns,
    "script_http": script_http,
    "dyndns": dyndns,
    "old_tls": old_tls,
}
# Rough events per planned item, to leave room for them in the requested total.
EVENTS_PER_ITEM = {"login": 15, "ticket": 3, "dhcp": 3}
EVENTS_PER_PLANTED = 5
