"""Protocol blocks of an EVE event (`tls`, `http`, `alert`, `smb`, ...) → promoted columns.

A block is read whatever the event type: alerts carry `http`/`tls`/`dns` blocks, fileinfo
carries `http`/`smtp`, and the same columns hold them. Most fields map one EVE key to one
column (`TEXT_FIELDS`, `UINT_FIELDS`: table-driven, this is the per-event hot path); the rest
need a small function (`SPECIAL`). Anything not promoted stays reachable through `raw`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.ingest import dns_layouts
from services.ingest.timestamps import epoch_micros
from services.ingest.values import U8, U16, U32, U64, text, uint

Row = dict[str, Any]

# block → ((EVE key, column), ...): text columns
TEXT_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "alert": (
        ("signature", "alert_signature"),
        ("category", "alert_category"),
        ("action", "alert_action"),
    ),
    "tls": (
        ("sni", "tls_sni"),
        ("version", "tls_version"),
        ("subject", "tls_subject"),
        ("issuerdn", "tls_issuerdn"),
        ("serial", "tls_serial"),
        ("fingerprint", "tls_fingerprint"),
        ("notbefore", "tls_notbefore"),
        ("notafter", "tls_notafter"),
    ),
    "quic": (("sni", "quic_sni"), ("version", "quic_version")),
    "http": (
        ("hostname", "http_hostname"),
        ("url", "http_url"),
        ("http_user_agent", "http_user_agent"),
        ("http_method", "http_method"),
        ("http_content_type", "http_content_type"),
        ("http_refer", "http_refer"),
        ("server", "http_server"),
    ),
    "fileinfo": (("filename", "file_name"), ("magic", "file_magic"), ("sha256", "file_sha256")),
    "flow": (("state", "flow_state"), ("reason", "flow_reason")),
    "smb": (
        ("command", "smb_command"),
        ("dialect", "smb_dialect"),
        ("share", "smb_share"),
        ("filename", "smb_filename"),
    ),
    "krb5": (
        ("cname", "krb5_cname"),
        ("realm", "krb5_realm"),
        ("sname", "krb5_sname"),
        ("encryption", "krb5_encryption"),
        ("msg_type", "krb5_msg_type"),
    ),
    "dhcp": (
        ("hostname", "dhcp_hostname"),
        ("client_mac", "dhcp_client_mac"),
        ("assigned_ip", "dhcp_assigned_ip"),
        ("dhcp_type", "dhcp_type"),
    ),
    "rdp": (("cookie", "rdp_cookie"),),
    "smtp": (("mail_from", "smtp_mail_from"),),
}

# block → ((EVE key, column, largest value), ...): unsigned integer columns
UINT_FIELDS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "alert": (
        ("signature_id", "alert_signature_id", U32),
        ("gid", "alert_gid", U32),
        ("rev", "alert_rev", U32),
        ("severity", "alert_severity", U8),
    ),
    "http": (("status", "http_status", U16), ("length", "http_length", U64)),
    "fileinfo": (("size", "file_size", U64),),
    "flow": (
        ("bytes_toserver", "flow_bytes_toserver", U64),
        ("bytes_toclient", "flow_bytes_toclient", U64),
        ("pkts_toserver", "flow_pkts_toserver", U64),
        ("pkts_toclient", "flow_pkts_toclient", U64),
        ("age", "flow_age", U32),
    ),
    # a netflow record is one direction: its bytes/pkts go to the `*_toserver` columns
    "netflow": (
        ("bytes", "flow_bytes_toserver", U64),
        ("pkts", "flow_pkts_toserver", U64),
        ("age", "flow_age", U32),
    ),
}


def fingerprint(value: Any) -> str:
    """A fingerprint given as a string or as `{"hash": ..., "string": ...}` (`{}` → '')."""
    if type(value) is str:
        return value
    if isinstance(value, dict):
        return text(value.get("hash"))
    return text(value)


def _set(row: Row, column: str, value: Any) -> None:
    if value is not None:
        row[column] = value if type(value) is str else text(value)


def dns(block: dict[str, Any], row: Row) -> None:
    dns_layouts.dns_columns(block, row)


def tls(block: dict[str, Any], row: Row) -> None:
    for key, column in (("ja3", "tls_ja3"), ("ja3s", "tls_ja3s"), ("ja4", "tls_ja4")):
        value = block.get(key)
        if value is not None:
            row[column] = fingerprint(value)


def quic(block: dict[str, Any], row: Row) -> None:
    ja4 = block.get("ja4")
    if ja4 is not None and "tls_ja4" not in row:
        row["tls_ja4"] = fingerprint(ja4)


def flow_times(block: dict[str, Any], row: Row) -> None:
    for key, column in (("start", "flow_start"), ("end", "flow_end")):
        value = block.get(key)
        if type(value) is str:
            micros = epoch_micros(value)
            if micros is not None:
                row[column] = micros


def smb(block: dict[str, Any], row: Row) -> None:
    ntlmssp = block.get("ntlmssp")
    if isinstance(ntlmssp, dict):
        _set(row, "ntlmssp_user", ntlmssp.get("user"))
        _set(row, "ntlmssp_domain", ntlmssp.get("domain"))
        _set(row, "ntlmssp_host", ntlmssp.get("host"))
    kerberos = block.get("kerberos")
    if isinstance(kerberos, dict):
        _set(row, "krb5_realm", kerberos.get("realm"))
        snames = kerberos.get("snames")
        if isinstance(snames, list) and snames:
            row["krb5_sname"] = "/".join(text(s) for s in snames)


def ssh(block: dict[str, Any], row: Row) -> None:
    for side, software, hassh in (
        ("client", "ssh_client_software", "ssh_hassh"),
        ("server", "ssh_server_software", "ssh_hassh_server"),
    ):
        peer = block.get(side)
        if isinstance(peer, dict):
            _set(row, software, peer.get("software_version"))
            value = peer.get("hassh")
            if value is not None:
                row[hassh] = fingerprint(value)


def ftp(block: dict[str, Any], row: Row) -> None:
    command = block.get("command")
    if type(command) is str and command.upper() == "USER":
        _set(row, "ftp_user", block.get("command_data"))


def pgsql(block: dict[str, Any], row: Row) -> None:
    request = block.get("request")
    if isinstance(request, dict):
        startup = request.get("startup_parameters")
        if isinstance(startup, dict):
            _set(row, "pgsql_user", startup.get("user"))


def smtp(block: dict[str, Any], row: Row) -> None:
    rcpt_to = block.get("rcpt_to")
    if isinstance(rcpt_to, list):
        row["smtp_rcpt_to"] = [text(r) for r in rcpt_to]
    elif rcpt_to is not None:
        row["smtp_rcpt_to"] = [text(rcpt_to)]


def ether(block: dict[str, Any], row: Row) -> None:
    for key in ("src_mac", "dest_mac"):
        value = block.get(key)
        if value is None:
            many = block.get(key + "s")
            value = many[0] if isinstance(many, list) and many else None
        _set(row, key, value)


# block → the function filling what the tables above cannot
SPECIAL: dict[str, Callable[[dict[str, Any], Row], None]] = {
    "dns": dns,
    "tls": tls,
    "quic": quic,
    "flow": flow_times,
    "netflow": flow_times,
    "smb": smb,
    "ssh": ssh,
    "ftp": ftp,
    "pgsql": pgsql,
    "smtp": smtp,
    "ether": ether,
}

BLOCKS = frozenset(TEXT_FIELDS) | frozenset(UINT_FIELDS) | frozenset(SPECIAL)

# block → (text fields, unsigned fields, special function): one lookup per block and event
_EXTRACTORS: dict[
    str,
    tuple[
        tuple[tuple[str, str], ...],
        tuple[tuple[str, str, int], ...],
        Callable[[dict[str, Any], Row], None] | None,
    ],
] = {key: (TEXT_FIELDS.get(key, ()), UINT_FIELDS.get(key, ()), SPECIAL.get(key)) for key in BLOCKS}


def block_columns(key: str, block: dict[str, Any], row: Row) -> None:
    """Fill the columns of one protocol block (`key` is its EVE name)."""
    text_fields, uint_fields, special = _EXTRACTORS[key]
    get = block.get
    for field, column in text_fields:
        value = get(field)
        if value is not None:
            row[column] = value if type(value) is str else text(value)
    for field, column, limit in uint_fields:
        value = get(field)
        if value is not None:
            row[column] = (
                value if type(value) is int and 0 <= value <= limit else uint(value, limit)
            )
    if special is not None:
        special(block, row)
