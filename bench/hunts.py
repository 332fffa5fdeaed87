"""Hunt speed: the Public DNS hunt through the REST API vs the same SQL written by hand.

    .venv/bin/python bench/hunts.py                        # 10,000,000 demo events (cached)
    .venv/bin/python bench/hunts.py --events 1000000       # quicker
    .venv/bin/python bench/hunts.py --events 1000000 --copies 10  # 1M generated, stored 10x
    .venv/bin/python bench/hunts.py --data-dir /tmp/hunts  # where the engine data is kept

The data directory is reused between runs when it already holds the same generated data
(`bench.json` marker): the demo organization's events (services/demo), its named networks and
tenant lists, and the shipped reference lists. Then, on the same engine in the same run:
(a) API — `GET /api/v1/filter-sets/catalog:policy-public-dns/run` (count, 1 h timeline, top-10
    `hostname_info.domain`) through the hunts app in-process over ASGI (auth, catalog,
    filter compiler, list matching, suppression check, JSON);
(b) SQL — the equivalent query written by hand (one scan with grouping sets, as the API's
    run does; the timeline's sum is the count).
Prints p50 / p95 of both and the API/SQL ratio. Floors: API p50 <= 300 ms, ratio <= 1.5.

`--copies N` stores the generated events N times (engine-side INSERT SELECT with new ids),
to reach a large table when generating through the ingest pipeline would take too long.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from services.core import auth, clickhouse, lists, migrate
from services.core.clickhouse import Client
from services.core.deps import Deps
from services.core.queue import make_celery
from services.core.settings import Settings
from services.demo.generator import generate
from services.demo.organization import AD_DOMAIN, Organization
from services.hunts.app import create_app
from services.hunts.shipped_lists import install_shipped
from services.ingest import networks
from services.ingest.pipeline import Line, Pipeline

TENANT = "bench"
END = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
HOURS = 24.0
BATCH = 50_000

# The same result written by hand, as one scan: hourly buckets and top-10 domains.
HAND_SQL = """
    SELECT toStartOfInterval(ts, INTERVAL 1 HOUR) AS bucket, hostname_info_domain AS domain,
           count() AS hits
    FROM events
    WHERE tenant = {tenant:String}
      AND ts >= {start:DateTime64(6, 'UTC')} AND ts <= {end:DateTime64(6, 'UTC')}
      AND event_type = 'dns' AND dns_type = 'query'
      AND dest_ip IN (SELECT ip_first FROM list_items
                      WHERE tenant = '' AND list = 'public_resolvers')
      AND dest_ip NOT IN (SELECT ip_first FROM list_items
                          WHERE tenant = {tenant:String} AND list = 'approved_resolvers')
    GROUP BY GROUPING SETS ((bucket), (domain))
    ORDER BY hits DESC
    LIMIT 25 BY isNull(bucket), isNull(domain)
    SETTINGS group_by_use_nulls = 1
"""


def prepare(ch: Client, data_dir: Path, events: int, hosts: int) -> None:
    marker = data_dir / "bench.json"
    wanted = {"events": events, "hosts": hosts, "end": END.isoformat(), "hours": HOURS}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        print(f"reusing {data_dir} ({events:,} events)")
        return
    for table in migrate.data_tables(ch):
        ch.command(f"TRUNCATE TABLE {table}")  # names come from system.tables
    install_shipped(ch)
    org = Organization.build(hosts=hosts, seed=7)
    named = [
        networks.Network(n["name"], tuple(n["cidrs"]), n["department"], n["home"])
        for n in org.named_networks()
    ]
    networks.save(ch, TENANT, named)
    lists.put_list(ch, TENANT, "approved_resolvers", org.approved_resolvers())
    lists.put_list(ch, TENANT, "internal_suffixes", ["." + AD_DOMAIN])
    pipeline = Pipeline(ch, TENANT, "bench", networks.NetworkMap(named))
    started = time.perf_counter()
    batch: list[Line] = []
    stored = 0
    for index, raw in enumerate(generate(org, hours=HOURS, events=events, end=END, seed=7)):
        batch.append(Line(raw, index, index + 1))
        if len(batch) == BATCH:
            stored += pipeline.ingest(batch).accepted
            batch.clear()
            if stored % 1_000_000 < BATCH:
                print(f"  {stored:,} events ({time.perf_counter() - started:.0f} s)", flush=True)
    stored += pipeline.ingest(batch).accepted
    ch.command("OPTIMIZE TABLE events FINAL")
    print(f"generated and ingested {stored:,} events in {time.perf_counter() - started:.0f} s")
    marker.write_text(json.dumps(wanted))
    (data_dir / "copies.json").unlink(missing_ok=True)


EVENT_COLUMNS = """
    SELECT name FROM system.columns
    WHERE database = currentDatabase() AND table = 'events' AND default_kind != 'ALIAS'
    ORDER BY position
"""


def replicate(ch: Client, data_dir: Path, copies: int) -> None:
    marker = data_dir / "copies.json"
    if marker.exists() and json.loads(marker.read_text()) == {"copies": copies}:
        return
    ch.command("ALTER TABLE events DELETE WHERE source = 'bench-copy' SETTINGS mutations_sync = 2")
    columns = [str(r[0]) for r in ch.query(EVENT_COLUMNS).result_rows]  # names from the engine
    values = [
        {"id": "generateUUIDv7()", "source": "'bench-copy'"}.get(name, name) for name in columns
    ]
    copy = (
        f"INSERT INTO events ({', '.join(columns)}) SELECT {', '.join(values)}"  # noqa: S608
        " FROM events WHERE tenant = {tenant:String} AND source = 'bench'"
    )
    started = time.perf_counter()
    for _ in range(copies - 1):
        ch.command(copy, parameters={"tenant": TENANT})
    ch.command("OPTIMIZE TABLE events FINAL")
    print(f"stored {copies - 1} more copies in {time.perf_counter() - started:.0f} s")
    marker.write_text(json.dumps({"copies": copies}))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def time_both(deps: Deps, key: str, runs: int) -> tuple[list[float], list[float], int]:
    """Alternate API and hand-SQL runs, so both see the same machine load."""
    app = create_app(deps)
    params = {
        "from": (END - timedelta(hours=HOURS)).isoformat(),
        "to": END.isoformat(),
        "interval": "1h",
        "field": "hostname_info.domain",
        "size": "10",
    }
    sql_params = {"tenant": TENANT, "start": END - timedelta(hours=HOURS), "end": END}
    api_times: list[float] = []
    sql_times: list[float] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for index in range(runs + 2):
            started = time.perf_counter()
            response = await client.get(
                "/api/v1/filter-sets/catalog:policy-public-dns/run",
                params=params,
                headers={"Authorization": f"Token {key}"},
            )
            api_elapsed = time.perf_counter() - started
            response.raise_for_status()
            api_count = response.json()["count"]
            started = time.perf_counter()
            rows = deps.ch.query(HAND_SQL, parameters=sql_params).result_rows
            sql_elapsed = time.perf_counter() - started
            sql_count = sum(int(hits) for bucket, _, hits in rows if bucket is not None)
            if api_count != sql_count:
                raise SystemExit(f"MISMATCH: API counted {api_count:,}, SQL {sql_count:,}")
            if index >= 2:  # the first runs warm caches (catalog, token, table checks)
                api_times.append(api_elapsed)
                sql_times.append(sql_elapsed)
    return api_times, sql_times, api_count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--hosts", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--copies", type=int, default=1, help="store the events this many times")
    parser.add_argument("--data-dir", type=Path, default=Path(".sightline/bench-hunts"))
    args = parser.parse_args()

    args.data_dir.mkdir(parents=True, exist_ok=True)
    ch = clickhouse.connect(f"chdb://{(args.data_dir / 'chdb').resolve()}")
    migrate.migrate(ch)
    install_shipped(ch)
    prepare(ch, args.data_dir, args.events, args.hosts)
    replicate(ch, args.data_dir, args.copies)
    total = ch.query(
        "SELECT count() FROM events WHERE tenant = {tenant:String}", parameters={"tenant": TENANT}
    ).result_rows[0][0]
    settings = Settings(data_dir=args.data_dir, default_tenant=TENANT)
    deps = Deps(ch=ch, settings=settings, celery=make_celery(settings))
    key = auth.create_token(ch, TENANT, "bench", auth.Scope.READ)

    api_times, sql_times, api_count = asyncio.run(time_both(deps, key, args.runs))
    api_p50, sql_p50 = statistics.median(api_times), statistics.median(sql_times)
    ratio = api_p50 / sql_p50
    print(f"events stored: {total:,}; public DNS hunt matches {api_count:,}")
    print(f"API  p50 {api_p50 * 1000:7.1f} ms   p95 {percentile(api_times, 0.95) * 1000:7.1f} ms")
    print(f"SQL  p50 {sql_p50 * 1000:7.1f} ms   p95 {percentile(sql_times, 0.95) * 1000:7.1f} ms")
    print(f"API/SQL ratio (p50): {ratio:.2f}")
    ok = api_p50 <= 0.300 and ratio <= 1.5
    print("floors (API p50 <= 300 ms, ratio <= 1.5):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
