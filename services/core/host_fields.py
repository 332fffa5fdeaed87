"""The host filter language's fields: names analysts filter hosts on, over `host_attributes`.

A host field is a `fields.Field` whose SQL reads one row of `host_attributes` (usually its
`value`), plus the attributes (`attribute` column) it looks at. A predicate on a host field means
"the host has a row of one of these attributes whose value matches" (see `host_filter`). Two
fields are computed per host instead: `logged_in` (a user attribute seen within the logged-in
window of the reference time) and `role` (from `role_evidence`, by `ROLES`).

Lives in core so that the hunts service can restrict event queries by host (`host_filter`)
without importing the hosts service. The attribute catalog is `services/hosts/attributes.py`;
the attributes are rolled up from each stored ingest batch (`services/hosts/rollup.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.core.fields import Field, Kind, Registry

USER_ATTRIBUTES = ("krb5_user", "ntlmssp_user", "rdp_cookie", "ftp_user", "pgsql_user")
HOSTNAME_ATTRIBUTES = ("dhcp_hostname", "ntlmssp_host", "krb5_host", "ptr_name", "tls_cn")
IDENTIFIER = re.compile(r"^[a-z0-9_]+$")

PROXY_CLIENT = "proxy_client"  # clients of its proxy ports: the proxy role counts them
LOGGED_IN = "logged_in"
ROLE = "role"


@dataclass(frozen=True)
class HostField:
    field: Field
    attributes: tuple[str, ...]


@dataclass(frozen=True)
class RoleRule:
    """A role holds when the host shows every `all_of` evidence and, if given, one of `any_of`;
    evidence `counted` (if set) also needs at least `min_clients` distinct clients."""

    name: str
    description: str
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    counted: str = ""
    min_clients: int = 0

    def holds(self, evidence: set[str], clients: int) -> bool:
        if not all(e in evidence for e in self.all_of):
            return False
        if self.any_of and not any(self._counts(e, evidence, clients) for e in self.any_of):
            return False
        return bool(self.all_of or self.any_of)

    def _counts(self, e: str, evidence: set[str], clients: int) -> bool:
        if e not in evidence:
            return False
        return e != self.counted or clients >= self.min_clients


ROLES: tuple[RoleRule, ...] = (
    RoleRule(
        "domain_controller",
        "answers Kerberos (88) and LDAP (389) or SMB (445)",
        all_of=("krb5",),
        any_of=("ldap", "smb", "file_share"),
    ),
    RoleRule("dhcp_server", "sends DHCP offers / acks", any_of=("dhcp",)),
    RoleRule("dns_server", "answers DNS queries", any_of=("dns",)),
    RoleRule(
        "http_proxy",
        "answers HTTP CONNECT, or serves 3128/8080 to 3+ clients",
        any_of=("http_connect", "proxy_port"),
        counted="proxy_port",
        min_clients=3,
    ),
    RoleRule("printer", "serves 9100 / 631 / 515", any_of=("printer",)),
    RoleRule("mail_server", "serves SMTP (25 / 587)", any_of=("smtp",)),
    RoleRule("file_server", "serves SMB shares", any_of=("file_share",)),
    RoleRule(
        "database_server",
        "serves 1433 / 3306 / 5432 / 1521 / 27017 or PostgreSQL",
        any_of=("database",),
    ),
    RoleRule("web_server", "serves HTTP or TLS", any_of=("web",)),
)
ROLE_NAMES = tuple(r.name for r in ROLES)


def roles_for(evidence: set[str], clients: int) -> list[str]:
    """The roles a host holds given its role evidence and its count of distinct clients."""
    return [r.name for r in ROLES if r.holds(evidence, clients)]


def _literal(name: str) -> str:
    if not IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a safe SQL literal")
    return f"'{name}'"


def role_sql(rule: RoleRule) -> str:
    """A per-host aggregate expression (over `host_attributes` rows) true when `rule` holds."""

    def has(e: str) -> str:
        found = f"countIf(attribute = 'role_evidence' AND value = {_literal(e)}) > 0"
        if e == rule.counted and rule.min_clients:
            clients = f"uniqExactIf(value, attribute = '{PROXY_CLIENT}') >= {int(rule.min_clients)}"
            return f"({found} AND {clients})"
        return found

    parts = [has(e) for e in rule.all_of]
    if rule.any_of:
        parts.append("(" + " OR ".join(has(e) for e in rule.any_of) + ")")
    return "(" + " AND ".join(parts) + ")"


ROLE_ATTRIBUTES = ("role_evidence", PROXY_CLIENT)


def _h(
    name: str,
    kind: Kind,
    attributes: tuple[str, ...],
    description: str,
    aliases: tuple[str, ...] = (),
    sql: str = "value",
) -> HostField:
    return HostField(Field(name, kind, sql, description, aliases=aliases), attributes)


_NUMBER = "toInt64OrZero(value)"
_IP_VALUE = "toIPv6OrDefault(value)"
# `service` values are proto/port/app (TCP/445/smb)
_SERVICE_PORT = "toInt64OrZero(splitByChar('/', value)[2])"
_SERVICE_APP = "splitByChar('/', value)[3]"

HOST_FIELD_LIST: tuple[HostField, ...] = (
    _h("ip", "ip", ("event_type",), "the host's address", sql="ip"),
    _h(
        "hostname", "string", HOSTNAME_ATTRIBUTES, "any hostname (DHCP, NTLMSSP, Kerberos, PTR, CN)"
    ),
    _h("dhcp.hostname", "string", ("dhcp_hostname",), "hostname announced over DHCP"),
    _h("ntlmssp.host", "string", ("ntlmssp_host",), "NTLMSSP workstation name"),
    _h("mac", "string", ("mac",), "MAC address"),
    _h("vlan", "string", ("vlan",), "VLAN ids (a/b for stacked tags)"),
    _h("net_info", "string", ("network",), "named network", aliases=("network",)),
    _h("net_info.dept", "string", ("department",), "department", aliases=("department",)),
    _h(
        "net_info.internal",
        "bool",
        ("network",),
        "in an organization network (any named network but internet)",
        sql="value != 'internet'",
    ),
    _h("sensor", "string", ("sensor",), "sensor that saw it"),
    _h("username", "string", USER_ATTRIBUTES, "any user name seen from it", aliases=("user",)),
    _h("krb5.cname", "string", ("krb5_user",), "Kerberos user"),
    _h("krb5.realm", "string", ("krb5_realm",), "Kerberos realm"),
    _h("ntlmssp.user", "string", ("ntlmssp_user",), "NTLMSSP DOMAIN\\user"),
    _h("ntlmssp.domain", "string", ("ntlmssp_domain",), "NTLMSSP domain"),
    _h("rdp.cookie", "string", ("rdp_cookie",), "RDP cookie"),
    _h("ftp.user", "string", ("ftp_user",), "FTP user"),
    _h("pgsql.user", "string", ("pgsql_user",), "PostgreSQL user"),
    _h("smtp.mail_from", "string", ("smtp_mail_from",), "mail sender"),
    _h("service", "string", ("service",), "service offered, proto/port/app (TCP/445/smb)"),
    _h("service.port", "int", ("service",), "port it serves", sql=_SERVICE_PORT),
    _h("service.app", "string", ("service",), "protocol it serves", sql=_SERVICE_APP),
    _h("http.server", "string", ("http_server",), "HTTP Server header it sends"),
    _h("tls.subject", "string", ("tls_subject_served",), "certificate subject it serves"),
    _h("tls.issuerdn", "string", ("tls_issuer_served",), "certificate issuer it serves"),
    _h("tls.fingerprint", "string", ("tls_fingerprint_served",), "certificate it serves"),
    _h("tls.cn", "string", ("tls_cn",), "certificate common name it serves"),
    _h("ja3s", "string", ("ja3s",), "JA3S it answers with", aliases=("tls.ja3s.hash",)),
    _h("ssh.server", "string", ("ssh_server",), "SSH server software"),
    _h("hassh.server", "string", ("hassh_server",), "HASSH server fingerprint"),
    _h("smb.dialect", "string", ("smb_dialect",), "SMB dialect it negotiated"),
    _h("smb.share_served", "string", ("smb_share_served",), "SMB share it serves"),
    _h("protocol", "string", ("client_app",), "application protocol it uses as a client"),
    _h("user_agent", "string", ("user_agent",), "HTTP user agent", ("http.http_user_agent",)),
    _h("http.hostname", "string", ("http_host",), "HTTP host it requested"),
    _h("ja3", "string", ("ja3",), "JA3 of its client hellos", aliases=("tls.ja3.hash",)),
    _h("ja4", "string", ("ja4",), "JA4 of its client hellos", aliases=("tls.ja4",)),
    _h("tls.sni", "string", ("tls_sni",), "TLS server name it asked for"),
    _h("tls.version", "string", ("tls_version",), "TLS version it used"),
    _h("quic.sni", "string", ("quic_sni",), "QUIC server name"),
    _h("ssh.client", "string", ("ssh_client",), "SSH client software"),
    _h("hassh", "string", ("hassh",), "HASSH client fingerprint"),
    _h("smb.share", "string", ("smb_share",), "SMB share it accessed"),
    _h("krb5.sname", "string", ("krb5_service",), "Kerberos service it asked for"),
    _h("krb5.encryption", "string", ("krb5_encryption",), "Kerberos encryption type"),
    _h("peer", "ip", ("client_peer", "server_peer"), "address it had flows with", sql=_IP_VALUE),
    _h("peer.net_info", "string", ("peer_network",), "named network it had flows with"),
    _h("resolver", "ip", ("resolver",), "DNS resolver it used", sql=_IP_VALUE),
    _h("dns.port", "int", ("dns_port",), "port it sent DNS to", sql=_NUMBER),
    _h("dot_server", "ip", ("dot_server",), "DNS-over-TLS server (853)", sql=_IP_VALUE),
    _h("dns.domain", "string", ("queried_domain",), "registered domain it queried"),
    _h("dns.rrtype", "string", ("dns_rrtype",), "DNS record type it queried"),
    _h("dns.rcode", "string", ("dns_rcode",), "DNS answer code it received"),
    _h("tls.domain", "string", ("tls_domain",), "registered domain over TLS"),
    _h("http.domain", "string", ("http_domain",), "registered domain over HTTP"),
    _h("event_type", "string", ("event_type",), "event type it appears in"),
    _h("alert.signature", "string", ("alert_signature",), "alert signature"),
    _h("alert.signature_id", "int", ("alert_signature_id",), "alert signature id", sql=_NUMBER),
    _h("alert.severity", "int", ("alert_severity",), "alert severity", sql=_NUMBER),
    _h("alert.category", "string", ("alert_category",), "alert category"),
    _h("file.magic", "string", ("file_type",), "type of a file it transferred"),
    _h("file.sha256", "string", ("file_sha256",), "SHA-256 of a file it transferred"),
    _h(LOGGED_IN, "bool", USER_ATTRIBUTES, "a user seen within the logged-in window"),
    _h(ROLE, "string", ROLE_ATTRIBUTES, "inferred role: " + ", ".join(ROLE_NAMES)),
)

HOST_FIELDS_BY_NAME: dict[str, HostField] = {h.field.name: h for h in HOST_FIELD_LIST}
HOST_FIELDS = Registry(h.field for h in HOST_FIELD_LIST)


def host_field(name: str, where: str = "") -> HostField:
    """The host field for a name or alias; `Invalid` naming close matches if unknown."""
    return HOST_FIELDS_BY_NAME[HOST_FIELDS.lookup(name, where).name]
