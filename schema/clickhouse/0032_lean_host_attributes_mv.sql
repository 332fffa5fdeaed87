-- Host insights, lean (replaces the view of 0031; same target table `host_attributes`).
--
-- What the old view cost: it fanned every event out into ~20 (attribute, value) rows, and
-- writing those rows into `host_attributes` (sort, merge-on-insert, compress) was 52-77 % of
-- the insert cost of `events` (bench/hosts.py). Measured: computing the rows is nearly free
-- (the same view into a Null table costs ~1 %); the cost is the rows written. So this view
-- writes only what host search needs across all hosts and what changes little per host
-- (identity, users, services, roles, software, resolvers, alerts). High-cardinality, per-flow
-- attributes (peers, queried domains, SNIs, HTTP hosts, files, traffic) are computed from
-- `events` when one host's document is read (services/hosts/store.py, `READ_TIME`), using the
-- `_part_offset` projections of 0033.
--
-- Shape: one SELECT per attribute, each filtered first, joined by UNION ALL (measured faster
-- than one ARRAY JOIN over parallel arrays, and each line reads on its own). No GROUP BY:
-- the table's merge-on-insert (`optimize_on_insert`) already folds equal keys of a block, and
-- a hash GROUP BY of a block with many hosts cost more than it saved.
--
-- Sides: the client is `src_ip` except for DNS / DHCP / Kerberos events logged in packet
-- direction (the source port is the service port), where source and destination swap.
-- Served: a flow with packets back, or a protocol event other than a DNS request.
-- The attribute catalog is services/hosts/attributes.py (a test keeps the two in step).
DROP VIEW IF EXISTS host_attributes_mv;
CREATE MATERIALIZED VIEW IF NOT EXISTS host_attributes_mv TO host_attributes AS
SELECT tenant, ip, attribute, value, toDate(ts) AS day, ts AS first_seen, ts AS last_seen,
       toUInt64(1) AS count, toUInt64(0) AS amount
FROM (
    -- presence: every event, both hosts (first / last seen, events by type)
    SELECT tenant, ts, 'event_type' AS attribute, src_ip AS ip, event_type AS value
        FROM events
    UNION ALL SELECT tenant, ts, 'event_type', dest_ip, event_type
        FROM events
    -- identity
    UNION ALL SELECT tenant, ts, 'network', src_ip, src_net
        FROM events WHERE src_net != ''
    UNION ALL SELECT tenant, ts, 'network', dest_ip, dest_net
        FROM events WHERE dest_net != ''
    UNION ALL SELECT tenant, ts, 'department', src_ip, src_dept
        FROM events WHERE src_dept != ''
    UNION ALL SELECT tenant, ts, 'department', dest_ip, dest_dept
        FROM events WHERE dest_dept != ''
    UNION ALL SELECT tenant, ts, 'mac', src_ip, src_mac
        FROM events WHERE event_type = 'flow' AND src_mac != ''
    UNION ALL SELECT tenant, ts, 'mac', dest_ip, dest_mac
        FROM events WHERE event_type = 'flow' AND dest_mac != ''
    UNION ALL SELECT tenant, ts, 'vlan', src_ip, arrayStringConcat(arrayMap(v -> toString(v), vlan), '/')
        FROM events WHERE event_type = 'flow' AND notEmpty(vlan)
    UNION ALL SELECT tenant, ts, 'vlan', dest_ip, arrayStringConcat(arrayMap(v -> toString(v), vlan), '/')
        FROM events WHERE event_type = 'flow' AND notEmpty(vlan)
    UNION ALL SELECT tenant, ts, 'sensor', src_ip, sensor
        FROM events WHERE event_type = 'flow'
    UNION ALL SELECT tenant, ts, 'dhcp_hostname', if(toIPv6OrDefault(dhcp_assigned_ip) IN (toIPv6('::'), toIPv6('::ffff:0.0.0.0'), toIPv6('::ffff:255.255.255.255')), if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), toIPv6OrDefault(dhcp_assigned_ip)), replaceAll(dhcp_hostname, '\0', '')
        FROM events WHERE event_type = 'dhcp' AND dhcp_hostname != ''
    UNION ALL SELECT tenant, ts, 'mac', if(toIPv6OrDefault(dhcp_assigned_ip) IN (toIPv6('::'), toIPv6('::ffff:0.0.0.0'), toIPv6('::ffff:255.255.255.255')), if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), toIPv6OrDefault(dhcp_assigned_ip)), dhcp_client_mac
        FROM events WHERE event_type = 'dhcp' AND dhcp_client_mac != ''
    UNION ALL SELECT tenant, ts, 'ntlmssp_host', src_ip, ntlmssp_host
        FROM events WHERE event_type = 'smb' AND ntlmssp_host != ''
    UNION ALL SELECT tenant, ts, 'krb5_host', if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), substring(krb5_cname, 1, length(krb5_cname) - 1)
        FROM events WHERE event_type = 'krb5' AND endsWith(krb5_cname, '$')
    UNION ALL SELECT tenant, ts, 'ptr_name', toIPv6OrDefault(arrayStringConcat(arrayReverse(splitByChar('.', replaceOne(dns_rrname, '.in-addr.arpa', ''))), '.')), dns_answers[1]
        FROM events WHERE event_type = 'dns' AND dns_type = 'answer' AND endsWith(dns_rrname, '.in-addr.arpa') AND notEmpty(dns_answers)
    UNION ALL SELECT tenant, ts, 'tls_cn', dest_ip, extract(tls_subject, 'CN=([^,/]+)')
        FROM events WHERE event_type = 'tls' AND tls_subject != ''
    -- users
    UNION ALL SELECT tenant, ts, 'krb5_user', if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), krb5_cname
        FROM events WHERE event_type = 'krb5' AND krb5_cname != '' AND NOT endsWith(krb5_cname, '$') AND krb5_cname != '<empty>'
    UNION ALL SELECT tenant, ts, 'krb5_realm', if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), if(krb5_realm = '<empty>', '', krb5_realm)
        FROM events WHERE event_type = 'krb5'
    UNION ALL SELECT tenant, ts, 'krb5_realm', src_ip, if(krb5_realm = '<empty>', '', krb5_realm)
        FROM events WHERE event_type = 'smb'
    UNION ALL SELECT tenant, ts, 'ntlmssp_user', src_ip, if(ntlmssp_user = '' OR endsWith(ntlmssp_user, '$'), '', if(ntlmssp_domain = '', ntlmssp_user, concat(ntlmssp_domain, '\\', ntlmssp_user)))
        FROM events WHERE event_type = 'smb' AND ntlmssp_user != ''
    UNION ALL SELECT tenant, ts, 'ntlmssp_domain', src_ip, ntlmssp_domain
        FROM events WHERE event_type = 'smb' AND ntlmssp_domain != ''
    UNION ALL SELECT tenant, ts, 'rdp_cookie', src_ip, rdp_cookie
        FROM events WHERE event_type = 'rdp' AND rdp_cookie != ''
    UNION ALL SELECT tenant, ts, 'ftp_user', src_ip, ftp_user
        FROM events WHERE event_type = 'ftp' AND ftp_user != ''
    UNION ALL SELECT tenant, ts, 'pgsql_user', src_ip, pgsql_user
        FROM events WHERE event_type = 'pgsql' AND pgsql_user != ''
    UNION ALL SELECT tenant, ts, 'smtp_mail_from', src_ip, smtp_mail_from
        FROM events WHERE event_type = 'smtp' AND smtp_mail_from != ''
    -- what it serves
    UNION ALL SELECT tenant, ts, 'service', if(event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_ip, dest_ip), concat(proto, '/', toString(if(event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_port, dest_port)), if(multiIf(app_proto NOT IN ('', 'failed', 'unknown'), app_proto, event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet'), event_type, '') = '', '', concat('/', multiIf(app_proto NOT IN ('', 'failed', 'unknown'), app_proto, event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet'), event_type, ''))))
        FROM events WHERE ((event_type = 'flow' AND flow_pkts_toclient > 0) OR (event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet') AND dns_type NOT IN ('query', 'request'))) AND if(event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_port, dest_port) > 0
    UNION ALL SELECT tenant, ts, 'role_evidence', if(event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_ip, dest_ip), multiIf(
            event_type = 'dhcp' AND (dhcp_type IN ('ack', 'offer') OR src_port = 67), 'dhcp',
            event_type = 'dns' AND dns_type = 'answer', 'dns',
            multiIf(app_proto NOT IN ('', 'failed', 'unknown'), app_proto, event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet'), event_type, '') = 'krb5', 'krb5',
            multiIf(app_proto NOT IN ('', 'failed', 'unknown'), app_proto, event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet'), event_type, '') = 'ldap' OR if(event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_port, dest_port) IN (389, 636, 3268, 3269), 'ldap',
            event_type = 'smb' AND smb_share != '' AND NOT endsWith(smb_share, 'IPC$'), 'file_share',
            multiIf(app_proto NOT IN ('', 'failed', 'unknown'), app_proto, event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet'), event_type, '') = 'smb' OR if(event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_port, dest_port) = 445, 'smb',
            http_method = 'CONNECT', 'http_connect',
            if(event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_port, dest_port) IN (3128, 8080), 'proxy_port',
            if(event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_port, dest_port) IN (9100, 631, 515), 'printer',
            multiIf(app_proto NOT IN ('', 'failed', 'unknown'), app_proto, event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet'), event_type, '') = 'smtp' OR if(event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_port, dest_port) IN (25, 587), 'smtp',
            multiIf(app_proto NOT IN ('', 'failed', 'unknown'), app_proto, event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet'), event_type, '') IN ('pgsql', 'mysql', 'tds', 'mongodb')
                OR if(event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_port, dest_port) IN (1433, 3306, 5432, 1521, 27017), 'database',
            multiIf(app_proto NOT IN ('', 'failed', 'unknown'), app_proto, event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet'), event_type, '') IN ('http', 'http2', 'tls'), 'web',
            '')
        FROM events WHERE ((event_type = 'flow' AND flow_pkts_toclient > 0) OR (event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet') AND dns_type NOT IN ('query', 'request')))
    UNION ALL SELECT tenant, ts, 'client_peer', dest_ip, replaceOne(IPv6NumToString(src_ip), '::ffff:', '')
        FROM events WHERE event_type = 'flow' AND flow_pkts_toclient > 0 AND dest_port IN (3128, 8080)
    UNION ALL SELECT tenant, ts, 'http_server', dest_ip, http_server
        FROM events WHERE event_type = 'http' AND http_server != ''
    UNION ALL SELECT tenant, ts, 'tls_subject_served', dest_ip, tls_subject
        FROM events WHERE event_type = 'tls' AND tls_subject != ''
    UNION ALL SELECT tenant, ts, 'tls_issuer_served', dest_ip, tls_issuerdn
        FROM events WHERE event_type = 'tls' AND tls_issuerdn != ''
    UNION ALL SELECT tenant, ts, 'tls_fingerprint_served', dest_ip, tls_fingerprint
        FROM events WHERE event_type = 'tls' AND tls_fingerprint != ''
    UNION ALL SELECT tenant, ts, 'ja3s', dest_ip, tls_ja3s
        FROM events WHERE event_type = 'tls' AND tls_ja3s != ''
    UNION ALL SELECT tenant, ts, 'ssh_server', dest_ip, ssh_server_software
        FROM events WHERE event_type = 'ssh' AND ssh_server_software != ''
    UNION ALL SELECT tenant, ts, 'hassh_server', dest_ip, ssh_hassh_server
        FROM events WHERE event_type = 'ssh' AND ssh_hassh_server != ''
    UNION ALL SELECT tenant, ts, 'smb_dialect', dest_ip, smb_dialect
        FROM events WHERE event_type = 'smb' AND smb_dialect != ''
    UNION ALL SELECT tenant, ts, 'smb_share_served', dest_ip, smb_share
        FROM events WHERE event_type = 'smb' AND smb_share != ''
    -- what it uses as a client (DNS, TLS and HTTP flows carry their app_proto)
    UNION ALL SELECT tenant, ts, 'client_app', if(event_type IN ('dns', 'dhcp', 'krb5') AND src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), multiIf(app_proto NOT IN ('', 'failed', 'unknown'), app_proto, event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet'), event_type, '')
        FROM events WHERE (event_type = 'flow' AND flow_pkts_toclient > 0) OR (event_type NOT IN ('flow', 'netflow', 'alert', 'drop', 'anomaly', 'fileinfo', 'stats', 'packet') AND event_type NOT IN ('dns', 'tls', 'http', 'http2', 'quic'))
    UNION ALL SELECT tenant, ts, 'user_agent', src_ip, http_user_agent
        FROM events WHERE event_type = 'http' AND http_user_agent != ''
    UNION ALL SELECT tenant, ts, 'ja3', src_ip, tls_ja3
        FROM events WHERE event_type = 'tls' AND tls_ja3 != ''
    UNION ALL SELECT tenant, ts, 'ja4', src_ip, tls_ja4
        FROM events WHERE event_type = 'tls' AND tls_ja4 != ''
    UNION ALL SELECT tenant, ts, 'tls_version', src_ip, tls_version
        FROM events WHERE event_type = 'tls' AND tls_version != ''
    UNION ALL SELECT tenant, ts, 'ssh_client', src_ip, ssh_client_software
        FROM events WHERE event_type = 'ssh' AND ssh_client_software != ''
    UNION ALL SELECT tenant, ts, 'hassh', src_ip, ssh_hassh
        FROM events WHERE event_type = 'ssh' AND ssh_hassh != ''
    UNION ALL SELECT tenant, ts, 'smb_share', src_ip, smb_share
        FROM events WHERE event_type = 'smb' AND smb_share != ''
    UNION ALL SELECT tenant, ts, 'krb5_service', if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), krb5_sname
        FROM events WHERE event_type = 'krb5' AND krb5_sname != ''
    UNION ALL SELECT tenant, ts, 'krb5_encryption', if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), krb5_encryption
        FROM events WHERE event_type = 'krb5' AND krb5_encryption != ''
    -- DNS behaviour (port 53 is implied by `resolver`; the document lists every port)
    UNION ALL SELECT tenant, ts, 'resolver', if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), replaceOne(IPv6NumToString(if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_ip, dest_ip)), '::ffff:', '')
        FROM events WHERE event_type = 'dns'
    UNION ALL SELECT tenant, ts, 'dns_port', if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), toString(if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_port, dest_port))
        FROM events WHERE event_type = 'dns' AND if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), src_port, dest_port) != 53
    UNION ALL SELECT tenant, ts, 'dns_rrtype', if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), dns_rrtype
        FROM events WHERE event_type = 'dns' AND dns_type IN ('query', 'request')
    UNION ALL SELECT tenant, ts, 'dns_rcode', if(src_port IN (53, 67, 88) AND dest_port NOT IN (53, 67, 88), dest_ip, src_ip), dns_rcode
        FROM events WHERE event_type = 'dns' AND dns_type = 'answer'
    UNION ALL SELECT tenant, ts, 'dot_server', src_ip, replaceOne(IPv6NumToString(dest_ip), '::ffff:', '')
        FROM events WHERE ((event_type = 'tls') OR (event_type = 'flow' AND flow_pkts_toclient > 0)) AND dest_port = 853
    -- activity
    UNION ALL SELECT tenant, ts, 'alert_signature', src_ip, alert_signature
        FROM events WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT tenant, ts, 'alert_signature', dest_ip, alert_signature
        FROM events WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT tenant, ts, 'alert_signature_id', src_ip, toString(alert_signature_id)
        FROM events WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT tenant, ts, 'alert_signature_id', dest_ip, toString(alert_signature_id)
        FROM events WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT tenant, ts, 'alert_severity', src_ip, toString(alert_severity)
        FROM events WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT tenant, ts, 'alert_severity', dest_ip, toString(alert_severity)
        FROM events WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT tenant, ts, 'alert_category', src_ip, alert_category
        FROM events WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT tenant, ts, 'alert_category', dest_ip, alert_category
        FROM events WHERE event_type IN ('alert', 'drop')
    UNION ALL SELECT tenant, ts, 'file_type', src_ip, file_magic
        FROM events WHERE event_type = 'fileinfo' AND file_magic != ''
    UNION ALL SELECT tenant, ts, 'file_type', dest_ip, file_magic
        FROM events WHERE event_type = 'fileinfo' AND file_magic != ''
)
WHERE value != ''
  AND ip NOT IN (toIPv6('::'), toIPv6('::ffff:0.0.0.0'), toIPv6('::ffff:255.255.255.255'));
