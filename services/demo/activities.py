"""Background activity: what ordinary hosts and servers do all day.

Each activity takes the world, a start time and a workstation and pushes the events of one
short piece of activity (a page visit, a share access, a lease renewal...). None of them
talks to a public resolver: that is reserved for the planted behaviours.
"""

from __future__ import annotations

from collections.abc import Callable

from services.demo import eve, internet, servers
from services.demo.eve import Conn
from services.demo.organization import AD_DOMAIN, CORE_SENSOR, Host
from services.demo.world import INTERNAL_CA, World

Activity = Callable[[World, float, Host], None]

INTERNAL_NAMES = (
    (f"fs01.{AD_DOMAIN}", "A"),
    (f"dc01.{AD_DOMAIN}", "A"),
    (f"_ldap._tcp.dc._msdcs.{AD_DOMAIN}", "SRV"),
    (f"_kerberos._tcp.{AD_DOMAIN}", "SRV"),
    (f"mail01.{AD_DOMAIN}", "A"),
    (f"proxy01.{AD_DOMAIN}", "A"),
    (f"app01.{AD_DOMAIN}", "A"),
)
NXDOMAIN_NAMES = (f"wpad.{AD_DOMAIN}", "isatap.corp.contoso.com", "printer-old.corp.contoso.com")
SHARES = ("Departments", "Home$", "Projects", "Scans", "Templates")
FILES = (
    "Budget\\FY27\\forecast.xlsx",
    "Projects\\roadmap.pptx",
    "Templates\\letterhead.docx",
    "Scans\\scan_0042.pdf",
    "Contracts\\msa_draft_v3.docx",
    "Reports\\weekly_ops.xlsx",
)
APT_RULE = (
    2013504,
    5,
    "ET POLICY GNU/Linux APT User-Agent Outbound likely related to package management",
    "Not Suspicious Traffic",
    3,
)
MSI_RULE = (
    2001115,
    7,
    "ET POLICY MSI (microsoft installer file) download",
    "Potentially Bad Traffic",
    2,
)
# (hostname, path) fetched through the proxy.
PROXIED = (
    ("neverssl.com", "/online"),
    ("www.example.org", "/"),
    ("download.windowsupdate.com", "/c/msdownload/update/software/defu/2026/11/am_delta.exe"),
    ("downloads.contoso-partner.net", "/tools/agent-setup.msi"),
)
APT_MIRROR = ("deb.debian.org", "/debian/dists/bookworm/InRelease")
PROXY_SERVER = "squid/6.10"
MAIL_PEERS = ("40.107.22.33", "40.107.8.110", "142.250.102.27", "67.231.149.21")
OPENSSH_CLIENT = ("OpenSSH_9.6p1 Ubuntu-3ubuntu13.5", "ec7378c1a92f5a8dde7e8b7a1ddf33d1")
OPENSSH_SERVER = ("OpenSSH_9.2p1 Debian-2+deb12u3", "0df0d56bb50c6b2426d8d40234bf1826")


def browse(w: World, t: float, host: Host) -> None:
    """Look a site up, then open a TLS session to it (sometimes a second one)."""
    site = w.site_for(host)
    dest = site.ips[w.rng.getrandbits(1) % len(site.ips)]
    t_answer = w.resolve(t, host, site.name, [("A", ip) for ip in site.ips])
    client = internet.BROWSERS[host.browser].tls
    w.tls_session(t_answer + 0.001, host, dest, site.name, client, site=site)


def internal_dns(w: World, t: float, host: Host) -> None:
    rng = w.rng
    if rng.random() < 0.15:
        w.resolve(t, host, rng.choice(NXDOMAIN_NAMES), None, rcode="NXDOMAIN", forward=0.0)
        return
    name, rrtype = rng.choice(INTERNAL_NAMES)
    dc = rng.choice(w.dcs)
    if rrtype == "SRV":
        port = 389 if "ldap" in name else 88
        answers = [("SRV", f"0 100 {port} {w.org.by_ip[d].fqdn}") for d in w.dcs]
        w.resolve(t, host, name, answers, server=dc, rrtype="SRV")
        return
    target = name.split(".", 1)[0]
    found = w.by_hostname.get(target, w.file_server.ip)
    w.resolve(t, host, name, [("A", found)], server=dc if rng.random() < 0.5 else "")


def system_http(w: World, t: float, host: Host) -> None:
    """OS plumbing over plain HTTP: OCSP, CRLs, connectivity checks, package updates."""
    rng = w.rng
    if host.os == "linux":
        name, url = APT_MIRROR
        ua, ctype, size = "Debian APT-HTTP/1.3 (2.6.1)", "text/plain", 151000
    else:
        name, url, ua, ctype, size = rng.choice(internet.SYSTEM_HTTP)
    ips = internet.site(name, "akamai").ips
    t1 = w.resolve(t, host, name, [("A", ips[0])])
    c = Conn(w.em, host.ip, w.port(), ips[0], 80, "TCP", CORE_SENSOR, "http")
    body = eve.http_body(name, url, ua, ctype, size)
    eve.http(w.em, c, t1 + 0.03, body)
    if host.os == "linux" and rng.random() < 0.3:
        eve.alert(w.em, c, t1 + 0.03, APT_RULE, ("http", body))
    if url.endswith(".cab") and rng.random() < 0.3:
        eve.fileinfo(
            w.em, c, t1 + 0.2, ("http", body), _file("authrootstl.cab", size), to_client=True
        )
    eve.flow(w.em, c, t1, t1 + 0.4, (5, 4 + size // 1400), (420, 300 + size))


def proxy_http(w: World, t: float, host: Host) -> None:
    """A request through the explicit proxy, and the proxy's own request upstream."""
    rng = w.rng
    name, path = rng.choice(PROXIED)
    ua = internet.BROWSERS[host.browser].user_agent
    size = 2000 + rng.getrandbits(14)
    ctype = "application/x-msi" if path.endswith(".msi") else "text/html"
    c = Conn(w.em, host.ip, w.port(), w.proxy, 8080, "TCP", CORE_SENSOR, "http")
    eve.http(
        w.em,
        c,
        t,
        eve.http_body(name, f"http://{name}{path}", ua, ctype, size, server=PROXY_SERVER),
    )
    if path.endswith(".msi"):  # the client's leg carries the same download
        request = eve.http_body(name, f"http://{name}{path}", ua, ctype, size, server=PROXY_SERVER)
        eve.alert(w.em, c, t + 0.4, MSI_RULE, ("http", request))
        name_only = path.rsplit("/", 1)[-1]
        eve.fileinfo(w.em, c, t + 0.4, ("http", request), _file(name_only, size), to_client=True)
    eve.flow(w.em, c, t, t + 0.6, (6, 6 + size // 1400), (520, 400 + size))
    proxy_host = w.org.by_ip[w.proxy]
    ip = internet.site(name, "other").ips[0]
    t1 = w.resolve(t + 0.001, proxy_host, name, [("A", ip)]) if rng.random() < 0.3 else t + 0.002
    u = Conn(w.em, w.proxy, w.port(), ip, 80, "TCP", CORE_SENSOR, "http")
    body = eve.http_body(name, path, ua, ctype, size)
    eve.http(w.em, u, t1 + 0.02, body)
    if path.endswith(".msi"):
        eve.alert(w.em, u, t1 + 0.3, MSI_RULE, ("http", body))
        eve.fileinfo(
            w.em, u, t1 + 0.3, ("http", body), _file("agent-setup.msi", size), to_client=True
        )
    eve.flow(w.em, u, t1, t1 + 0.5, (6, 6 + size // 1400), (480, 400 + size))


def smb_files(w: World, t: float, host: Host) -> None:
    """Open a file on the file server (or read group policy from a DC's SYSVOL)."""
    rng = w.rng
    sysvol = rng.random() < 0.25
    server = rng.choice(w.dcs) if sysvol else w.file_server.ip
    c = Conn(w.em, host.ip, w.port(), server, 445, "TCP", CORE_SENSOR, "smb")
    session, tree = rng.getrandbits(44), 1 + rng.getrandbits(4)
    if sysvol:
        share = f"\\\\{AD_DOMAIN}\\SYSVOL"
        filename = f"{AD_DOMAIN}\\Policies\\{{31B2F340-016D-11D2-945F-00C04FB984F9}}\\gpt.ini"
    else:
        share = f"\\\\FS01\\{rng.choice(SHARES)}"
        filename = rng.choice(FILES)
    base = {"dialect": "3.1.1", "status": "STATUS_SUCCESS", "status_code": "0x0"}
    eve.record(
        w.em,
        c,
        t,
        "smb",
        {
            "id": 1,
            **base,
            "command": "SMB2_COMMAND_TREE_CONNECT",
            "session_id": session,
            "tree_id": tree,
            "share": share,
            "share_type": "FILE",
        },
    )
    size = 900 + rng.getrandbits(16)
    stamp = int(t) - rng.getrandbits(22)
    eve.record(
        w.em,
        c,
        t + 0.01,
        "smb",
        {
            "id": 2,
            **base,
            "command": "SMB2_COMMAND_CREATE",
            "session_id": session,
            "tree_id": tree,
            "filename": filename,
            "disposition": "FILE_OPEN",
            "access": "normal",
            "created": stamp,
            "accessed": int(t),
            "modified": stamp,
            "changed": stamp,
            "size": size,
            "fuid": f"{rng.getrandbits(32):08x}-0000-0000-0000-{rng.getrandbits(32):012x}",
        },
    )
    if rng.random() < 0.1:
        app = ("smb", {"id": 2, **base, "command": "SMB2_COMMAND_READ", "filename": filename})
        eve.fileinfo(
            w.em, c, t + 0.05, app, _file(filename.rsplit("\\", 1)[-1], size), to_client=True
        )
    eve.flow(w.em, c, t, t + 2 + rng.random() * 60, (10, 10 + size // 1400), (1800, 1400 + size))


def ldap_bind(w: World, t: float, host: Host) -> None:
    """An LDAP bind to a domain controller (a third of them over LDAPS, which shows the DC's
    certificate: TLS 1.2 from Windows' SChannel)."""
    if w.rng.random() < 0.35:
        dc = w.org.by_ip[w.rng.choice(w.dcs)]
        w.tls_session(t, host, dc.ip, dc.fqdn, internet.SCHANNEL_TLS, port=636, issuer=INTERNAL_CA)
        return
    c = Conn(w.em, host.ip, w.port(), w.rng.choice(w.dcs), 389, "TCP", CORE_SENSOR, "ldap")
    eve.record(
        w.em,
        c,
        t,
        "ldap",
        {
            "request": {
                "message_id": 1,
                "operation": "bind_request",
                "bind_request": {"version": 3, "name": "", "sasl": {"mechanism": "GSS-SPNEGO"}},
            },
            "responses": [
                {
                    "message_id": 1,
                    "operation": "bind_response",
                    "bind_response": {"result_code": "success", "matched_dn": "", "message": ""},
                }
            ],
        },
    )
    eve.flow(w.em, c, t, t + 0.2 + w.rng.random() * 5, (7, 6), (3100, 2400))


def ntp(w: World, t: float, host: Host) -> None:
    c = Conn(w.em, host.ip, 123, w.rng.choice(w.dcs), 123, "UDP", CORE_SENSOR, "ntp")
    eve.flow(w.em, c, t, t + 0.01, (1, 1), (90, 90))


def print_job(w: World, t: float, host: Host) -> None:
    printer = w.printers.get(host.department) or next(iter(w.printers.values()))
    c = Conn(w.em, host.ip, w.port(), printer, 9100, "TCP", CORE_SENSOR, "failed")
    size = 20000 + w.rng.getrandbits(20)
    eve.flow(w.em, c, t, t + 3 + w.rng.random() * 20, (10 + size // 1400, 8), (size, 600))


def mail(w: World, t: float, host: Host) -> None:
    """Webmail over TLS; the mail server relays out and receives mail from the Internet."""
    rng = w.rng
    client = internet.BROWSERS[host.browser].tls
    w.tls_session(t, host, w.mail, f"mail.{AD_DOMAIN}", client, duration=5 + rng.random() * 600)
    peer = rng.choice(MAIL_PEERS)
    if rng.random() < 0.3:
        c = Conn(w.em, w.mail, w.port(), peer, 25, "TCP", CORE_SENSOR, "smtp")
        eve.flow(w.em, c, t + 1, t + 3, (14, 12), (9000 + rng.getrandbits(15), 1900))
    if rng.random() < 0.3:
        c = Conn(w.em, peer, w.port(), w.mail, 25, "TCP", CORE_SENSOR, "smtp")
        eve.flow(w.em, c, t + 2, t + 4, (16, 12), (12000 + rng.getrandbits(15), 1900))


def ssh(w: World, t: float, host: Host) -> None:
    """An administrator or developer logs in to a Linux server."""
    rng = w.rng
    if host.department not in ("IT", "Engineering"):
        host = rng.choice(w.admins)
    server = rng.choice(w.linux_servers)
    c = Conn(w.em, host.ip, w.port(), server.ip, 22, "TCP", CORE_SENSOR, "ssh")
    eve.record(
        w.em,
        c,
        t + 0.05,
        "ssh",
        {
            "client": {
                "proto_version": "2.0",
                "software_version": OPENSSH_CLIENT[0],
                "hassh": {"hash": OPENSSH_CLIENT[1]},
            },
            "server": {
                "proto_version": "2.0",
                "software_version": OPENSSH_SERVER[0],
                "hassh": {"hash": OPENSSH_SERVER[1]},
            },
        },
    )
    eve.flow(w.em, c, t, t + 20 + rng.random() * 1800, (60, 55), (9000, 24000))


def quic(w: World, t: float, host: Host) -> None:
    rng = w.rng
    site = rng.choice(w.common_sites[:8])
    t1 = w.resolve(t, host, site.name, [("A", ip) for ip in site.ips])
    c = Conn(w.em, host.ip, w.port(), site.ips[0], 443, "UDP", CORE_SENSOR, "quic")
    eve.record(
        w.em,
        c,
        t1 + 0.001,
        "quic",
        {
            "version": "1",
            "sni": site.name,
            "ja4": "q13d0312h3_55b375c5d22e_06cda9e17597",
        },
    )
    eve.flow(
        w.em, c, t1, t1 + 5 + rng.random() * 120, (30, 60), (6000, 70000 + rng.getrandbits(16))
    )


def anomaly(w: World, t: float, host: Host) -> None:
    rng = w.rng
    site = w.site_for(host)
    c = Conn(w.em, host.ip, w.port(), site.ips[0], 443, "TCP", CORE_SENSOR, "tls")
    event = c.head(w.em, t, "anomaly")
    event["anomaly"] = rng.choice(
        (
            {
                "type": "applayer",
                "event": "APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION",
                "layer": "proto_detect",
            },
            {
                "app_proto": "tls",
                "type": "applayer",
                "event": "INVALID_RECORD_TYPE",
                "layer": "proto_parser",
            },
        )
    )
    w.em.push(t, event)
    eve.flow(w.em, c, t, t + 1, (3, 1), (300, 60), state="reset")


# libmagic's description of the demo's files, by extension
MAGIC = {
    "xlsx": "Microsoft Excel 2007+",
    "pptx": "Microsoft PowerPoint 2007+",
    "docx": "Microsoft Word 2007+",
    "pdf": "PDF document, version 1.7",
    "cab": "Microsoft Cabinet archive data, many, 1 file",
    "msi": "Composite Document File V2 Document, MSI Installer",
    "ini": "ASCII text, with CRLF line terminators",
}


def _file(name: str, size: int) -> eve.Event:
    digest = internet.md5_hex(f"{name}:{size}")
    return {
        "filename": name,
        "magic": MAGIC.get(name.rsplit(".", 1)[-1], "data"),
        "gaps": False,
        "state": "CLOSED",
        "md5": digest,
        "sha256": digest * 2,
        "stored": False,
        "size": size,
        "tx_id": 0,
    }


# (activity, weight): the mix of background activity.
BACKGROUND: tuple[tuple[Activity, float], ...] = (
    (browse, 44),
    (internal_dns, 14),
    (system_http, 6),
    (proxy_http, 4),
    (smb_files, 7),
    (ldap_bind, 4),
    (ntp, 3),
    (print_job, 1),
    (mail, 4),
    (ssh, 1),
    (quic, 5),
    (servers.web_visitors, 4),
    (servers.internal_apps, 4),
    (servers.attacks, 0.3),
    (servers.dc_replication, 0.5),
    (servers.reverse_lookup, 1.5),
    (anomaly, 0.4),
)
