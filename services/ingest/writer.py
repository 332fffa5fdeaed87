"""Batch writer: sparse rows → one column-oriented Arrow insert per table.

Only the columns that hold a value in the batch are sent (the engine fills the defaults of the
others); IPs travel as text and timestamps as epoch microseconds, so no Python `IPv6Address` or
`datetime` is built per value (see docs/PERFORMANCE.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.ipc

from services.core.clickhouse import Client

TS = pa.timestamp("us", tz="UTC")
TEXT = pa.string()
BYTES = pa.binary()
TEXTS = pa.list_(pa.string())

# events columns written by ingest: Arrow type and the value an absent field takes
EVENT_COLUMNS: dict[str, tuple[pa.DataType, Any]] = {
    "tenant": (TEXT, ""),
    "ts": (TS, 0),
    "event_type": (TEXT, ""),
    "sensor": (TEXT, ""),
    "in_iface": (TEXT, ""),
    "flow_id": (pa.uint64(), 0),
    "tx_id": (pa.int64(), -1),
    "src_ip": (TEXT, "::"),
    "src_port": (pa.uint16(), 0),
    "dest_ip": (TEXT, "::"),
    "dest_port": (pa.uint16(), 0),
    "proto": (TEXT, ""),
    "app_proto": (TEXT, ""),
    "vlan": (pa.list_(pa.uint16()), []),
    "community_id": (TEXT, ""),
    "alert_signature": (TEXT, ""),
    "alert_signature_id": (pa.uint32(), 0),
    "alert_gid": (pa.uint32(), 0),
    "alert_rev": (pa.uint32(), 0),
    "alert_severity": (pa.uint8(), 0),
    "alert_category": (TEXT, ""),
    "alert_action": (TEXT, ""),
    "dns_type": (TEXT, ""),
    "dns_id": (pa.uint32(), 0),
    "dns_rrname": (TEXT, ""),
    "dns_rrtype": (TEXT, ""),
    "dns_rcode": (TEXT, ""),
    "dns_answers": (TEXTS, []),
    "dns_answer_types": (TEXTS, []),
    "tls_sni": (TEXT, ""),
    "tls_version": (TEXT, ""),
    "tls_subject": (TEXT, ""),
    "tls_issuerdn": (TEXT, ""),
    "tls_serial": (TEXT, ""),
    "tls_fingerprint": (TEXT, ""),
    "tls_notbefore": (TEXT, ""),
    "tls_notafter": (TEXT, ""),
    "tls_ja3": (TEXT, ""),
    "tls_ja3s": (TEXT, ""),
    "tls_ja4": (TEXT, ""),
    "quic_sni": (TEXT, ""),
    "quic_version": (TEXT, ""),
    "http_hostname": (TEXT, ""),
    "http_url": (TEXT, ""),
    "http_user_agent": (TEXT, ""),
    "http_method": (TEXT, ""),
    "http_status": (pa.uint16(), 0),
    "http_content_type": (TEXT, ""),
    "http_refer": (TEXT, ""),
    "http_server": (TEXT, ""),
    "http_length": (pa.uint64(), 0),
    "file_name": (TEXT, ""),
    "file_magic": (TEXT, ""),
    "file_sha256": (TEXT, ""),
    "file_size": (pa.uint64(), 0),
    "flow_bytes_toserver": (pa.uint64(), 0),
    "flow_bytes_toclient": (pa.uint64(), 0),
    "flow_pkts_toserver": (pa.uint64(), 0),
    "flow_pkts_toclient": (pa.uint64(), 0),
    "flow_start": (TS, 0),
    "flow_end": (TS, 0),
    "flow_age": (pa.uint32(), 0),
    "flow_state": (TEXT, ""),
    "flow_reason": (TEXT, ""),
    "smb_command": (TEXT, ""),
    "smb_dialect": (TEXT, ""),
    "smb_share": (TEXT, ""),
    "smb_filename": (TEXT, ""),
    "ntlmssp_user": (TEXT, ""),
    "ntlmssp_domain": (TEXT, ""),
    "ntlmssp_host": (TEXT, ""),
    "krb5_cname": (TEXT, ""),
    "krb5_realm": (TEXT, ""),
    "krb5_sname": (TEXT, ""),
    "krb5_encryption": (TEXT, ""),
    "krb5_msg_type": (TEXT, ""),
    "dhcp_hostname": (TEXT, ""),
    "dhcp_client_mac": (TEXT, ""),
    "dhcp_assigned_ip": (TEXT, ""),
    "dhcp_type": (TEXT, ""),
    "ssh_client_software": (TEXT, ""),
    "ssh_server_software": (TEXT, ""),
    "ssh_hassh": (TEXT, ""),
    "ssh_hassh_server": (TEXT, ""),
    "rdp_cookie": (TEXT, ""),
    "ftp_user": (TEXT, ""),
    "pgsql_user": (TEXT, ""),
    "smtp_mail_from": (TEXT, ""),
    "smtp_rcpt_to": (TEXTS, []),
    "src_mac": (TEXT, ""),
    "dest_mac": (TEXT, ""),
    "hostname_info_host": (TEXT, ""),
    "hostname_info_subdomain": (TEXT, ""),
    "hostname_info_domain": (TEXT, ""),
    "hostname_info_domain_private": (TEXT, ""),
    "hostname_info_tld": (TEXT, ""),
    "hostname_info_domain_without_tld": (TEXT, ""),
    "hostname_info_is_ip": (pa.bool_(), False),
    "http_refer_info_host": (TEXT, ""),
    "http_refer_info_subdomain": (TEXT, ""),
    "http_refer_info_domain": (TEXT, ""),
    "http_refer_info_tld": (TEXT, ""),
    "http_refer_info_domain_without_tld": (TEXT, ""),
    "src_net": (TEXT, ""),
    "dest_net": (TEXT, ""),
    "src_dept": (TEXT, ""),
    "dest_dept": (TEXT, ""),
    "src_internal": (pa.bool_(), False),
    "dest_internal": (pa.bool_(), False),
    "source": (TEXT, ""),
    "source_offset": (pa.uint64(), 0),
    "ingest_batch": (TEXT, ""),
    "raw": (BYTES, b""),
}

REJECT_COLUMNS: dict[str, tuple[pa.DataType, Any]] = {
    "tenant": (TEXT, ""),
    "source": (TEXT, ""),
    "source_offset": (pa.uint64(), 0),
    "line_no": (pa.uint64(), 0),
    "reason": (TEXT, ""),
    "raw": (BYTES, b""),
}

STATS_COLUMNS: dict[str, tuple[pa.DataType, Any]] = {
    "tenant": (TEXT, ""),
    "ts": (TS, 0),
    "sensor": (TEXT, ""),
    "uptime": (pa.uint64(), 0),
    "kernel_packets": (pa.uint64(), 0),
    "kernel_drops": (pa.int64(), 0),
    "decoder_packets": (pa.uint64(), 0),
    "decoder_bytes": (pa.uint64(), 0),
    "flows": (pa.uint64(), 0),
    "source": (TEXT, ""),
    "source_offset": (pa.uint64(), 0),
    "ingest_batch": (TEXT, ""),
    "raw": (BYTES, b""),
}

BATCH_COLUMNS: dict[str, tuple[pa.DataType, Any]] = {
    "tenant": (TEXT, ""),
    "source": (TEXT, ""),
    "sensor": (TEXT, ""),
    "event_type": (TEXT, ""),
    "accepted": (pa.uint64(), 0),
    "rejected": (pa.uint64(), 0),
    "first_ts": (TS, 0),
    "last_ts": (TS, 0),
}

# A batch of a backfill may span many days (one partition each).
INSERT_SETTINGS = {"max_partitions_per_insert_block": 1000}


def columns_of(
    rows: Sequence[dict[str, Any]],
    spec: dict[str, tuple[pa.DataType, Any]],
    given: dict[str, Sequence[Any]] | None = None,
) -> pa.Table:
    """An Arrow table of the spec's columns that hold a value in `rows`, in spec order.

    `given` holds whole columns already built (one value per row, e.g. every event's `raw`):
    they are not transposed from the rows."""
    count = len(rows)
    seen = set().union(*rows)  # the columns present in any row (one C-level pass)
    present: dict[str, Sequence[Any]] = {column: [spec[column][1]] * count for column in seen}
    for index, row in enumerate(rows):
        for column, value in row.items():
            present[column][index] = value  # type: ignore[index]
    if given:
        present.update(given)
    return pa.table(
        {
            column: pa.array(present[column], type=kind)
            for column, (kind, _default) in spec.items()
            if column in present
        }
    )


def concat(tables: Sequence[pa.Table], spec: dict[str, tuple[pa.DataType, Any]]) -> pa.Table:
    """Tables of the same spec, one after the other; a column missing from some is filled with
    its default there."""
    names = [name for name in spec if any(name in t.column_names for t in tables)]
    aligned = []
    for table in tables:
        columns = {}
        for name in names:
            kind, default = spec[name]
            if name in table.column_names:
                columns[name] = table.column(name)
            else:
                columns[name] = pa.repeat(pa.scalar(default, type=kind), table.num_rows)
        aligned.append(pa.table(columns))
    return pa.concat_tables(aligned)


def with_constants(
    table: pa.Table, spec: dict[str, tuple[pa.DataType, Any]], constants: dict[str, Any]
) -> pa.Table:
    """`table` plus one column per constant (same value in every row), in spec order."""
    columns = {}
    for name, (kind, _default) in spec.items():
        if name in constants:
            columns[name] = pa.repeat(pa.scalar(constants[name], type=kind), table.num_rows)
        elif name in table.column_names:
            columns[name] = table.column(name)
    return pa.table(columns)


def insert_table(
    ch: Client,
    table: str,
    data: pa.Table | None,
    spec: dict[str, tuple[pa.DataType, Any]],
    constants: dict[str, Any],
) -> None:
    """One insert of `data` plus its constant columns (nothing when there are no rows).

    The Arrow file is written to a temporary file and streamed to the client, rather than
    `insert_arrow`'s in-memory IPC buffer and its `bytes` copy (two copies of the batch)."""
    if data is None or not data.num_rows:
        return
    whole = with_constants(data, spec, constants)
    with tempfile.TemporaryFile(prefix="sightline-insert-") as spool:
        with pyarrow.ipc.new_file(spool, whole.schema) as arrow_file:
            arrow_file.write_table(whole)
        spool.seek(0)
        ch.raw_insert(table, whole.schema.names, spool, settings=INSERT_SETTINGS, fmt="Arrow")


def insert_rows(
    ch: Client,
    table: str,
    rows: Sequence[dict[str, Any]],
    spec: dict[str, tuple[pa.DataType, Any]],
    constants: dict[str, Any],
) -> None:
    """One insert of sparse `rows` (nothing when `rows` is empty)."""
    if rows:
        insert_table(ch, table, columns_of(rows, spec), spec, constants)
