"""Filter-language speed: compiled filters against hand-written SQL on the same events.

    .venv/bin/python bench/filters.py                     # 5,000,000 events
    .venv/bin/python bench/filters.py --events 1000000    # quicker

N synthetic events over 24 h are generated in a fresh embedded engine (half DNS, names under a
few domains, addresses in 10/8 and public space) and reference lists are stored with
`lists.put_list`. Each case runs `SELECT count()` with the compiled filter and with SQL an
engineer would write by hand; prints the median latency of both and their ratio (target <= 1.5).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from services.core import clickhouse, fields, lists, migrate
from services.core.clickhouse import Client
from services.core.filters import compile_filter, parse_query

TENANT = "bench"
GENERATE = """
    INSERT INTO events (tenant, ts, event_type, src_ip, dest_ip, dest_port, proto, dns_rrname,
                        tls_sni, http_user_agent, flow_bytes_toserver, dest_internal, raw)
    SELECT {tenant:String},
           {start:DateTime64(6, 'UTC')} + toIntervalMicrosecond(intDiv(number * 86400000000,
                                                                      {total:UInt64})),
           multiIf(number % 10 < 5, 'dns', number % 10 < 7, 'flow', number % 10 < 9, 'tls',
                   'http'),
           toIPv6(IPv4NumToString(toUInt32(167772160 + cityHash64(number) % 65536))),
           if(number % 7 = 0, toIPv6('8.8.8.8'),
              toIPv6(IPv4NumToString(toUInt32(3232235520 + cityHash64(number, 1) % 65536)))),
           if(number % 10 < 5, 53, 443),
           if(number % 10 < 5, 'UDP', 'TCP'),
           if(number % 10 < 5, concat('h', toString(number % 5000), '.',
              ['example.com', 'dyndns.org', 'corp.example.com', 'evil.test'][number % 4 + 1]), ''),
           if(number % 10 BETWEEN 7 AND 8, concat('s', toString(number % 300), '.github.com'), ''),
           if(number % 10 = 9, ['curl/8.0', 'Mozilla/5.0', 'python-requests/2'][number % 3 + 1],
              ''),
           if(number % 10 BETWEEN 5 AND 6, cityHash64(number) % 10000000, 0),
           number % 3 = 0,
           '{"event_type":"dns","dns":{"rrname":"x","opcode":0}}'
    FROM numbers({total:UInt64})
"""

CASES: list[tuple[str, str, str]] = [
    (
        "eq on the sort key",
        "event_type:dns AND dest_port:53",
        "event_type = 'dns' AND dest_port = 53",
    ),
    (
        "public resolver by IP",
        "event_type:dns AND dest_ip:8.8.8.8",
        "event_type = 'dns' AND dest_ip = toIPv6('8.8.8.8')",
    ),
    (
        "CIDR negation",
        'event_type:dns AND NOT dest_ip:"192.168.0.0/24"',
        "event_type = 'dns' AND NOT isIPAddressInRange(IPv6NumToString(dest_ip),"
        " '::ffff:192.168.0.0/120')",
    ),
    (
        "wildcard suffix",
        "event_type:dns AND dns.rrname:*.dyndns.org",
        "event_type = 'dns' AND endsWith(dns_rrname, '.dyndns.org')",
    ),
    (
        "wildcard prefix, case-insensitive",
        "event_type:http AND http.http_user_agent:curl*",
        "event_type = 'http' AND http_user_agent ILIKE 'curl%'",
    ),
    (
        "regex",
        "event_type:dns AND dns.rrname:/h1[0-9]+\\.evil\\.test/",
        "event_type = 'dns' AND match(dns_rrname, '^h1[0-9]+\\\\.evil\\\\.test$')",
    ),
    (
        "range",
        "event_type:flow AND flow.bytes_toserver:>5000000",
        "event_type = 'flow' AND flow_bytes_toserver > 5000000",
    ),
    (
        "IP list (exact + CIDR)",
        "event_type:dns AND dest_ip:@resolvers",
        "event_type = 'dns' AND (dest_ip = toIPv6('8.8.8.8') OR dest_ip = toIPv6('1.1.1.1')"
        " OR dest_ip BETWEEN toIPv6('9.9.9.0') AND toIPv6('9.9.9.255'))",
    ),
    (
        "name list (suffix)",
        "event_type:dns AND dns.rrname:@dyndns",
        "event_type = 'dns' AND (dns_rrname = 'dyndns.org' OR endsWith(dns_rrname, '.dyndns.org')"
        " OR dns_rrname = 'no-ip.com' OR endsWith(dns_rrname, '.no-ip.com'))",
    ),
    (
        "name list over three fields",
        "dns.rrname:@dyndns OR tls.sni:@dyndns",
        "(dns_rrname = 'dyndns.org' OR endsWith(dns_rrname, '.dyndns.org')"
        " OR dns_rrname = 'no-ip.com' OR endsWith(dns_rrname, '.no-ip.com'))"
        " OR (tls_sni = 'dyndns.org' OR endsWith(tls_sni, '.dyndns.org')"
        " OR tls_sni = 'no-ip.com' OR endsWith(tls_sni, '.no-ip.com'))",
    ),
    (
        "bool and pseudo-field",
        "net_info.dest_internal:false AND port:443",
        "NOT dest_internal AND (src_port = 443 OR dest_port = 443)",
    ),
    (
        "raw path",
        "event_type:dns AND dns.opcode:0",
        "event_type = 'dns' AND JSONExtractInt(raw, 'dns', 'opcode') = 0"
        " AND JSONHas(raw, 'dns', 'opcode')",
    ),
]

COUNT = "SELECT count() FROM events WHERE tenant = {tenant:String} AND $filter"


def median_ms(ch: Client, sql: str, params: dict[str, Any], repeat: int) -> float:
    ch.query(sql, parameters=params)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        ch.query(sql, parameters=params)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def setup(ch: Client, total: int) -> None:
    start = datetime.now(UTC) - timedelta(days=1)
    ch.command(GENERATE, parameters={"tenant": TENANT, "start": start, "total": total})
    lists.put_list(ch, "", "resolvers", ["8.8.8.8", "1.1.1.1", "9.9.9.0/24"])
    lists.put_list(ch, "", "dyndns", ["*.dyndns.org", "*.no-ip.com"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        ch = clickhouse.connect(f"chdb://{data_dir}")
        migrate.migrate(ch)
        setup(ch, args.events)
        print(f"{args.events:,} events; median of {args.repeat} runs (ms)")
        print(f"{'case':36} {'compiled':>9} {'by hand':>9} {'ratio':>6}  rows")
        for name, query, hand in CASES:
            compiled = compile_filter(parse_query(query), fields.EVENT_FIELDS, TENANT)
            params = {"tenant": TENANT, **compiled.params}
            ours = compiled.embed(COUNT)
            theirs = COUNT.replace("$filter", f"({hand})")
            a = ch.query(ours, parameters=params).result_rows[0][0]
            b = ch.query(theirs, parameters={"tenant": TENANT}).result_rows[0][0]
            t_ours = median_ms(ch, ours, params, args.repeat)
            t_hand = median_ms(ch, theirs, {"tenant": TENANT}, args.repeat)
            same = "" if a == b else f"  MISMATCH {a} != {b}"
            print(f"{name:36} {t_ours:9.1f} {t_hand:9.1f} {t_ours / t_hand:6.2f}  {a}{same}")


if __name__ == "__main__":
    main()
