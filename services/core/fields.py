"""The field registry: the names analysts filter on and the SQL behind each.

A `Field` maps an EVE path as analysts know it (`dns.rrname`, `tls.ja3.hash`, `src_ip`) to a
column expression of a table, with a kind that decides which operators and values are valid.
Pseudo-fields span several columns (`ip` is `src_ip` or `dest_ip`). `Registry.lookup` resolves
names and aliases, strips the Elasticsearch sub-field suffixes Stamus queries carry
(`.keyword`, `.raw`), and — for registries over `events` — falls back to the stored original
line for any other plausible EVE path (`smb.ntlmssp.version` reads `raw`). Unknown names raise
`Invalid` naming the closest known fields.

`EVENT_FIELDS` is the registry of the `events` table; host insights build their own `Registry`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from services.core.errors import Invalid

Kind = Literal["string", "ip", "int", "float", "bool", "datetime", "string_array", "tag", "raw"]
Case = Literal["exact", "lower", "upper"]

PATH_SEGMENT = re.compile(r"^[a-z0-9_]+$")
SUBFIELD_SUFFIXES = (".keyword", ".raw")


@dataclass(frozen=True)
class Field:
    """One filterable name.

    `sql` is the column expression (for a pseudo-field, the first of `any_of`); `any_of` lists
    every column a pseudo-field spans (matching any of them matches the field). `case` says how
    values are stored, so exact matches normalize the value instead of the column. `raw_path`
    is set for fields read from the original line (kind `raw`), with the path's JSON type in the EVE
    schema (`string`, `integer`, `array`... or '' when unknown) as `raw_type`.
    """

    name: str
    kind: Kind
    sql: str
    description: str
    aliases: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    case: Case = "exact"
    any_of: tuple[str, ...] = ()
    raw_path: tuple[str, ...] = ()
    raw_type: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return self.any_of or (self.sql,)

    def normalize(self, value: str) -> str:
        """The value as stored in the column, for exact comparisons."""
        if self.case == "lower":
            return value.lower()
        if self.case == "upper":
            return value.upper()
        return value

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "aliases": list(self.aliases),
            "event_types": list(self.event_types),
            "case_insensitive": self.case != "exact",
        }


@dataclass(frozen=True)
class EveSchema:
    """Every property path of the Suricata EVE schema with its JSON type, shipped as data."""

    paths: dict[str, str]
    open: frozenset[str]

    @property
    def roots(self) -> frozenset[str]:
        return frozenset(p.split(".", 1)[0] for p in self.paths)

    def knows(self, path: str) -> bool:
        """The path is in the schema, or below an object that allows any property."""
        if path in self.paths:
            return True
        parts = path.split(".")
        return any(".".join(parts[:n]) in self.open for n in range(1, len(parts)))

    @classmethod
    def load(cls) -> EveSchema:
        text = resources.files("services.core").joinpath("eve_paths.json").read_text()
        data = json.loads(text)
        return cls(dict(data["paths"]), frozenset(data["open"]))


class Registry:
    """Fields by name and alias; optionally a fallback to EVE paths in a raw JSON column."""

    def __init__(
        self,
        fields: Iterable[Field],
        *,
        raw_column: str | None = None,
        schema: EveSchema | None = None,
    ) -> None:
        self.fields: tuple[Field, ...] = tuple(fields)
        self.raw_column = raw_column
        self.schema = schema
        self._roots = schema.roots if schema else frozenset()
        self._by_name: dict[str, Field] = {}
        for f in self.fields:
            for name in (f.name, *f.aliases):
                if name in self._by_name:
                    raise ValueError(f"field name {name!r} registered twice")
                self._by_name[name] = f

    def get(self, name: str) -> Field | None:
        """The registered field for a name or alias (sub-field suffixes stripped), else None."""
        found = self._by_name.get(name)
        if found is not None:
            return found
        for suffix in SUBFIELD_SUFFIXES:
            if name.endswith(suffix) and name[: -len(suffix)] in self._by_name:
                return self._by_name[name[: -len(suffix)]]
        return None

    def lookup(self, name: str, where: str = "") -> Field:
        """The field for `name`; a raw-path field for other plausible EVE paths.

        `where` (e.g. " at 1:5") is appended to error messages.
        """
        found = self.get(name)
        if found is not None:
            return found
        raw = self.raw_field(name)
        if raw is not None:
            return raw
        raise Invalid(f'unknown field "{name}"{where}{self._suggest(name)}', {"field": name})

    def raw_field(self, name: str) -> Field | None:
        """A field reading EVE path `name` from the raw column, if the path is plausible.

        Plausible: lower-case segments under a top-level EVE key, and either in the EVE schema
        (or below an open object such as `alert.metadata`) or far from every known name — a
        near miss like `dns.rrnmae` is a typo, not a new field.
        """
        if self.raw_column is None or self.schema is None:
            return None
        path = name.removesuffix(".keyword").split(".")
        if path[0] not in self._roots or not all(PATH_SEGMENT.match(p) for p in path):
            return None
        dotted = ".".join(path)
        if not self.schema.knows(dotted) and self._close(dotted, cutoff=0.85):
            return None
        return Field(
            dotted,
            "raw",
            self.raw_column,
            f"EVE path {dotted}, read from the original event",
            raw_path=tuple(path),
            raw_type=self.schema.paths.get(dotted, ""),
        )

    def _close(self, name: str, cutoff: float) -> list[str]:
        candidates = list(self._by_name)
        if self.schema is not None:
            root = name.split(".", 1)[0]
            candidates += [p for p in self.schema.paths if p.split(".", 1)[0] == root]
        return difflib.get_close_matches(name, candidates, n=3, cutoff=cutoff)

    def _suggest(self, name: str) -> str:
        close = self._close(name, cutoff=0.6)
        if not close:
            return ""
        canonical = list(dict.fromkeys(self._canonical(c) for c in close))
        return " — did you mean " + " or ".join(f'"{c}"' for c in canonical) + "?"

    def _canonical(self, name: str) -> str:
        found = self._by_name.get(name)
        return found.name if found else name

    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def describe(self) -> list[dict[str, Any]]:
        """Every field, for `GET /api/v1/fields`."""
        return [f.describe() for f in self.fields]


EVE_SCHEMA = EveSchema.load()


def _f(
    name: str,
    kind: Kind,
    sql: str,
    description: str,
    *aliases: str,
    event_types: tuple[str, ...] = (),
    case: Case = "exact",
) -> Field:
    return Field(name, kind, sql, description, tuple(aliases), event_types, case)


def _side(name: str, kind: Kind, columns: tuple[str, ...], description: str) -> Field:
    return Field(name, kind, columns[0], description, any_of=columns)


DNS = ("dns", "alert")
TLS = ("tls", "alert")
HTTP = ("http", "alert", "fileinfo")
NAMED = ("dns", "tls", "quic", "http", "alert", "fileinfo")
FLOW = ("flow", "netflow")

_COMMON = [
    _f("timestamp", "datetime", "ts", "event time (UTC)", "ts", "@timestamp"),
    _f("event_type", "string", "event_type", "EVE event type (alert, dns, flow...)", case="lower"),
    _f("host", "string", "sensor", "sensor name (EVE host)", "sensor"),
    _f("in_iface", "string", "in_iface", "capture interface"),
    _f("flow_id", "int", "flow_id", "flow id shared by the events of a flow"),
    _f("tx_id", "int", "tx_id", "transaction id within the flow"),
    _f("src_ip", "ip", "src_ip", "source address"),
    _f("dest_ip", "ip", "dest_ip", "destination address"),
    _f("src_port", "int", "src_port", "source port"),
    _f("dest_port", "int", "dest_port", "destination port"),
    _f("proto", "string", "proto", "transport protocol (TCP, UDP, ICMP...)", case="upper"),
    _f("app_proto", "string", "app_proto", "application protocol", case="lower"),
    _f("community_id", "string", "community_id", "Community ID flow hash"),
    _f("source", "string", "source", "where the event came from (file, http, redis)"),
    _side("ip", "ip", ("src_ip", "dest_ip"), "either address (src_ip or dest_ip)"),
    _side("port", "int", ("src_port", "dest_port"), "either port (src_port or dest_port)"),
    Field(
        "tag",
        "tag",
        "id",
        "classification tag of the event (relevant, informational...)",
        ("alert.tag",),
    ),
]

_ALERT = [
    _f(
        "alert.signature",
        "string",
        "alert_signature",
        "rule message",
        "msg",
        event_types=("alert",),
    ),
    _f(
        "alert.signature_id", "int", "alert_signature_id", "rule sid", "sid", event_types=("alert",)
    ),
    _f("alert.gid", "int", "alert_gid", "rule generator id", event_types=("alert",)),
    _f("alert.rev", "int", "alert_rev", "rule revision", event_types=("alert",)),
    _f(
        "alert.severity",
        "int",
        "alert_severity",
        "rule severity (1 highest)",
        event_types=("alert",),
    ),
    _f(
        "alert.category",
        "string",
        "alert_category",
        "rule classtype description",
        event_types=("alert",),
    ),
    _f(
        "alert.action",
        "string",
        "alert_action",
        "allowed or blocked",
        event_types=("alert",),
        case="lower",
    ),
]

_DNS = [
    _f("dns.type", "string", "dns_type", "query or answer", event_types=DNS, case="lower"),
    _f("dns.id", "int", "dns_id", "DNS transaction id", "dns.query.id", event_types=DNS),
    _f(
        "dns.rrname",
        "string",
        "dns_rrname",
        "queried name (lower case, no trailing dot)",
        "dns.query.rrname",
        "dns.queries.rrname",
        event_types=DNS,
        case="lower",
    ),
    _f(
        "dns.rrtype",
        "string",
        "dns_rrtype",
        "queried record type (A, AAAA, TXT...)",
        "dns.query.rrtype",
        "dns.queries.rrtype",
        event_types=DNS,
        case="upper",
    ),
    _f(
        "dns.rcode",
        "string",
        "dns_rcode",
        "response code (NOERROR, NXDOMAIN...)",
        "dns.query.rcode",
        event_types=DNS,
        case="upper",
    ),
    _f(
        "dns.answers.rdata",
        "string_array",
        "dns_answers",
        "answer data (addresses, names)",
        "dns.answer.rdata",
        "dns.rdata",
        event_types=DNS,
    ),
    _f(
        "dns.answers.rrtype",
        "string_array",
        "dns_answer_types",
        "answer record types",
        "dns.answer.rrtype",
        event_types=DNS,
    ),
]

_TLS = [
    _f(
        "tls.sni",
        "string",
        "tls_sni",
        "server name indication (lower case)",
        "tls.hostname",
        event_types=TLS,
        case="lower",
    ),
    _f(
        "tls.version", "string", "tls_version", "TLS version (TLS 1.2, TLS 1.3...)", event_types=TLS
    ),
    _f("tls.subject", "string", "tls_subject", "certificate subject", event_types=TLS),
    _f("tls.issuerdn", "string", "tls_issuerdn", "certificate issuer", event_types=TLS),
    _f("tls.serial", "string", "tls_serial", "certificate serial", event_types=TLS),
    _f(
        "tls.fingerprint",
        "string",
        "tls_fingerprint",
        "certificate SHA1 fingerprint",
        event_types=TLS,
        case="lower",
    ),
    _f("tls.notbefore", "string", "tls_notbefore", "certificate validity start", event_types=TLS),
    _f("tls.notafter", "string", "tls_notafter", "certificate validity end", event_types=TLS),
    _f(
        "tls.ja3.hash",
        "string",
        "tls_ja3",
        "JA3 client fingerprint",
        "tls.ja3",
        event_types=TLS,
        case="lower",
    ),
    _f(
        "tls.ja3s.hash",
        "string",
        "tls_ja3s",
        "JA3S server fingerprint",
        "tls.ja3s",
        event_types=TLS,
        case="lower",
    ),
    _f("tls.ja4", "string", "tls_ja4", "JA4 client fingerprint", "tls.ja4.hash", event_types=TLS),
    _f(
        "quic.sni",
        "string",
        "quic_sni",
        "QUIC server name (lower case)",
        event_types=("quic", "alert"),
        case="lower",
    ),
    _f("quic.version", "string", "quic_version", "QUIC version", event_types=("quic",)),
]

_HTTP = [
    _f(
        "http.hostname",
        "string",
        "http_hostname",
        "HTTP host (lower case)",
        event_types=HTTP,
        case="lower",
    ),
    _f("http.url", "string", "http_url", "request URL", event_types=HTTP),
    _f(
        "http.http_user_agent",
        "string",
        "http_user_agent",
        "User-Agent header",
        "http.user_agent",
        event_types=HTTP,
    ),
    _f(
        "http.http_method",
        "string",
        "http_method",
        "request method",
        event_types=HTTP,
        case="upper",
    ),
    _f("http.status", "int", "http_status", "response status", event_types=HTTP),
    _f(
        "http.http_content_type",
        "string",
        "http_content_type",
        "response content type",
        event_types=HTTP,
    ),
    _f("http.http_refer", "string", "http_refer", "Referer header", event_types=HTTP),
    _f("http.server", "string", "http_server", "Server header", event_types=HTTP),
    _f("http.length", "int", "http_length", "response body length", event_types=HTTP),
]

_FILEINFO = [
    _f("fileinfo.filename", "string", "file_name", "file name", event_types=("fileinfo",)),
    _f("fileinfo.magic", "string", "file_magic", "libmagic type", event_types=("fileinfo",)),
    _f(
        "fileinfo.sha256",
        "string",
        "file_sha256",
        "file SHA-256",
        event_types=("fileinfo",),
        case="lower",
    ),
    _f("fileinfo.size", "int", "file_size", "file size in bytes", event_types=("fileinfo",)),
]

_FLOW = [
    _f(
        "flow.bytes_toserver",
        "int",
        "flow_bytes_toserver",
        "bytes client to server",
        "netflow.bytes",
        event_types=FLOW,
    ),
    _f(
        "flow.bytes_toclient",
        "int",
        "flow_bytes_toclient",
        "bytes server to client",
        event_types=FLOW,
    ),
    _f(
        "flow.pkts_toserver",
        "int",
        "flow_pkts_toserver",
        "packets client to server",
        "netflow.pkts",
        event_types=FLOW,
    ),
    _f(
        "flow.pkts_toclient",
        "int",
        "flow_pkts_toclient",
        "packets server to client",
        event_types=FLOW,
    ),
    _f("flow.start", "datetime", "flow_start", "flow start", "netflow.start", event_types=FLOW),
    _f("flow.end", "datetime", "flow_end", "flow end", "netflow.end", event_types=FLOW),
    _f("flow.age", "int", "flow_age", "flow duration in seconds", "netflow.age", event_types=FLOW),
    _f(
        "flow.state",
        "string",
        "flow_state",
        "flow state (new, established, closed...)",
        event_types=FLOW,
        case="lower",
    ),
    _f(
        "flow.reason",
        "string",
        "flow_reason",
        "why the flow was logged (timeout...)",
        event_types=FLOW,
        case="lower",
    ),
]

_IDENTITIES = [
    _f("smb.command", "string", "smb_command", "SMB command", event_types=("smb",)),
    _f("smb.dialect", "string", "smb_dialect", "SMB dialect", event_types=("smb",)),
    _f("smb.share", "string", "smb_share", "SMB share", event_types=("smb",)),
    _f("smb.filename", "string", "smb_filename", "SMB file name", event_types=("smb",)),
    _f(
        "smb.ntlmssp.user",
        "string",
        "ntlmssp_user",
        "NTLMSSP user name",
        event_types=("smb", "dcerpc"),
    ),
    _f(
        "smb.ntlmssp.domain",
        "string",
        "ntlmssp_domain",
        "NTLMSSP domain",
        event_types=("smb", "dcerpc"),
    ),
    _f("smb.ntlmssp.host", "string", "ntlmssp_host", "NTLMSSP host", event_types=("smb", "dcerpc")),
    _f("krb5.cname", "string", "krb5_cname", "Kerberos client name", event_types=("krb5",)),
    _f("krb5.realm", "string", "krb5_realm", "Kerberos realm", event_types=("krb5",)),
    _f("krb5.sname", "string", "krb5_sname", "Kerberos service name", event_types=("krb5",)),
    _f(
        "krb5.encryption",
        "string",
        "krb5_encryption",
        "Kerberos encryption type",
        event_types=("krb5",),
    ),
    _f("krb5.msg_type", "string", "krb5_msg_type", "Kerberos message type", event_types=("krb5",)),
    _f("dhcp.hostname", "string", "dhcp_hostname", "DHCP client host name", event_types=("dhcp",)),
    _f(
        "dhcp.client_mac",
        "string",
        "dhcp_client_mac",
        "DHCP client MAC",
        event_types=("dhcp",),
        case="lower",
    ),
    _f(
        "dhcp.assigned_ip",
        "string",
        "dhcp_assigned_ip",
        "address assigned by DHCP",
        event_types=("dhcp",),
    ),
    _f(
        "dhcp.dhcp_type",
        "string",
        "dhcp_type",
        "DHCP message type (discover, ack...)",
        event_types=("dhcp",),
        case="lower",
    ),
    _f(
        "ssh.client.software_version",
        "string",
        "ssh_client_software",
        "SSH client software",
        event_types=("ssh",),
    ),
    _f(
        "ssh.server.software_version",
        "string",
        "ssh_server_software",
        "SSH server software",
        event_types=("ssh",),
    ),
    _f(
        "ssh.client.hassh.hash",
        "string",
        "ssh_hassh",
        "HASSH client fingerprint",
        "ssh.client.hassh",
        event_types=("ssh",),
        case="lower",
    ),
    _f(
        "ssh.server.hassh.hash",
        "string",
        "ssh_hassh_server",
        "HASSH server fingerprint",
        "ssh.server.hassh",
        event_types=("ssh",),
        case="lower",
    ),
    _f("rdp.cookie", "string", "rdp_cookie", "RDP cookie (user name)", event_types=("rdp",)),
    _f("ftp.user", "string", "ftp_user", "FTP user name", event_types=("ftp",)),
    _f(
        "pgsql.user",
        "string",
        "pgsql_user",
        "PostgreSQL user name",
        "pgsql.request.user",
        event_types=("pgsql",),
    ),
    _f("smtp.mail_from", "string", "smtp_mail_from", "SMTP MAIL FROM", event_types=("smtp",)),
    _f("smtp.rcpt_to", "string_array", "smtp_rcpt_to", "SMTP RCPT TO", event_types=("smtp",)),
    _f("ether.src_mac", "string", "src_mac", "source MAC", "src_mac", case="lower"),
    _f("ether.dest_mac", "string", "dest_mac", "destination MAC", "dest_mac", case="lower"),
]


def _name_parts(prefix: str, column: str, what: str, private: bool) -> list[Field]:
    parts = [
        ("host", "full name"),
        ("subdomain", "labels left of the registered domain"),
        ("domain", "registered domain (public suffix + 1)"),
        ("tld", "public suffix"),
        ("domain_without_tld", "registered domain without its public suffix"),
    ]
    if private:
        parts.insert(3, ("domain_private", "registered domain including private suffixes"))
    return [
        _f(
            f"{prefix}.{part}",
            "string",
            f"{column}_{part}",
            f"{what}: {text}",
            event_types=NAMED,
            case="lower",
        )
        for part, text in parts
    ]


_ENRICHMENT = [
    *_name_parts("hostname_info", "hostname_info", "the event's name", private=True),
    _f(
        "hostname_info.is_ip",
        "bool",
        "hostname_info_is_ip",
        "the event's name is an address",
        event_types=NAMED,
    ),
    *_name_parts(
        "http.http_refer_info", "http_refer_info", "the HTTP referer's host", private=False
    ),
    _f("net_info.src", "string", "src_net", "named network of the source ('internet' if none)"),
    _f("net_info.dest", "string", "dest_net", "named network of the destination"),
    _f("net_info.src_dept", "string", "src_dept", "department of the source network"),
    _f("net_info.dest_dept", "string", "dest_dept", "department of the destination network"),
    _f("net_info.src_internal", "bool", "src_internal", "the source is in an internal network"),
    _f(
        "net_info.dest_internal",
        "bool",
        "dest_internal",
        "the destination is in an internal network",
    ),
    _side("net_info", "string", ("src_net", "dest_net"), "either side's named network"),
]

EVENT_FIELDS = Registry(
    [*_COMMON, *_ALERT, *_DNS, *_TLS, *_HTTP, *_FILEINFO, *_FLOW, *_IDENTITIES, *_ENRICHMENT],
    raw_column="raw",
    schema=EVE_SCHEMA,
)
