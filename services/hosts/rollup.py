"""Host insights, rolled up per ingest batch: every stored batch becomes `host_attributes` rows.

Ingest stores a batch (`ingest_batches.batch_id`) and sends `hosts.roll_up_batches`; the task
(`roll_up_pending`) rolls each batch not yet rolled up into `host_attributes` and marks it in
`host_rollups` (migration 0034). The insert of `events` pays nothing for host insights: the
rollup runs after it, in a worker. Per batch, in the engine:

1. the batch's events are copied once into a per-rollup in-memory table, with the sides of each
   event worked out (`STAGE`);
2. one SELECT per attribute over that table, joined by UNION ALL (`ROWS`: one filtered SELECT
   per attribute measured ~8x faster than one ARRAY JOIN over an array per event), grouped
   per (host, attribute, value, day) and inserted into `host_attributes` (grouping first
   measured ~40 % faster than letting the table's merge-on-insert fold the event rows);
3. the batch is marked rolled up.

Exactly once: a batch already marked is skipped, and the insert carries a deduplication token
(tenant and batch), so a retry after a crash between the insert and the mark, or a second
worker on the same batch, adds nothing. Within a process one rollup runs per tenant at a time.

Sides: the client is `src_ip` except for DNS / DHCP / Kerberos events logged in packet
direction (the source port is the service port), where source and destination swap.
Served: a flow with packets back, or a protocol event other than a DNS request.
The attribute catalog is `attributes.py` (a test keeps the two in step).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from services.core import clickhouse
from services.core.clickhouse import Client, utc
from services.hosts.models import RollupLag

NOT_HOSTS = "(toIPv6('::'), toIPv6('::ffff:0.0.0.0'), toIPv6('::ffff:255.255.255.255'))"
NOT_PROTOCOL_EVENTS = "('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'packet')"

# The events columns the rows below read.
EVENT_COLUMNS = """tenant, ts, event_type, sensor, src_ip, dest_ip, src_port, dest_port, proto,
    app_proto, vlan, src_mac, dest_mac, src_net, dest_net, src_dept, dest_dept,
    dhcp_assigned_ip, dhcp_hostname, dhcp_client_mac, dhcp_type, ntlmssp_host, ntlmssp_user,
    ntlmssp_domain, krb5_cname, krb5_realm, krb5_sname, krb5_encryption, dns_type, dns_rrname,
    dns_answers, dns_rrtype, dns_rcode, tls_subject, tls_issuerdn, tls_fingerprint, tls_ja3s,
    tls_ja3, tls_ja4, tls_version, tls_sni, quic_sni, ssh_server_software, ssh_hassh_server,
    ssh_client_software, ssh_hassh, smb_dialect, smb_share, rdp_cookie, ftp_user, pgsql_user,
    smtp_mail_from, http_server, http_user_agent, http_method, http_hostname,
    hostname_info_domain, flow_pkts_toclient, flow_bytes_toserver, flow_bytes_toclient,
    alert_signature, alert_signature_id, alert_severity, alert_category, file_magic,
    file_sha256, file_size"""

# The batch's events, found by their times and by when they were stored (a batch's events are
# written before its `ingest_batches` rows: the minmax index on `ingested_at` skips every part
# but the batch's own while it is fresh), with their sides: `client` / `server` (see the module
# docstring), the host a DHCP exchange is about (`dhcp_client`: the assigned address, else the
# client), the `service_port`, the application (`app`), whether the server answered (`served`),
# whether the host asked (`asked`: a DNS event not logged from the resolver's side), whether the
# event is a protocol transaction, and the addresses as text (peers are values).
STAGE = (
    """
    CREATE TABLE __EVENTS__ ENGINE = Memory AS
    WITH event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88)
             AND dest_port NOT IN (53, 67, 88) AS swapped,
         event_type NOT IN __NOT_PROTOCOL_EVENTS__ AS is_protocol
    SELECT __EVENT_COLUMNS__,
           if(swapped, dest_ip, src_ip) AS client,
           if(toIPv6OrDefault(dhcp_assigned_ip) IN __NOT_HOSTS__, client,
              toIPv6OrDefault(dhcp_assigned_ip)) AS dhcp_client,
           if(swapped, src_ip, dest_ip) AS server,
           if(swapped, src_port, dest_port) AS service_port,
           toString(multiIf(app_proto NOT IN ('', 'failed', 'unknown'), app_proto,
                            is_protocol, event_type, '')) AS app,
           CAST((event_type = 'flow' AND flow_pkts_toclient > 0)
                OR (is_protocol AND dns_type NOT IN ('query', 'request')), 'Bool') AS served,
           CAST(event_type = 'dns' AND NOT (src_port = 53 AND dest_port != 53), 'Bool') AS asked,
           CAST(is_protocol, 'Bool') AS protocol_event,
           replaceOne(IPv6NumToString(src_ip), '::ffff:', '') AS src_text,
           replaceOne(IPv6NumToString(dest_ip), '::ffff:', '') AS dest_text
    FROM events
    WHERE tenant = {tenant:String} AND ingest_batch = {batch:UUID}
      AND ts >= {first:DateTime64(6, 'UTC')} AND ts <= {last:DateTime64(6, 'UTC')}
      AND ingested_at <= {stored:DateTime64(6, 'UTC')}
      AND ingested_at >= {stored:DateTime64(6, 'UTC')} - INTERVAL 1 HOUR
""".replace("__NOT_PROTOCOL_EVENTS__", NOT_PROTOCOL_EVENTS)
    .replace("__EVENT_COLUMNS__", EVENT_COLUMNS)
    .replace("__NOT_HOSTS__", NOT_HOSTS)
)

# (ip, attribute, value, amount) of the staged events: one SELECT per attribute and side.
# `amount`: bytes for `traffic` (sent / received from the host's side), size for files.
ROWS = """
    -- presence: every event, both hosts (first / last seen, events by type)
    SELECT ts, 'event_type' AS attribute, src_ip AS ip, event_type AS value,
           toUInt64(0) AS amount FROM __EVENTS__
    UNION ALL SELECT ts, 'event_type', dest_ip, event_type, 0 FROM __EVENTS__
    -- identity
    UNION ALL SELECT ts, 'network', src_ip, src_net, 0 FROM __EVENTS__ WHERE src_net != ''
    UNION ALL SELECT ts, 'network', dest_ip, dest_net, 0 FROM __EVENTS__ WHERE dest_net != ''
    UNION ALL SELECT ts, 'department', src_ip, src_dept, 0 FROM __EVENTS__ WHERE src_dept != ''
    UNION ALL SELECT ts, 'department', dest_ip, dest_dept, 0
        FROM __EVENTS__ WHERE dest_dept != ''
    UNION ALL SELECT ts, 'mac', src_ip, src_mac, 0
        FROM __EVENTS__ WHERE event_type = 'flow' AND src_mac != ''
    UNION ALL SELECT ts, 'mac', dest_ip, dest_mac, 0
        FROM __EVENTS__ WHERE event_type = 'flow' AND dest_mac != ''
    UNION ALL SELECT ts, 'vlan', src_ip, arrayStringConcat(arrayMap(v -> toString(v), vlan), '/'),
           0 FROM __EVENTS__ WHERE event_type = 'flow' AND notEmpty(vlan)
    UNION ALL SELECT ts, 'vlan', dest_ip, arrayStringConcat(arrayMap(v -> toString(v), vlan), '/'),
           0 FROM __EVENTS__ WHERE event_type = 'flow' AND notEmpty(vlan)
    UNION ALL SELECT ts, 'sensor', src_ip, sensor, 0 FROM __EVENTS__ WHERE event_type = 'flow'
    UNION ALL SELECT ts, 'dhcp_hostname', dhcp_client, replaceAll(dhcp_hostname, '\\0', ''), 0
        FROM __EVENTS__ WHERE event_type = 'dhcp' AND dhcp_hostname != ''
    UNION ALL SELECT ts, 'mac', dhcp_client, dhcp_client_mac, 0
        FROM __EVENTS__ WHERE event_type = 'dhcp' AND dhcp_client_mac != ''
    UNION ALL SELECT ts, 'ntlmssp_host', src_ip, ntlmssp_host, 0
        FROM __EVENTS__ WHERE event_type = 'smb' AND ntlmssp_host != ''
    UNION ALL SELECT ts, 'krb5_host', client, substring(krb5_cname, 1, length(krb5_cname) - 1), 0
        FROM __EVENTS__ WHERE event_type = 'krb5' AND endsWith(krb5_cname, '$')
    UNION ALL SELECT ts, 'ptr_name',
           toIPv6OrDefault(arrayStringConcat(arrayReverse(splitByChar('.',
               replaceOne(dns_rrname, '.in-addr.arpa', ''))), '.')), dns_answers[1], 0
        FROM __EVENTS__ WHERE event_type = 'dns' AND dns_type = 'answer'
            AND endsWith(dns_rrname, '.in-addr.arpa') AND notEmpty(dns_answers)
    UNION ALL SELECT ts, 'tls_cn', dest_ip, extract(tls_subject, 'CN=([^,/]+)'), 0
        FROM __EVENTS__ WHERE event_type = 'tls' AND tls_subject != ''
    -- users
    UNION ALL SELECT ts, 'krb5_user', client, krb5_cname, 0
        FROM __EVENTS__ WHERE event_type = 'krb5' AND krb5_cname != ''
            AND NOT endsWith(krb5_cname, '$') AND krb5_cname != '<empty>'
    UNION ALL SELECT ts, 'krb5_realm', client, if(krb5_realm = '<empty>', '', krb5_realm), 0
        FROM __EVENTS__ WHERE event_type = 'krb5'
    UNION ALL SELECT ts, 'krb5_realm', src_ip, if(krb5_realm = '<empty>', '', krb5_realm), 0
        FROM __EVENTS__ WHERE event_type = 'smb'
    UNION ALL SELECT ts, 'ntlmssp_user', src_ip,
           if(ntlmssp_user = '' OR endsWith(ntlmssp_user, '$'), '',
              if(ntlmssp_domain = '', ntlmssp_user, concat(ntlmssp_domain, '\\\\', ntlmssp_user))),
           0 FROM __EVENTS__ WHERE event_type = 'smb' AND ntlmssp_user != ''
    UNION ALL SELECT ts, 'ntlmssp_domain', src_ip, ntlmssp_domain, 0
        FROM __EVENTS__ WHERE event_type = 'smb' AND ntlmssp_domain != ''
    UNION ALL SELECT ts, 'rdp_cookie', src_ip, rdp_cookie, 0
        FROM __EVENTS__ WHERE event_type = 'rdp' AND rdp_cookie != ''
    UNION ALL SELECT ts, 'ftp_user', src_ip, ftp_user, 0
        FROM __EVENTS__ WHERE event_type = 'ftp' AND ftp_user != ''
    UNION ALL SELECT ts, 'pgsql_user', src_ip, pgsql_user, 0
        FROM __EVENTS__ WHERE event_type = 'pgsql' AND pgsql_user != ''
    UNION ALL SELECT ts, 'smtp_mail_from', src_ip, smtp_mail_from, 0
        FROM __EVENTS__ WHERE event_type = 'smtp' AND smtp_mail_from != ''
    -- what it serves
    UNION ALL SELECT ts, 'service', server,
           concat(proto, '/', toString(service_port), if(app = '', '', concat('/', app))), 0
        FROM __EVENTS__ WHERE served AND service_port > 0
    UNION ALL SELECT ts, 'role_evidence', server, multiIf(
            event_type = 'dhcp' AND (dhcp_type IN ('ack', 'offer') OR src_port = 67), 'dhcp',
            event_type = 'dns' AND dns_type = 'answer', 'dns',
            app = 'krb5', 'krb5',
            app = 'ldap' OR service_port IN (389, 636, 3268, 3269), 'ldap',
            event_type = 'smb' AND smb_share != '' AND NOT endsWith(smb_share, 'IPC$'),
                'file_share',
            app = 'smb' OR service_port = 445, 'smb',
            http_method = 'CONNECT', 'http_connect',
            service_port IN (3128, 8080), 'proxy_port',
            service_port IN (9100, 631, 515), 'printer',
            app = 'smtp' OR service_port IN (25, 587), 'smtp',
            app IN ('pgsql', 'mysql', 'tds', 'mongodb')
                OR service_port IN (1433, 3306, 5432, 1521, 27017), 'database',
            app IN ('http', 'http2', 'tls'), 'web',
            ''), 0
        FROM __EVENTS__ WHERE served
    UNION ALL SELECT ts, 'proxy_client', dest_ip, src_text, 0
        FROM __EVENTS__ WHERE event_type = 'flow' AND flow_pkts_toclient > 0
            AND dest_port IN (3128, 8080)
    UNION ALL SELECT ts, 'http_server', dest_ip, http_server, 0
        FROM __EVENTS__ WHERE event_type = 'http' AND http_server != ''
    UNION ALL SELECT ts, 'tls_subject_served', dest_ip, tls_subject, 0
        FROM __EVENTS__ WHERE event_type = 'tls' AND tls_subject != ''
    UNION ALL SELECT ts, 'tls_issuer_served', dest_ip, tls_issuerdn, 0
        FROM __EVENTS__ WHERE event_type = 'tls' AND tls_issuerdn != ''
    UNION ALL SELECT ts, 'tls_fingerprint_served', dest_ip, tls_fingerprint, 0
        FROM __EVENTS__ WHERE event_type = 'tls' AND tls_fingerprint != ''
    UNION ALL SELECT ts, 'tls_sni_served', dest_ip, tls_sni, 0
        FROM __EVENTS__ WHERE event_type = 'tls' AND tls_sni != '' AND src_ip != dest_ip
    UNION ALL SELECT ts, 'ja3s', dest_ip, tls_ja3s, 0
        FROM __EVENTS__ WHERE event_type = 'tls' AND tls_ja3s != ''
    UNION ALL SELECT ts, 'ssh_server', dest_ip, ssh_server_software, 0
        FROM __EVENTS__ WHERE event_type = 'ssh' AND ssh_server_software != ''
    UNION ALL SELECT ts, 'hassh_server', dest_ip, ssh_hassh_server, 0
        FROM __EVENTS__ WHERE event_type = 'ssh' AND ssh_hassh_server != ''
    UNION ALL SELECT ts, 'smb_dialect', dest_ip, smb_dialect, 0
        FROM __EVENTS__ WHERE event_type = 'smb' AND smb_dialect != ''
    UNION ALL SELECT ts, 'smb_share_served', dest_ip, smb_share, 0
        FROM __EVENTS__ WHERE event_type = 'smb' AND smb_share != ''
    -- what it uses as a client (DNS, TLS and HTTP flows carry their app_proto)
    UNION ALL SELECT ts, 'client_app', client, app, 0
        FROM __EVENTS__ WHERE (event_type = 'flow' AND flow_pkts_toclient > 0)
            OR (protocol_event AND event_type NOT IN ('dns', 'tls', 'http', 'http2', 'quic'))
    UNION ALL SELECT ts, 'user_agent', src_ip, http_user_agent, 0
        FROM __EVENTS__ WHERE event_type = 'http' AND http_user_agent != ''
    UNION ALL SELECT ts, 'http_host', src_ip, http_hostname, 0
        FROM __EVENTS__ WHERE event_type = 'http' AND http_hostname != ''
    UNION ALL SELECT ts, 'http_domain', src_ip, hostname_info_domain, 0
        FROM __EVENTS__ WHERE event_type = 'http' AND hostname_info_domain != ''
    UNION ALL SELECT ts, 'ja3', src_ip, tls_ja3, 0
        FROM __EVENTS__ WHERE event_type = 'tls' AND tls_ja3 != ''
    UNION ALL SELECT ts, 'ja4', src_ip, tls_ja4, 0
        FROM __EVENTS__ WHERE event_type = 'tls' AND tls_ja4 != ''
    UNION ALL SELECT ts, 'tls_version', src_ip, tls_version, 0
        FROM __EVENTS__ WHERE event_type = 'tls' AND tls_version != ''
    UNION ALL SELECT ts, 'tls_sni', src_ip, tls_sni, 0
        FROM __EVENTS__ WHERE event_type = 'tls' AND tls_sni != ''
    UNION ALL SELECT ts, 'tls_domain', src_ip, hostname_info_domain, 0
        FROM __EVENTS__ WHERE event_type = 'tls' AND hostname_info_domain != ''
    UNION ALL SELECT ts, 'quic_sni', src_ip, quic_sni, 0
        FROM __EVENTS__ WHERE event_type = 'quic' AND quic_sni != ''
    UNION ALL SELECT ts, 'ssh_client', src_ip, ssh_client_software, 0
        FROM __EVENTS__ WHERE event_type = 'ssh' AND ssh_client_software != ''
    UNION ALL SELECT ts, 'hassh', src_ip, ssh_hassh, 0
        FROM __EVENTS__ WHERE event_type = 'ssh' AND ssh_hassh != ''
    UNION ALL SELECT ts, 'smb_share', src_ip, smb_share, 0
        FROM __EVENTS__ WHERE event_type = 'smb' AND smb_share != ''
    UNION ALL SELECT ts, 'krb5_service', client, krb5_sname, 0
        FROM __EVENTS__ WHERE event_type = 'krb5' AND krb5_sname != ''
    UNION ALL SELECT ts, 'krb5_encryption', client, krb5_encryption, 0
        FROM __EVENTS__ WHERE event_type = 'krb5' AND krb5_encryption != ''
    -- DNS behaviour: resolvers and answers by side; what it asked only where it asked (the
    -- answers logged from the resolver's side repeat the queries)
    UNION ALL SELECT ts, 'resolver', client, replaceOne(IPv6NumToString(server), '::ffff:', ''), 0
        FROM __EVENTS__ WHERE event_type = 'dns'
    UNION ALL SELECT ts, 'dns_rrtype', client, dns_rrtype, 0
        FROM __EVENTS__ WHERE event_type = 'dns' AND dns_type IN ('query', 'request')
    UNION ALL SELECT ts, 'dns_rcode', client, dns_rcode, 0
        FROM __EVENTS__ WHERE event_type = 'dns' AND dns_type = 'answer'
    UNION ALL SELECT ts, 'queried_domain', src_ip, hostname_info_domain, 0
        FROM __EVENTS__ WHERE asked AND hostname_info_domain != ''
    UNION ALL SELECT ts, 'dns_port', src_ip, toString(dest_port), 0 FROM __EVENTS__ WHERE asked
    UNION ALL SELECT ts, 'dot_server', src_ip, dest_text, 0
        FROM __EVENTS__
        WHERE (event_type = 'tls' OR (event_type = 'flow' AND flow_pkts_toclient > 0))
            AND dest_port = 853
    -- peers and traffic, from flows (each side; `traffic` counts flows, `amount` the bytes)
    UNION ALL SELECT ts, 'server_peer', src_ip, dest_text, 0
        FROM __EVENTS__ WHERE event_type = 'flow'
    UNION ALL SELECT ts, 'client_peer', dest_ip, src_text, 0
        FROM __EVENTS__ WHERE event_type = 'flow' AND src_ip != dest_ip
    UNION ALL SELECT ts, 'peer_network', src_ip, dest_net, 0
        FROM __EVENTS__ WHERE event_type = 'flow' AND dest_net != ''
    UNION ALL SELECT ts, 'peer_network', dest_ip, src_net, 0
        FROM __EVENTS__ WHERE event_type = 'flow' AND src_net != '' AND src_ip != dest_ip
    UNION ALL SELECT ts, 'traffic', src_ip, 'sent', flow_bytes_toserver
        FROM __EVENTS__ WHERE event_type = 'flow'
    UNION ALL SELECT ts, 'traffic', src_ip, 'received', flow_bytes_toclient
        FROM __EVENTS__ WHERE event_type = 'flow'
    UNION ALL SELECT ts, 'traffic', dest_ip, 'sent', flow_bytes_toclient
        FROM __EVENTS__ WHERE event_type = 'flow' AND src_ip != dest_ip
    UNION ALL SELECT ts, 'traffic', dest_ip, 'received', flow_bytes_toserver
        FROM __EVENTS__ WHERE event_type = 'flow' AND src_ip != dest_ip
    -- activity
    UNION ALL SELECT ts, 'alert_signature', arrayJoin([src_ip, dest_ip]), alert_signature, 0
        FROM __EVENTS__ WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT ts, 'alert_signature_id', arrayJoin([src_ip, dest_ip]),
           toString(alert_signature_id), 0
        FROM __EVENTS__ WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT ts, 'alert_severity', arrayJoin([src_ip, dest_ip]),
           toString(alert_severity), 0
        FROM __EVENTS__ WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT ts, 'alert_category', arrayJoin([src_ip, dest_ip]), alert_category, 0
        FROM __EVENTS__ WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT ts, 'file_type', arrayJoin([src_ip, dest_ip]), file_magic, 0
        FROM __EVENTS__ WHERE event_type = 'fileinfo' AND file_magic != ''
    UNION ALL SELECT ts, 'file_sha256', arrayJoin([src_ip, dest_ip]), file_sha256, file_size
        FROM __EVENTS__ WHERE event_type = 'fileinfo' AND file_sha256 != ''
"""

INSERT_ROWS = """
    INSERT INTO host_attributes
        (tenant, ip, attribute, value, day, first_seen, last_seen, count, amount)
    SELECT {tenant:String}, ip, attribute, value, toDate(ts) AS day, min(ts), max(ts), count(),
           sum(amount)
    FROM (__ROWS__)
    WHERE value != '' AND ip NOT IN __NOT_HOSTS__
    GROUP BY ip, attribute, value, day
""".replace("__ROWS__", ROWS).replace("__NOT_HOSTS__", NOT_HOSTS)
DROP_STAGE = "DROP TABLE IF EXISTS __EVENTS__"

# Stored batches with events, of the last `days`, not rolled up yet.
PENDING_BATCHES = """
    SELECT batch_id, min(first_ts) AS first, max(last_ts) AS last, min(at) AS stored,
           sum(accepted) AS events
    FROM ingest_batches
    WHERE tenant = {tenant:String} AND at >= now64(6) - INTERVAL {days:UInt32} DAY
      AND event_type NOT IN ('', 'stats') AND accepted > 0
      AND batch_id != toUUID('00000000-0000-0000-0000-000000000000')
      AND batch_id NOT IN (SELECT batch_id FROM host_rollups WHERE tenant = {tenant:String})
    GROUP BY batch_id
"""
SELECT_PENDING = (
    "SELECT batch_id, first, last, stored, events FROM (__PENDING__)"
    " ORDER BY stored LIMIT {limit:UInt32}"
).replace("__PENDING__", PENDING_BATCHES)
SELECT_LAG = "SELECT count(), sum(events), min(stored) FROM (__PENDING__)".replace(
    "__PENDING__", PENDING_BATCHES
)
SELECT_TENANTS = """
    SELECT DISTINCT tenant FROM ingest_batches
    WHERE at >= now64(6) - INTERVAL {days:UInt32} DAY
      AND batch_id != toUUID('00000000-0000-0000-0000-000000000000')
"""
MARK = "host_rollups"
MARK_COLUMNS = ["tenant", "batch_id", "events"]
DAYS = 7  # how far back pending batches are looked for
LIMIT = 1000  # batches per look


@dataclass(frozen=True)
class Batch:
    """A stored batch with events, the range of its event times and when it was stored."""

    batch_id: UUID
    first: datetime
    last: datetime
    stored: datetime
    events: int


_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
_locks_guard = threading.Lock()


def _tenant_lock(tenant: str) -> threading.Lock:
    with _locks_guard:
        return _locks[tenant]


def pending(ch: Client, tenant: str, limit: int = LIMIT, days: int = DAYS) -> list[Batch]:
    """The tenant's stored batches not rolled up yet, oldest first."""
    rows = ch.query(
        SELECT_PENDING, parameters={"tenant": tenant, "days": days, "limit": limit}
    ).result_rows
    return [
        Batch(b, utc(first), utc(last), utc(stored), int(n)) for b, first, last, stored, n in rows
    ]


def lag(ch: Client, tenant: str) -> RollupLag:
    """How far host insights are behind ingest for the tenant."""
    batches, events, oldest = ch.query(
        SELECT_LAG, parameters={"tenant": tenant, "days": DAYS}
    ).result_rows[0]
    return RollupLag(
        batches=int(batches), events=int(events), oldest_stored_at=utc(oldest) if batches else None
    )


def roll_up(ch: Client, tenant: str, batch: Batch) -> None:
    """Roll one stored batch up into `host_attributes` and mark it (see the module docstring)."""
    table = f"host_rollup_{uuid4().hex}"
    token = f"host-rollup:{tenant}:{batch.batch_id}"
    params = {
        "tenant": tenant,
        "batch": batch.batch_id,
        "first": batch.first,
        "last": batch.last,
        "stored": batch.stored,
    }
    try:
        ch.command(STAGE.replace("__EVENTS__", table), parameters=params)
        ch.command(
            INSERT_ROWS.replace("__EVENTS__", table),
            parameters={"tenant": tenant},
            settings={
                "insert_deduplicate": 1,
                "insert_deduplication_token": token,
                "max_partitions_per_insert_block": 1000,
                "async_insert": 0,
                "optimize_on_insert": 0,  # grouped already: folding the block again costs ~15 %
            },
        )
    finally:
        ch.command(DROP_STAGE.replace("__EVENTS__", table))
        clickhouse.release_memory(ch)  # an ingest process sits lower between batches
    ch.insert(
        MARK,
        [[tenant, batch.batch_id, batch.events]],
        column_names=MARK_COLUMNS,
        settings={"async_insert": 0},
    )


def roll_up_pending(ch: Client, tenant: str | None = None) -> int:
    """Roll up every stored batch not rolled up yet (of `tenant`, or of every tenant); return
    how many batches were rolled up. Safe to call from many workers at once."""
    if tenant is None:
        found = ch.query(SELECT_TENANTS, parameters={"days": DAYS}).result_rows
        tenants = [str(t) for (t,) in found]
    else:
        tenants = [tenant]
    done = 0
    for name in tenants:
        with _tenant_lock(name):
            while batches := pending(ch, name):
                for batch in batches:
                    roll_up(ch, name, batch)
                done += len(batches)
                if len(batches) < LIMIT:
                    break
    return done
