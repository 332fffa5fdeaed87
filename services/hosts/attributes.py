"""The catalog of host attributes: what a host document shows, and where each comes from.

Each attribute has a name (the `attribute` column), a description, the events columns it comes
from (`source`) and a kind that groups it in the host document (identity, user, service, client,
dns, activity). All are rolled up from each stored ingest batch into `host_attributes`
(`rollup.py`), so every one is in host documents and searchable over every host. Derived facts
(roles, logged-in users, hostnames) are computed when read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["identity", "user", "service", "client", "dns", "activity"]


@dataclass(frozen=True)
class Attribute:
    name: str
    kind: Kind
    source: str
    description: str


ATTRIBUTES: tuple[Attribute, ...] = (
    # identity
    Attribute("dhcp_hostname", "identity", "dhcp.hostname", "hostname announced over DHCP"),
    Attribute("mac", "identity", "src_mac, dest_mac, dhcp.client_mac", "MAC addresses"),
    Attribute("ntlmssp_host", "identity", "smb.ntlmssp.host", "workstation name in NTLMSSP"),
    Attribute("krb5_host", "identity", "krb5.cname ending in $", "machine account in Kerberos"),
    Attribute("ptr_name", "identity", "dns answers to in-addr.arpa queries", "reverse DNS name"),
    Attribute("tls_cn", "identity", "tls.subject CN", "certificate common name it serves"),
    Attribute("vlan", "identity", "vlan", "VLAN ids its traffic carried"),
    Attribute("network", "identity", "net_info.src / net_info.dest", "named network"),
    Attribute("department", "identity", "net_info.src_dept / dest_dept", "department"),
    Attribute("sensor", "identity", "host (the sensor) of its client flows", "sensors"),
    # users
    Attribute("krb5_user", "user", "krb5.cname (not ending in $)", "Kerberos user"),
    Attribute("krb5_realm", "user", "krb5.realm", "Kerberos realm"),
    Attribute("ntlmssp_user", "user", "smb.ntlmssp.domain, .user", "NTLMSSP user DOMAIN\\user"),
    Attribute("ntlmssp_domain", "user", "smb.ntlmssp.domain", "NTLMSSP domain"),
    Attribute("rdp_cookie", "user", "rdp.cookie", "RDP cookie (user name)"),
    Attribute("ftp_user", "user", "ftp USER command", "FTP user"),
    Attribute("pgsql_user", "user", "pgsql startup user", "PostgreSQL user"),
    Attribute("smtp_mail_from", "user", "smtp.mail_from", "mail sender"),
    # what it serves
    Attribute(
        "service", "service", "proto, dest_port, app_proto", "service offered proto/port/app"
    ),
    Attribute("role_evidence", "service", "protocol answers it gives", "evidence for roles"),
    Attribute("http_server", "service", "http.server", "HTTP Server header it sends"),
    Attribute("tls_subject_served", "service", "tls.subject", "certificate subject it serves"),
    Attribute("tls_issuer_served", "service", "tls.issuerdn", "certificate issuer it serves"),
    Attribute("tls_fingerprint_served", "service", "tls.fingerprint", "certificate fingerprint"),
    Attribute("tls_sni_served", "service", "tls.sni as server", "names clients asked it for"),
    Attribute("ja3s", "service", "tls.ja3s.hash", "JA3S of its TLS server hellos"),
    Attribute("ssh_server", "service", "ssh.server.software_version", "SSH server software"),
    Attribute("hassh_server", "service", "ssh.server.hassh", "HASSH server fingerprint"),
    Attribute("smb_dialect", "service", "smb.dialect", "SMB dialects it negotiated"),
    Attribute("smb_share_served", "service", "smb.share as server", "SMB shares it serves"),
    Attribute("client_peer", "service", "flow src_ip as server", "clients that connected to it"),
    Attribute(
        "proxy_client",
        "service",
        "flow src_ip as server on 3128 / 8080",
        "clients of its proxy ports (the HTTP proxy role counts them)",
    ),
    # what it uses as a client
    Attribute(
        "client_app", "client", "app_proto as client (answered)", "protocols it uses as a client"
    ),
    Attribute("user_agent", "client", "http.http_user_agent", "HTTP user agents"),
    Attribute("http_host", "client", "http.hostname", "HTTP hosts it requested"),
    Attribute("ja3", "client", "tls.ja3.hash", "JA3 of its TLS client hellos"),
    Attribute("ja4", "client", "tls.ja4", "JA4 of its TLS client hellos"),
    Attribute("tls_sni", "client", "tls.sni", "TLS server names it asked for"),
    Attribute("tls_version", "client", "tls.version", "TLS versions it used"),
    Attribute("quic_sni", "client", "quic.sni", "QUIC server names"),
    Attribute("ssh_client", "client", "ssh.client.software_version", "SSH client software"),
    Attribute("hassh", "client", "ssh.client.hassh", "HASSH client fingerprint"),
    Attribute("smb_share", "client", "smb.share as client", "SMB shares it accessed"),
    Attribute("krb5_service", "client", "krb5.sname", "Kerberos services it asked tickets for"),
    Attribute("krb5_encryption", "client", "krb5.encryption", "Kerberos encryption types"),
    Attribute("server_peer", "client", "flow dest_ip as client", "servers it connected to"),
    Attribute("peer_network", "client", "net of the other side of flows", "networks it talks to"),
    # DNS behaviour
    Attribute("resolver", "dns", "dest_ip of dns events", "DNS resolvers it used"),
    Attribute("dns_port", "dns", "dest_port of dns events it sent", "ports it sent DNS to"),
    Attribute("dot_server", "dns", "dest_ip of answered port 853", "DNS-over-TLS servers"),
    Attribute("queried_domain", "dns", "hostname_info.domain of dns", "registered domains queried"),
    Attribute("dns_rrtype", "dns", "dns.rrtype", "DNS record types queried"),
    Attribute("dns_rcode", "dns", "dns.rcode of answers", "DNS answer codes it received"),
    Attribute("tls_domain", "dns", "hostname_info.domain of tls", "registered domains over TLS"),
    Attribute("http_domain", "dns", "hostname_info.domain of http", "registered domains over HTTP"),
    # activity
    Attribute(
        "event_type", "activity", "event_type", "events by type (either side); first/last seen"
    ),
    Attribute("alert_signature", "activity", "alert.signature", "alerts by signature"),
    Attribute("alert_signature_id", "activity", "alert.signature_id", "alerts by signature id"),
    Attribute("alert_severity", "activity", "alert.severity", "alerts by severity"),
    Attribute("alert_category", "activity", "alert.category", "alerts by category"),
    Attribute("traffic", "activity", "flow.bytes_*", "flows and bytes sent / received"),
    Attribute("file_type", "activity", "fileinfo.magic", "types of files transferred"),
    Attribute("file_sha256", "activity", "fileinfo.sha256", "files transferred (amount: size)"),
)

BY_NAME: dict[str, Attribute] = {a.name: a for a in ATTRIBUTES}

USER_ATTRIBUTES = ("krb5_user", "ntlmssp_user", "rdp_cookie", "ftp_user", "pgsql_user")
HOSTNAME_ATTRIBUTES = ("dhcp_hostname", "ntlmssp_host", "krb5_host", "ptr_name", "tls_cn")
