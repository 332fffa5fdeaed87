"""Host insights benchmark: what the materialized view costs at insert, and how fast the host
document and "hosts with logged-in users among the Public DNS hunt" answer.

Events are synthesized by the engine (`INSERT ... SELECT ... FROM numbers()`), so the view fires
exactly as it does for ingest batches, without Python decoding in the way. The data directory
is cached: a second run with the same sizes reuses the events.

    .venv/bin/python bench/hosts.py                       # 128,000 hosts, 10M events
    .venv/bin/python bench/hosts.py --hosts 20000 --events 1000000 --insert-rows 300000
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from ipaddress import IPv6Address
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.core import clickhouse, lists, migrate
from services.core.clickhouse import Client
from services.hosts import document, search, store

TENANT = "bench"
BATCH = 100_000
MV_FILE = "0032_lean_host_attributes_mv"
PROJECTION_NAMES = ("by_src_ip", "by_dest_ip")  # 0033
PUBLIC_DNS = "event_type:dns AND dest_ip:@public_resolvers"

# One synthetic event per number: 50% dns (3% of them to 8.8.8.8), 20% flow, 15% tls, 10% http,
# 2% smb (NTLMSSP users), 2% krb5 (Kerberos users), 1% alert; clients 10.0.0.1 + (n % hosts).
SYNTHETIC = """
    WITH number AS n, cityHash64(n) AS r, r % 100 AS k, n % {{hosts:UInt32}} AS h,
         multiIf(k < 50, 'dns', k < 70, 'flow', k < 85, 'tls', k < 95, 'http',
                 k < 97, 'smb', k < 99, 'krb5', 'alert') AS et,
         toIPv6(IPv4NumToString(toUInt32(167772161 + h))) AS client,
         multiIf(et = 'dns' AND r % 33 = 0, toIPv6('8.8.8.8'), et = 'dns', toIPv6('10.255.0.53'),
                 et IN ('smb', 'krb5'), toIPv6('10.255.0.10'),
                 toIPv6(IPv4NumToString(toUInt32(1572395008 + r % 5000)))) AS server,
         multiIf(et = 'dns', 53, et = 'smb', 445, et = 'krb5', 88, et = 'http', 80, 443) AS port
    SELECT {{tenant:String}}, {{end:DateTime64(6, 'UTC')}} - toIntervalMicrosecond(r % 86400000000),
           et, 'sensor-1', client, toUInt16(1024 + r % 60000), server, port,
           if(et = 'dns', 'UDP', 'TCP'), if(et IN ('flow', 'alert'), 'tls', et),
           if(et = 'dns', 'query', ''),
           if(et = 'dns', concat('h', toString(r % 2000), '.example.com'), ''),
           if(et IN ('dns', 'tls', 'http'), 'example.com', ''),
           if(et = 'tls', concat('s', toString(r % 300), '.example.net'), ''),
           if(et = 'tls', hex(r % 40), ''),
           if(et = 'http', concat('agent/', toString(r % 25)), ''),
           if(et = 'krb5', concat('user', toString(h % 5000)), ''),
           if(et = 'smb', concat('user', toString(h % 5000)), ''), if(et = 'smb', 'CORP', ''),
           if(et = 'flow', 4, 0), if(et = 'flow', r % 100000, 0), if(et = 'flow', r % 900000, 0),
           if(et = 'alert', 2013028, 0), if(et = 'alert', 'ET POLICY curl User-Agent Outbound', ''),
           'rfc1918-10', if(server = toIPv6('8.8.8.8') OR port = 443, 'internet', 'rfc1918-10'),
           true, port != 443 AND server != toIPv6('8.8.8.8'),
           randomPrintableASCII(600)
    FROM numbers({{start:UInt64}}, {{count:UInt64}})
"""
COLUMNS = (
    "tenant, ts, event_type, sensor, src_ip, src_port, dest_ip, dest_port, proto, app_proto, "
    "dns_type, dns_rrname, hostname_info_domain, tls_sni, tls_ja3, http_user_agent, krb5_cname, "
    "ntlmssp_user, ntlmssp_domain, flow_pkts_toclient, flow_bytes_toserver, flow_bytes_toclient, "
    "alert_signature_id, alert_signature, src_net, dest_net, src_internal, dest_internal, raw"
)
INSERT_SETTINGS = {"max_partitions_per_insert_block": 1000}


def insert_synthetic(
    ch: Client, table: str, hosts: int, start: int, count: int, end: datetime
) -> None:
    ch.command(
        f"INSERT INTO {table} ({COLUMNS}) " + SYNTHETIC.replace("{{", "{").replace("}}", "}"),
        parameters={"tenant": TENANT, "hosts": hosts, "start": start, "count": count, "end": end},
        settings=INSERT_SETTINGS,
    )


def ensure_events(ch: Client, hosts: int, events: int, end: datetime) -> None:
    have = ch.query(
        "SELECT count() FROM events WHERE tenant = {t:String}", parameters={"t": TENANT}
    ).result_rows[0][0]
    if have == events:
        print(f"events: reusing {have:,} cached events")
        return
    for table in ("events", "host_attributes"):
        ch.command(f"TRUNCATE TABLE {table}")
    began = time.perf_counter()
    for start in range(0, events, BATCH):
        insert_synthetic(ch, "events", hosts, start, min(BATCH, events - start), end)
    took = time.perf_counter() - began
    print(f"events: generated {events:,} for {hosts:,} hosts in {took:.0f} s (with the view)")
    ch.command("OPTIMIZE TABLE host_attributes FINAL")


def insert_cost(ch: Client, hosts: int, rows: int, end: datetime) -> None:
    """Insert throughput into an events copy without and with the view and the projections."""
    migration = next(m for m in migrate.migrations() if m.name == MV_FILE)
    mv = next(s for s in migration.statements() if s.startswith("CREATE"))
    ch.command("DROP TABLE IF EXISTS bench_stage")
    ch.command("CREATE TABLE bench_stage AS events ENGINE = MergeTree ORDER BY tuple()")
    for start in range(0, rows, BATCH):
        insert_synthetic(ch, "bench_stage", hosts, start, min(BATCH, rows - start), end)

    def setup(variant: str) -> None:
        for name in ("bench_mv", "bench_events", "bench_hosts"):
            ch.command(f"DROP TABLE IF EXISTS {name}")
        ch.command("CREATE TABLE bench_events AS events")  # with the projections of 0033
        if variant not in ("projections", "view_projections"):
            for name in PROJECTION_NAMES:
                ch.command(f"ALTER TABLE bench_events DROP PROJECTION {name}")
        if variant.startswith("view"):
            ch.command("CREATE TABLE bench_hosts AS host_attributes")
            if variant == "view_no_projection":
                ch.command("ALTER TABLE bench_hosts DROP PROJECTION by_attribute")
            ch.command(
                mv.replace("host_attributes_mv TO host_attributes", "bench_mv TO bench_hosts")
                .replace("FROM events", "FROM bench_events")
                .rstrip()
                .rstrip(";")
            )

    def run(variant: str) -> float:
        setup(variant)
        began = time.perf_counter()
        for start in range(0, rows, BATCH):
            ch.command(
                "INSERT INTO bench_events SELECT * FROM bench_stage"
                " LIMIT {n:UInt64} OFFSET {a:UInt64}",
                parameters={"a": start, "n": BATCH},
                settings=INSERT_SETTINGS,
            )
        return rows / (time.perf_counter() - began)

    rates: dict[str, list[float]] = {
        "plain": [],
        "view": [],
        "view_no_projection": [],
        "projections": [],
        "view_projections": [],
    }
    for _ in range(3):  # interleaved: the machine is shared, medians of alternating runs
        for variant in rates:
            rates[variant].append(run(variant))
    plain = statistics.median(rates["plain"])
    labels = {
        "view": "events + host_attributes_mv",
        "view_no_projection": "... without by_attribute",
        "projections": "events + ip projections",
        "view_projections": "events + view + projections",
    }
    print(f"insert {rows:,} rows in {BATCH:,}-row batches (median of 3, rows/s):")
    print(f"  {'events alone':<30} {plain:>10,.0f}")
    for variant, label in labels.items():
        rate = statistics.median(rates[variant])
        print(
            f"  {label:<30} {rate:>10,.0f}  ({rate / plain:.2f}x, "
            f"cost {100 * (1 - rate / plain):.0f}%)"
        )
    for name in ("bench_mv", "bench_events", "bench_hosts", "bench_stage"):
        ch.command(f"DROP TABLE IF EXISTS {name}")


def p50(samples: list[float]) -> str:
    return f"p50 {1000 * statistics.median(samples):.1f} ms, max {1000 * max(samples):.1f} ms"


def query_latency(ch: Client, hosts: int, end: datetime, trials: int) -> None:
    lists.put_list(ch, "", "public_resolvers", ["8.8.8.8", "1.1.1.1", "9.9.9.9"])
    rng = random.Random(7)
    start = end - timedelta(days=1)
    far = end - timedelta(days=90)
    took: list[float] = []
    for _ in range(trials):
        ip = _host(rng.randrange(hosts))
        began = time.perf_counter()
        rows = store.host_rows(ch, TENANT, ip, far, end, 100, 30)
        extra = store.read_time_rows(ch, TENANT, ip, far, end, 100, 30)
        document.host_document(ip, rows, extra, end, 3600, 100)
        took.append(time.perf_counter() - began)
    print(f"host document ({len(rows)} + {len(extra)} attribute values): {p50(took)}")

    took = []
    found = 0
    for _ in range(trials):
        req = search.SearchRequest(
            TENANT, "logged_in:true", PUBLIC_DNS, start, end, end, 3600, "events", 50, 0, 30
        )
        began = time.perf_counter()
        items, _more = search.search_hosts(ch, req)
        took.append(time.perf_counter() - began)
        found = len(items)
    print(
        f"hosts with logged-in users among the Public DNS hunt ({found} on the page): {p50(took)}"
    )

    took = []
    for _ in range(trials):
        req = search.SearchRequest(
            TENANT,
            "username:user1* AND NOT net_info:internet",
            "",
            start,
            end,
            end,
            3600,
            "last_seen",
            50,
            0,
            30,
        )
        began = time.perf_counter()
        search.search_hosts(ch, req)
        took.append(time.perf_counter() - began)
    print(f"host search over all hosts (username:user1* AND NOT net_info:internet): {p50(took)}")

    took = []
    for _ in range(trials):
        ip = _host(rng.randrange(hosts))
        began = time.perf_counter()
        store.host_events(ch, TENANT, ip, start, end, 100, None, 30)
        took.append(time.perf_counter() - began)
    print(f"host evidence (100 newest events, either side, 24 h): {p50(took)}")
    rows_total = ch.query("SELECT count() FROM host_attributes").result_rows[0][0]
    print(f"host_attributes rows: {rows_total:,}")


def _host(h: int) -> IPv6Address:
    """The synthetic client number `h` (10.0.0.1 + h), as stored."""
    return IPv6Address((0xFFFF << 32) | (167772161 + h))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=128_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument(
        "--insert-rows", type=int, default=1_000_000, help="0 skips the insert-cost part"
    )
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--data-dir", default=".sightline/bench-hosts")
    args = parser.parse_args()
    data = Path(args.data_dir) / f"{args.hosts}-{args.events}"
    ch = clickhouse.connect(f"chdb://{data.resolve()}")
    migrate.migrate(ch)
    end = datetime(2026, 11, 30, 12, tzinfo=UTC)
    if args.insert_rows:
        insert_cost(ch, args.hosts, args.insert_rows, end)
    ensure_events(ch, args.hosts, args.events, end)
    query_latency(ch, args.hosts, end, args.trials)
    return 0


if __name__ == "__main__":
    sys.exit(main())
