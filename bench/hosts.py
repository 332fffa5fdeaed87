"""Host insights benchmark: what rolling host insights up costs ingest, how fast the rollup
runs, and how fast the host document and "hosts with logged-in users among the Public DNS hunt"
answer.

Events are synthesized by the engine (`INSERT ... SELECT ... FROM numbers()`) in 100,000-row
batches, each stored with its own `ingest_batch` and registered in `ingest_batches` as the
ingest pipeline does, so the rollup (`services/hosts/rollup.py`) sees them exactly as it sees
ingested batches, without Python decoding in the way. The insert part runs in a child process
on a fresh engine; the query part's data directory is cached (a second run with the same sizes
reuses the events and their rollup).

    .venv/bin/python bench/hosts.py                       # 128,000 hosts, 10M events
    .venv/bin/python bench/hosts.py --hosts 20000 --events 1000000 --insert-rows 300000
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from ipaddress import IPv6Address
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rollup_worker import rolling_up  # bench/rollup_worker.py, beside this script

from services.core import clickhouse, lists, migrate
from services.core.clickhouse import Client
from services.hosts import document, rollup, search, store

TENANT = "bench"
BATCH = 100_000
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


def store_batch(ch: Client, stage: int) -> None:
    """Store the rows staged in `bench_stage_<stage>` as one ingest batch: into `events` with a
    batch id, registered in `ingest_batches` (as `Pipeline.ingest` does)."""
    params = {"stage": f"bench_stage_{stage}", "batch": uuid.uuid4()}
    ch.command(
        "INSERT INTO events SELECT * REPLACE ({batch:UUID} AS ingest_batch)"
        " FROM {stage:Identifier}",
        parameters=params,
        settings=INSERT_SETTINGS,
    )
    ch.command(
        "INSERT INTO ingest_batches (tenant, batch_id, source, sensor, event_type, accepted,"
        " first_ts, last_ts)"
        " SELECT tenant, {batch:UUID}, 'bench', sensor, event_type, count(), min(ts), max(ts)"
        " FROM {stage:Identifier} GROUP BY tenant, sensor, event_type",
        parameters=params,
        settings={"async_insert": 0},
    )


def ensure_events(ch: Client, hosts: int, events: int, end: datetime) -> None:
    have = ch.query(
        "SELECT count() FROM events WHERE tenant = {t:String}", parameters={"t": TENANT}
    ).result_rows[0][0]
    if have == events and not rollup.pending(ch, TENANT):
        print(f"events: reusing {have:,} cached events, rolled up")
        return
    for table in ("events", "host_attributes", "host_rollups", "ingest_batches", "bench_stage_0"):
        ch.command(f"TRUNCATE TABLE IF EXISTS {table}")
    ch.command("CREATE TABLE IF NOT EXISTS bench_stage_0 AS events ENGINE = Memory")
    began = time.perf_counter()
    for start in range(0, events, BATCH):
        insert_synthetic(ch, "bench_stage_0", hosts, start, min(BATCH, events - start), end)
        store_batch(ch, 0)
        ch.command("TRUNCATE TABLE bench_stage_0")
    ch.command("DROP TABLE bench_stage_0")
    took = time.perf_counter() - began
    print(f"events: generated {events:,} for {hosts:,} hosts in {took:.0f} s")
    began = time.perf_counter()
    batches = rollup.roll_up_pending(ch, TENANT)
    took = time.perf_counter() - began
    print(f"rollup: {batches} batches in {took:.0f} s ({events / took:,.0f} events/s)")
    ch.command("OPTIMIZE TABLE host_attributes FINAL")


def insert_cost(hosts: int, rows: int, end: datetime) -> None:
    """In a fresh engine: insert throughput into `events` alone, and while a second connection
    rolls the stored batches up as they land (as a worker does); the rollup's own rate."""
    with tempfile.TemporaryDirectory(prefix="sightline-bench-hosts-") as scratch:
        ch = clickhouse.connect(f"chdb://{scratch}")
        roller = clickhouse.connect(f"chdb://{scratch}")
        migrate.migrate(ch)
        stages = range(0, (rows + BATCH - 1) // BATCH)
        for stage in stages:  # each batch staged apart, in memory
            ch.command(f"CREATE TABLE bench_stage_{stage} AS events ENGINE = Memory")
            count = min(BATCH, rows - stage * BATCH)
            insert_synthetic(ch, f"bench_stage_{stage}", hosts, stage * BATCH, count, end)

        def reset() -> None:
            for table in ("events", "host_attributes", "host_rollups", "ingest_batches"):
                ch.command(f"TRUNCATE TABLE {table}")

        def insert_all() -> float:
            began = time.perf_counter()
            for stage in stages:
                store_batch(ch, stage)
            return time.perf_counter() - began

        def alone() -> tuple[float, float]:
            reset()
            inserted = insert_all()
            began = time.perf_counter()
            rollup.roll_up_pending(roller, TENANT)
            return rows / inserted, rows / (time.perf_counter() - began)

        def concurrently() -> tuple[float, float]:
            reset()
            began = time.perf_counter()
            with rolling_up(roller, TENANT):  # a worker, rolling up each batch as it lands
                inserted = insert_all()
            return rows / inserted, rows / (time.perf_counter() - began)

        plain, rolled, ingest, both = [], [], [], []
        for _ in range(3):  # interleaved: medians of alternating runs
            insert_rate, rollup_rate = alone()
            plain.append(insert_rate)
            rolled.append(rollup_rate)
            insert_rate, end_to_end = concurrently()
            ingest.append(insert_rate)
            both.append(end_to_end)
        base = statistics.median(plain)
        print(f"insert {rows:,} rows in {BATCH:,}-row batches (median of 3, events/s):")
        print(f"  {'events alone':<44} {base:>10,.0f}")
        for label, rates in (
            ("events, a worker rolling up meanwhile", ingest),
            ("events and their rollup, both done", both),
        ):
            rate = statistics.median(rates)
            print(f"  {label:<44} {rate:>10,.0f}  (cost {100 * (1 - rate / base):.0f}%)")
        print(f"  {'rollup alone (after the inserts)':<44} {statistics.median(rolled):>10,.0f}")
        print(
            "  (bare engine inserts of pre-built rows; what host insights cost the ingest"
            " pipeline itself: bench/ingest.py, phase (a'))"
        )
        roller.close()
        ch.close()


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
        document.host_document(ip, rows, end, 3600, 100)
        took.append(time.perf_counter() - began)
    print(f"host document ({len(rows)} attribute values): {p50(took)}")

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
    parser.add_argument("--insert-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    end = datetime(2026, 11, 30, 12, tzinfo=UTC)
    if args.insert_only:  # the child process of the insert part (chDB: one engine per process)
        insert_cost(args.hosts, args.insert_rows, end)
        return 0
    if args.insert_rows:
        child = [sys.executable, __file__, "--insert-only"]
        child += ["--hosts", str(args.hosts), "--insert-rows", str(args.insert_rows)]
        subprocess.run(child, check=True)
    data = Path(args.data_dir) / f"{args.hosts}-{args.events}-rollup"
    ch = clickhouse.connect(f"chdb://{data.resolve()}")
    migrate.migrate(ch)
    ensure_events(ch, args.hosts, args.events, end)
    query_latency(ch, args.hosts, end, args.trials)
    return 0


if __name__ == "__main__":
    sys.exit(main())
