"""Protocol blocks of an EVE event (`tls`, `http`, `alert`, `smb`, ...) → promoted columns.

Each extractor takes the block (a dict) and the sparse row being built, and sets only the
columns it finds. A block is read whatever the event type: alerts carry `http`/`tls`/`dns`
blocks, fileinfo carries `http`/`smtp`, and the same columns hold them. Anything not promoted
stays reachable through `raw`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.ingest import dns_layouts
from services.ingest.timestamps import epoch_micros
from services.ingest.values import U8, U16, U32, U64, text, uint

Row = dict[str, Any]


def _set_text(row: Row, column: str, value: Any) -> None:
    if value is not None:
        row[column] = value if type(value) is str else text(value)


def _hash(value: Any) -> str:
    """A fingerprint given as a string or as `{"hash": ..., "string": ...}` (`{}` → '')."""
    if type(value) is str:
        return value
    if isinstance(value, dict):
        return text(value.get("hash"))
    return text(value)


def alert(block: dict[str, Any], row: Row) -> None:
    _set_text(row, "alert_signature", block.get("signature"))
    row["alert_signature_id"] = uint(block.get("signature_id"), U32)
    row["alert_gid"] = uint(block.get("gid"), U32)
    row["alert_rev"] = uint(block.get("rev"), U32)
    row["alert_severity"] = uint(block.get("severity"), U8)
    _set_text(row, "alert_category", block.get("category"))
    _set_text(row, "alert_action", block.get("action"))


def dns(block: dict[str, Any], row: Row) -> None:
    dns_layouts.dns_columns(block, row)


def tls(block: dict[str, Any], row: Row) -> None:
    get = block.get
    _set_text(row, "tls_sni", get("sni"))
    _set_text(row, "tls_version", get("version"))
    _set_text(row, "tls_subject", get("subject"))
    _set_text(row, "tls_issuerdn", get("issuerdn"))
    _set_text(row, "tls_serial", get("serial"))
    _set_text(row, "tls_fingerprint", get("fingerprint"))
    _set_text(row, "tls_notbefore", get("notbefore"))
    _set_text(row, "tls_notafter", get("notafter"))
    for key, column in (("ja3", "tls_ja3"), ("ja3s", "tls_ja3s"), ("ja4", "tls_ja4")):
        value = get(key)
        if value is not None:
            row[column] = _hash(value)


def quic(block: dict[str, Any], row: Row) -> None:
    _set_text(row, "quic_sni", block.get("sni"))
    _set_text(row, "quic_version", block.get("version"))
    ja4 = block.get("ja4")
    if ja4 is not None and "tls_ja4" not in row:
        row["tls_ja4"] = _hash(ja4)


def http(block: dict[str, Any], row: Row) -> None:
    get = block.get
    _set_text(row, "http_hostname", get("hostname"))
    _set_text(row, "http_url", get("url"))
    _set_text(row, "http_user_agent", get("http_user_agent"))
    _set_text(row, "http_method", get("http_method"))
    _set_text(row, "http_content_type", get("http_content_type"))
    _set_text(row, "http_refer", get("http_refer"))
    _set_text(row, "http_server", get("server"))
    status = get("status")
    if status is not None:
        row["http_status"] = uint(status, U16)
    length = get("length")
    if length is not None:
        row["http_length"] = uint(length, U64)


def fileinfo(block: dict[str, Any], row: Row) -> None:
    _set_text(row, "file_name", block.get("filename"))
    _set_text(row, "file_magic", block.get("magic"))
    _set_text(row, "file_sha256", block.get("sha256"))
    size = block.get("size")
    if size is not None:
        row["file_size"] = uint(size, U64)


def flow(block: dict[str, Any], row: Row) -> None:
    get = block.get
    for key in ("bytes_toserver", "bytes_toclient", "pkts_toserver", "pkts_toclient"):
        value = get(key)
        if value is not None:
            row["flow_" + key] = uint(value, U64)
    _flow_times(block, row)
    _set_text(row, "flow_state", get("state"))
    _set_text(row, "flow_reason", get("reason"))


def netflow(block: dict[str, Any], row: Row) -> None:
    """A netflow record is one direction: its bytes/pkts go to the `*_toserver` columns."""
    row["flow_bytes_toserver"] = uint(block.get("bytes"), U64)
    row["flow_pkts_toserver"] = uint(block.get("pkts"), U64)
    _flow_times(block, row)


def _flow_times(block: dict[str, Any], row: Row) -> None:
    for key in ("start", "end"):
        value = block.get(key)
        if type(value) is str:
            micros = epoch_micros(value)
            if micros is not None:
                row["flow_" + key] = micros
    age = block.get("age")
    if age is not None:
        row["flow_age"] = uint(age, U32)


def smb(block: dict[str, Any], row: Row) -> None:
    get = block.get
    _set_text(row, "smb_command", get("command"))
    _set_text(row, "smb_dialect", get("dialect"))
    _set_text(row, "smb_share", get("share"))
    _set_text(row, "smb_filename", get("filename"))
    ntlmssp = get("ntlmssp")
    if isinstance(ntlmssp, dict):
        _set_text(row, "ntlmssp_user", ntlmssp.get("user"))
        _set_text(row, "ntlmssp_domain", ntlmssp.get("domain"))
        _set_text(row, "ntlmssp_host", ntlmssp.get("host"))
    kerberos = get("kerberos")
    if isinstance(kerberos, dict):
        _set_text(row, "krb5_realm", kerberos.get("realm"))
        snames = kerberos.get("snames")
        if isinstance(snames, list) and snames:
            row["krb5_sname"] = "/".join(text(s) for s in snames)


def krb5(block: dict[str, Any], row: Row) -> None:
    get = block.get
    _set_text(row, "krb5_cname", get("cname"))
    _set_text(row, "krb5_realm", get("realm"))
    _set_text(row, "krb5_sname", get("sname"))
    _set_text(row, "krb5_encryption", get("encryption"))
    _set_text(row, "krb5_msg_type", get("msg_type"))


def dhcp(block: dict[str, Any], row: Row) -> None:
    get = block.get
    _set_text(row, "dhcp_hostname", get("hostname"))
    _set_text(row, "dhcp_client_mac", get("client_mac"))
    _set_text(row, "dhcp_assigned_ip", get("assigned_ip"))
    _set_text(row, "dhcp_type", get("dhcp_type"))


def ssh(block: dict[str, Any], row: Row) -> None:
    for side, software, hassh in (
        ("client", "ssh_client_software", "ssh_hassh"),
        ("server", "ssh_server_software", "ssh_hassh_server"),
    ):
        peer = block.get(side)
        if isinstance(peer, dict):
            _set_text(row, software, peer.get("software_version"))
            value = peer.get("hassh")
            if value is not None:
                row[hassh] = _hash(value)


def rdp(block: dict[str, Any], row: Row) -> None:
    _set_text(row, "rdp_cookie", block.get("cookie"))


def ftp(block: dict[str, Any], row: Row) -> None:
    command = block.get("command")
    if type(command) is str and command.upper() == "USER":
        _set_text(row, "ftp_user", block.get("command_data"))


def pgsql(block: dict[str, Any], row: Row) -> None:
    request = block.get("request")
    if isinstance(request, dict):
        startup = request.get("startup_parameters")
        if isinstance(startup, dict):
            _set_text(row, "pgsql_user", startup.get("user"))


def smtp(block: dict[str, Any], row: Row) -> None:
    _set_text(row, "smtp_mail_from", block.get("mail_from"))
    rcpt_to = block.get("rcpt_to")
    if isinstance(rcpt_to, list):
        row["smtp_rcpt_to"] = [text(r) for r in rcpt_to]
    elif rcpt_to is not None:
        row["smtp_rcpt_to"] = [text(rcpt_to)]


def ether(block: dict[str, Any], row: Row) -> None:
    for key, column in (("src_mac", "src_mac"), ("dest_mac", "dest_mac")):
        value = block.get(key)
        if value is None:
            many = block.get(key + "s")
            value = many[0] if isinstance(many, list) and many else None
        _set_text(row, column, value)


BLOCKS: dict[str, Callable[[dict[str, Any], Row], None]] = {
    "alert": alert,
    "dns": dns,
    "tls": tls,
    "quic": quic,
    "http": http,
    "fileinfo": fileinfo,
    "flow": flow,
    "netflow": netflow,
    "smb": smb,
    "krb5": krb5,
    "dhcp": dhcp,
    "ssh": ssh,
    "rdp": rdp,
    "ftp": ftp,
    "pgsql": pgsql,
    "smtp": smtp,
    "ether": ether,
}
