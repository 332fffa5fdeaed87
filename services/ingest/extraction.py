"""EVE lines → `events` columns, as SQL the engine runs: the engine parses the JSON.

Each staged line is parsed once, by one `JSONExtract(raw, <EVE_SHAPE>)` into a named tuple of
the fields Sightline promotes; `COLUMNS` then turns that tuple into the `events` columns with the
same decisions for every producer (Suricata 3.x to 8.x, and others):

- text columns take a string as is; a number or boolean becomes its text, an object or array
  its compact JSON, null the empty string;
- unsigned columns read numbers and numeric strings; negatives become 0 and values beyond the
  column's range are clamped to its maximum (the original stays in `raw`);
- timestamps with any offset (`+0100`, `+01:00`, `Z`, none) become UTC with microseconds;
  `timestamp` must look like `YYYY-MM-DD[T ]HH:MM:SS` and fall in 1900-2299;
- `proto` as a name or an IANA number → the name Suricata writes (`6` → `TCP`);
- `vlan` as an int or an array (QinQ); fingerprints (`ja3`, `ja4`, `hassh`) as a string or as
  `{"hash": ..., "string": ...}` (`{}` → '');
- the DNS layouts (v1, v2 with `answers[]` or `grouped`, v3 with `queries[]`, and the `dns`
  block of alerts: v3, or `query: [...]` / `answer: {...}`) → one set of canonical columns:
  `dns_type` is `query` or `answer`, `dns_rrname` the first query name lower-cased without the
  root's trailing dot, `dns_answers` / `dns_answer_types` the answers' scalar rdata and rrtypes.

A line is accepted when the engine reads a JSON object with a non-blank string `event_type` and
a valid `timestamp` (the fields Suricata's EVE schema requires) and it is within the size limit;
`ACCEPTED` says so. The reason of a refused line is worded by `normalize.reject_reason`.

Enrichments that need Python (the public suffix list, the tenant's named networks) are not
computed here: `LOOKUP_KEYS` names the distinct values a batch needs them for, and `ENRICHED`
reads the answers from per-batch lookup tables (`joinGet`).
"""

from __future__ import annotations

from collections.abc import Iterable

# The EVE fields promoted to columns, read by one JSONExtract per line: top-level key → type.
# Absent keys take the type's default; a key of another JSON type than asked is converted (see
# the module docstring). Each becomes a column `eve_<key>` of the staged lines.
EVE_FIELDS: dict[str, str] = {
    "timestamp": "String",
    "event_type": "Dynamic",
    "host": "String",
    "in_iface": "String",
    "flow_id": "UInt64",
    "tx_id": "Nullable(Int64)",
    "src_ip": "String",
    "src_port": "Int64",
    "dest_ip": "String",
    "dest_port": "Int64",
    "proto": "String",
    "app_proto": "String",
    "vlan": "String",
    "community_id": "String",
    "alert": """Tuple(signature String, category String, action String, signature_id Int64,
        gid Int64, rev Int64, severity Int64)""",
    "dns": """Tuple(version Int64, type String, id Int64, rrname String, rrtype String,
        rcode String, rdata String,
        queries Array(Tuple(rrname String, rrtype String)),
        answers Array(Tuple(rrtype String, rdata Dynamic)),
        grouped Map(String, Array(Dynamic)),
        query Array(Tuple(type String, id Int64, rrname String, rrtype String, rcode String)),
        answer Tuple(version Int64, type String, id Int64, rrname String, rrtype String,
                     rcode String, rdata String,
                     answers Array(Tuple(rrtype String, rdata Dynamic)),
                     grouped Map(String, Array(Dynamic))))""",
    "tls": """Tuple(sni String, version String, subject String, issuerdn String, serial String,
        fingerprint String, notbefore String, notafter String,
        ja3 String, ja3s String, ja4 String)""",
    "quic": "Tuple(sni String, version String, ja4 String)",
    "http": """Tuple(hostname String, url String, http_user_agent String, http_method String,
        http_content_type String, http_refer String, server String,
        status Int64, length UInt64,
        response_headers Array(Tuple(name String, value String)))""",
    "fileinfo": "Tuple(filename String, magic String, sha256 String, size UInt64)",
    "flow": """Tuple(bytes_toserver UInt64, bytes_toclient UInt64, pkts_toserver UInt64,
        pkts_toclient UInt64, age Int64, state String, reason String,
        start String, end String)""",
    "netflow": "Tuple(bytes UInt64, pkts UInt64, age Int64, start String, end String)",
    "smb": """Tuple(command String, dialect String, share String, filename String,
        ntlmssp Tuple(user String, domain String, host String),
        kerberos Tuple(realm String, snames Array(String)))""",
    "krb5": """Tuple(cname String, realm String, sname String, encryption String,
        msg_type String)""",
    "dhcp": "Tuple(hostname String, client_mac String, assigned_ip String, dhcp_type String)",
    "ssh": """Tuple(client Tuple(software_version String, hassh String),
        server Tuple(software_version String, hassh String))""",
    "rdp": "Tuple(cookie String)",
    "ftp": "Tuple(command String, command_data String)",
    "pgsql": "Tuple(request Tuple(startup_parameters Tuple(user String)))",
    "smtp": "Tuple(mail_from String, rcpt_to String)",
    "ether": """Tuple(src_mac String, dest_mac String, src_macs Array(String),
        dest_macs Array(String))""",
}
EVE_SHAPE = "Tuple(" + ", ".join(f"{key} {kind}" for key, kind in EVE_FIELDS.items()) + ")"

# The columns of a staged batch's lines table: the line as received, its one parse (EPHEMERAL:
# computed at insert, not kept), and one column per promoted top-level field. The expressions
# below read the `eve_*` columns: planning a query that reaches into the whole parsed tuple a
# hundred times costs ~0.5 s; into these, ~0.05 s.
LINE_COLUMNS = (
    "line_no UInt64, source_offset UInt64, raw String,"
    f" eve {EVE_SHAPE} EPHEMERAL JSONExtract(raw, '{EVE_SHAPE}'),"
    + ", ".join(
        f" eve_{key} {kind} MATERIALIZED tupleElement(eve, '{key}')"
        for key, kind in EVE_FIELDS.items()
    )
)

# IANA protocol numbers → the names Suricata writes; unknown numbers stay as their number.
PROTOCOLS = {
    0: "HOPOPT",
    1: "ICMP",
    2: "IGMP",
    4: "IPIP",
    6: "TCP",
    17: "UDP",
    41: "IPv6",
    47: "GRE",
    50: "ESP",
    51: "AH",
    58: "IPv6-ICMP",
    89: "OSPF",
    103: "PIM",
    112: "VRRP",
    132: "SCTP",
    136: "UDPLite",
}
_NAMES_BY_UPPER = {name.upper(): name for name in PROTOCOLS.values()} | {"ICMPV6": "IPv6-ICMP"}


def _strings(values: Iterable[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def _proto() -> str:
    numbers = "[" + ", ".join(str(n) for n in PROTOCOLS) + "]"
    return f"""multiIf(
        match(eve_proto, '^\\\\s*[0-9]+\\\\s*$'),
            transform(toUInt64OrZero(trimBoth(eve_proto)), {numbers},
                      {_strings(PROTOCOLS.values())},
                      toString(toUInt64OrZero(trimBoth(eve_proto)))),
        transform(upper(trimBoth(eve_proto)), {_strings(_NAMES_BY_UPPER)},
                  {_strings(_NAMES_BY_UPPER.values())}, upper(trimBoth(eve_proto))))"""


def _clamp(expr: str, bits: int) -> str:
    """A signed extract clamped into an unsigned column of `bits` bits."""
    return f"toUInt{bits}(least(greatest({expr}, 0), {(1 << bits) - 1}))"


def _fingerprint(expr: str) -> str:
    """A fingerprint as a string or as `{"hash": ..., "string": ...}` (`{}` → '')."""
    return f"if(startsWith({expr}, '{{'), JSONExtractString({expr}, 'hash'), {expr})"


def _time(expr: str) -> str:
    """An EVE time string → DateTime64(6, 'UTC'), NULL when it is not one (years 1900-2299)."""
    return (
        f"if(match({expr}, '^\\\\s*[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ][0-9]{{2}}:[0-9]{{2}}"
        f":[0-9]{{2}}([.,][0-9]{{1,9}})?\\\\s*(Z|z|UTC|[+-][0-9]{{2}}(:?[0-9]{{2}})?)?\\\\s*$'),"
        f" parseDateTime64BestEffortOrNull(replaceOne(replaceOne(trimBoth({expr}), ',', '.'),"
        f" 'UTC', 'Z'), 6, 'UTC'), NULL)"
    )


def _flow_time(key: str) -> str:
    """`flow.start` / `flow.end` (or netflow's), the epoch when absent or unreadable."""
    text = f"if(eve_flow.{key} != '', eve_flow.{key}, eve_netflow.{key})"
    return f"ifNull({_time(text)}, toDateTime64(0, 6, 'UTC'))"


def _in_range(expr: str) -> str:
    return f"({expr} IS NOT NULL AND toYear({expr}) BETWEEN 1900 AND 2299)"


def _canonical_name(expr: str) -> str:
    """A DNS name as stored: trimmed, lower-case, without the root's trailing dot."""
    name = f"lower(trimBoth({expr}))"
    return (
        f"if(endsWith({name}, '.') AND length({name}) > 1,"
        f" substring({name}, 1, length({name}) - 1), {name})"
    )


def _scalar_rdata(records: str) -> str:
    """The textual rdata of answer records (objects and arrays, e.g. SOA, left out)."""
    pairs = f"arrayMap(a -> ({_scalar('a.rdata')}, a.rrtype), {records})"
    return f"arrayFilter(r -> r.1 IS NOT NULL, {pairs})"


def _scalar(expr: str) -> str:
    """A Dynamic JSON value as text when it is a string; NULL otherwise (objects, arrays)."""
    return f"dynamicElement({expr}, 'String')"


def _grouped(expr: str) -> str:
    """`grouped: {rrtype: [rdata, ...]}` → [(rdata, rrtype)] in order, scalars only."""
    return (
        f"arrayFilter(r -> r.1 IS NOT NULL, arrayFlatten(arrayMap((t, vs) -> arrayMap(v -> "
        f"({_scalar('v')}, t), vs), mapKeys({expr}), mapValues({expr}))))"
    )


# The DNS layout of the event: v3 (queries[] / version 3), the alert sub-objects, or v1/v2.
DNS_LAYOUT = """multiIf(
    eve_dns.version = 3 OR notEmpty(eve_dns.queries), 'v3',
    notEmpty(eve_dns.answer.type) OR notEmpty(eve_dns.answer.rrname), 'alert_answer',
    notEmpty(eve_dns.query), 'alert_query',
    'v2')"""

# (rdata, rrtype) pairs of the answers, per layout
_DNS_RECORDS = f"""multiIf(
    dns_layout IN ('v3', 'v2') AND notEmpty(eve_dns.answers), {_scalar_rdata("eve_dns.answers")},
    dns_layout = 'v2' AND notEmpty(eve_dns.grouped), {_grouped("eve_dns.grouped")},
    dns_layout = 'v2' AND dns_type = 'answer' AND eve_dns.rdata != '',
        [(toNullable(eve_dns.rdata), eve_dns.rrtype)],
    dns_layout = 'alert_answer' AND notEmpty(eve_dns.answer.answers),
        {_scalar_rdata("eve_dns.answer.answers")},
    dns_layout = 'alert_answer' AND notEmpty(eve_dns.answer.grouped),
        {_grouped("eve_dns.answer.grouped")},
    dns_layout = 'alert_answer' AND dns_type = 'answer' AND eve_dns.answer.rdata != '',
        [(toNullable(eve_dns.answer.rdata), eve_dns.answer.rrtype)],
    CAST([], 'Array(Tuple(Nullable(String), String))'))"""

_DNS_TYPE_RAW = """multiIf(
    dns_layout = 'alert_answer', eve_dns.answer.type,
    dns_layout = 'alert_query', eve_dns.query[1].type,
    eve_dns.type)"""

# Names computed once per row and reused by the columns below (a WITH clause).
ALIASES: dict[str, str] = {
    "event_time": _time("eve_timestamp"),
    "dns_layout": DNS_LAYOUT,
    "dns_type_raw": _DNS_TYPE_RAW,
    "dns_records": _DNS_RECORDS,
    "dns_id_raw": """multiIf(
        dns_layout = 'alert_answer', eve_dns.answer.id,
        dns_layout = 'alert_query', eve_dns.query[1].id,
        eve_dns.id)""",
    # whether the event has a dns block (one we can read something from)
    "dns_present": """eve_dns.version != 0 OR eve_dns.type != '' OR eve_dns.id != 0
        OR eve_dns.rrname != '' OR eve_dns.rcode != '' OR notEmpty(eve_dns.queries)
        OR notEmpty(eve_dns.answers) OR notEmpty(eve_dns.grouped) OR notEmpty(eve_dns.query)
        OR eve_dns.answer.type != ''
        OR eve_dns.answer.rrname != ''""",
}

# events column → SQL over the aliases (the non-enriched columns ingest writes)
COLUMNS: dict[str, str] = {
    "ts": "assumeNotNull(event_time)",
    "event_type": "ifNull(dynamicElement(eve_event_type, 'String'), '')",
    "sensor": "eve_host",
    "in_iface": "eve_in_iface",
    "flow_id": "eve_flow_id",
    "tx_id": "if(eve_tx_id >= 0, assumeNotNull(eve_tx_id), -1)",
    "src_port": _clamp("eve_src_port", 16),
    "dest_port": _clamp("eve_dest_port", 16),
    "proto": f"if(eve_proto = '', '', {_proto()})",
    "app_proto": "eve_app_proto",
    "vlan": f"""multiIf(
        eve_vlan = '', CAST([], 'Array(UInt16)'),
        startsWith(eve_vlan, '['),
            arrayMap(v -> {_clamp("v", 16)}, JSONExtract(eve_vlan, 'Array(Int64)')),
        startsWith(eve_vlan, '{{'), CAST([], 'Array(UInt16)'),
        [{_clamp("toInt64OrZero(trimBoth(eve_vlan))", 16)}])""",
    "community_id": "eve_community_id",
    "alert_signature": "eve_alert.signature",
    "alert_signature_id": _clamp("eve_alert.signature_id", 32),
    "alert_gid": _clamp("eve_alert.gid", 32),
    "alert_rev": _clamp("eve_alert.rev", 32),
    "alert_severity": _clamp("eve_alert.severity", 8),
    "alert_category": "eve_alert.category",
    "alert_action": "eve_alert.action",
    "dns_type": """if(NOT dns_present, '',
        transform(dns_type_raw, ['query', 'request', 'answer', 'response'],
                  ['query', 'query', 'answer', 'answer'], 'query'))""",
    "dns_id": """toUInt32(if(dns_id_raw BETWEEN 0 AND 4294967295, dns_id_raw, 0))""",
    "dns_rrname": _canonical_name("""multiIf(
        dns_layout = 'v3', eve_dns.queries[1].rrname,
        dns_layout = 'alert_answer',
            if(eve_dns.query[1].rrname != '', eve_dns.query[1].rrname, eve_dns.answer.rrname),
        dns_layout = 'alert_query', eve_dns.query[1].rrname,
        eve_dns.rrname)"""),
    "dns_rrtype": """multiIf(
        dns_layout = 'v3', eve_dns.queries[1].rrtype,
        dns_layout = 'alert_answer',
            if(eve_dns.query[1].rrname != '', eve_dns.query[1].rrtype, eve_dns.answer.rrtype),
        dns_layout = 'alert_query', eve_dns.query[1].rrtype,
        eve_dns.rrtype)""",
    "dns_rcode": """multiIf(
        dns_layout = 'alert_answer', eve_dns.answer.rcode,
        dns_layout = 'alert_query', eve_dns.query[1].rcode,
        eve_dns.rcode)""",
    "dns_answers": "arrayMap(r -> assumeNotNull(r.1), dns_records)",
    "dns_answer_types": "arrayMap(r -> r.2, dns_records)",
    "tls_sni": "eve_tls.sni",
    "tls_version": "eve_tls.version",
    "tls_subject": "eve_tls.subject",
    "tls_issuerdn": "eve_tls.issuerdn",
    "tls_serial": "eve_tls.serial",
    "tls_fingerprint": "eve_tls.fingerprint",
    "tls_notbefore": "eve_tls.notbefore",
    "tls_notafter": "eve_tls.notafter",
    "tls_ja3": _fingerprint("eve_tls.ja3"),
    "tls_ja3s": _fingerprint("eve_tls.ja3s"),
    "tls_ja4": (
        f"if(eve_tls.ja4 != '', {_fingerprint('eve_tls.ja4')}, {_fingerprint('eve_quic.ja4')})"
    ),
    "quic_sni": "eve_quic.sni",
    "quic_version": "eve_quic.version",
    "http_hostname": "eve_http.hostname",
    "http_url": "eve_http.url",
    "http_user_agent": "eve_http.http_user_agent",
    "http_method": "eve_http.http_method",
    "http_status": _clamp("eve_http.status", 16),
    "http_content_type": "eve_http.http_content_type",
    "http_refer": "eve_http.http_refer",
    # Suricata logs the Server header among `response_headers` (when headers are logged);
    # some producers write `http.server`
    "http_server": """if(eve_http.server != '', eve_http.server,
        arrayFirst(h -> lower(h.name) = 'server', eve_http.response_headers).value)""",
    "http_length": "eve_http.length",
    "file_name": "eve_fileinfo.filename",
    "file_magic": "eve_fileinfo.magic",
    "file_sha256": "eve_fileinfo.sha256",
    "file_size": "eve_fileinfo.size",
    # a netflow record is one direction: its bytes/pkts go to the `*_toserver` columns
    "flow_bytes_toserver": "greatest(eve_flow.bytes_toserver, eve_netflow.bytes)",
    "flow_bytes_toclient": "eve_flow.bytes_toclient",
    "flow_pkts_toserver": "greatest(eve_flow.pkts_toserver, eve_netflow.pkts)",
    "flow_pkts_toclient": "eve_flow.pkts_toclient",
    "flow_start": _flow_time("start"),
    "flow_end": _flow_time("end"),
    "flow_age": _clamp("greatest(eve_flow.age, eve_netflow.age)", 32),
    "flow_state": "eve_flow.state",
    "flow_reason": "eve_flow.reason",
    "smb_command": "eve_smb.command",
    "smb_dialect": "eve_smb.dialect",
    "smb_share": "eve_smb.share",
    "smb_filename": "eve_smb.filename",
    "ntlmssp_user": "eve_smb.ntlmssp.user",
    "ntlmssp_domain": "eve_smb.ntlmssp.domain",
    "ntlmssp_host": "eve_smb.ntlmssp.host",
    "krb5_cname": "eve_krb5.cname",
    "krb5_realm": "if(eve_krb5.realm != '', eve_krb5.realm, eve_smb.kerberos.realm)",
    "krb5_sname": (
        "if(eve_krb5.sname != '', eve_krb5.sname, arrayStringConcat(eve_smb.kerberos.snames, '/'))"
    ),
    "krb5_encryption": "eve_krb5.encryption",
    "krb5_msg_type": "eve_krb5.msg_type",
    "dhcp_hostname": "eve_dhcp.hostname",
    "dhcp_client_mac": "eve_dhcp.client_mac",
    "dhcp_assigned_ip": "eve_dhcp.assigned_ip",
    "dhcp_type": "eve_dhcp.dhcp_type",
    "ssh_client_software": "eve_ssh.client.software_version",
    "ssh_server_software": "eve_ssh.server.software_version",
    "ssh_hassh": _fingerprint("eve_ssh.client.hassh"),
    "ssh_hassh_server": _fingerprint("eve_ssh.server.hassh"),
    "rdp_cookie": "eve_rdp.cookie",
    "ftp_user": "if(upper(eve_ftp.command) = 'USER', eve_ftp.command_data, '')",
    "pgsql_user": "eve_pgsql.request.startup_parameters.user",
    "smtp_mail_from": "eve_smtp.mail_from",
    "smtp_rcpt_to": """multiIf(
        eve_smtp.rcpt_to = '', CAST([], 'Array(String)'),
        startsWith(eve_smtp.rcpt_to, '['), JSONExtract(eve_smtp.rcpt_to, 'Array(String)'),
        [eve_smtp.rcpt_to])""",
    "src_mac": "if(eve_ether.src_mac != '', eve_ether.src_mac, eve_ether.src_macs[1])",
    "dest_mac": "if(eve_ether.dest_mac != '', eve_ether.dest_mac, eve_ether.dest_macs[1])",
}

# Columns of the staged batch beside `COLUMNS`: the raw IP texts (placed by Python per
# distinct value) and the names whose domain breakdown Python computes.
LOOKUP_KEYS: dict[str, str] = {
    "src_text": "eve_src_ip",
    "dest_text": "eve_dest_ip",
    "name": """multiIf(
        dns_rrname != '', dns_rrname, tls_sni != '', tls_sni, quic_sni != '', quic_sni,
        http_hostname)""",
}

# Whether a staged line is stored as an event (or a stats event): see the module docstring.
ACCEPTED = (
    "length(raw) <= {max_line_bytes:UInt64}"
    " AND trimBoth(ifNull(dynamicElement(eve_event_type, 'String'), '')) != ''"
    f" AND {_in_range('event_time')}"
)
