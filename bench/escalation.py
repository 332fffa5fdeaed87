"""Escalation speed: DoC backfill scan rate, webhook deliveries/s, ingest-to-webhook latency.

    .venv/bin/python bench/escalation.py                     # 10,000,000 events
    .venv/bin/python bench/escalation.py --events 2000000    # quicker

In one run, on a fresh embedded engine migrated exactly as in production:
(a) backfill: N synthetic events over 24 h (half DNS; 0.5 % of the DNS to public resolvers from
    40 offenders) are generated in the engine; one DoC policy on a Public-DNS-style query is
    backfilled with `backfill.run_job` (the job's chunks through the one SQL path), and compared
    with the engine's plain `count()` of the same compiled filter over the same range. Prints
    events scanned/s of both and their ratio. Floor: backfill >= 1,000,000 events/s.
(b) deliveries: M pending deliveries sent as `escalation.deliver_webhook` tasks through the
    embedded Celery (memory broker, thread-pool worker in this process) to a local HTTP
    receiver; deliveries/s until all are logged `delivered`. Floor: 200/s.
(c) latency: K times, one new offender's DNS query is ingested with the real pipeline and
    dispatched exactly as ingest does; time until its webhook reaches the receiver, p50/p95.
    Floor: p95 <= 5 s.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
from celery import Celery

from services import allinone
from services.core import auth, clickhouse, migrate
from services.core.clickhouse import Client
from services.core.deps import Deps
from services.core.queue import make_celery, start_embedded_worker
from services.core.settings import Settings
from services.escalation import backfill, delivery_store, notifications, policies, store, tasks
from services.escalation.models import PolicyCreate, ThreatSpec
from services.escalation.records import Webhook
from services.ingest.dispatch import dispatch_batch
from services.ingest.networks import NetworkMap
from services.ingest.pipeline import Line, Pipeline

TENANT = "bench"
QUERY = "event_type:dns AND dns.type:query AND (dest_ip:8.8.8.8 OR dest_ip:1.1.1.1)"

GENERATE = """
    INSERT INTO events (tenant, ts, event_type, sensor, src_ip, src_port, dest_ip, dest_port,
                        proto, dns_type, dns_rrname, raw)
    SELECT {tenant:String},
           {start:DateTime64(6, 'UTC')} + toIntervalMicrosecond(intDiv(n * {span_us:UInt64},
                                                                      {total:UInt64})),
           multiIf(n % 10 < 5, 'dns', n % 10 < 7, 'flow', n % 10 < 9, 'tls', 'http'),
           'sensor-1',
           if(offending, toIPv6(concat('10.0.9.', toString(n % 40))),
              toIPv6(IPv4NumToString(toUInt32(167772160 + cityHash64(n) % 65536)))),
           toUInt16(1024 + n % 60000),
           if(offending, toIPv6(if(n % 2 = 0, '8.8.8.8', '1.1.1.1')),
              toIPv6(if(n % 10 < 5, '10.0.0.53', '93.184.216.34'))),
           if(n % 10 < 5, 53, 443),
           if(n % 10 < 5, 'UDP', 'TCP'),
           if(n % 10 < 5, 'query', ''),
           if(n % 10 < 5, concat('host', toString(n % 5000), '.example.com'), ''),
           concat('{"event_type":"', if(n % 10 < 5, 'dns', 'flow'), '","n":', toString(n), '}')
    FROM (
        SELECT number + {offset:UInt64} AS n, (n % 10 < 5 AND cityHash64(n) % 200 = 0) AS offending
        FROM numbers({rows:UInt64})
    )
"""

COUNT = "SELECT count() FROM events WHERE {scope} AND ({filter})"


def serve_receiver(port: Any, arrivals: Any) -> None:
    """The receiver process: answers 200 and reports each request's arrival time."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            arrivals.put(time.monotonic())
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port.value = server.server_address[1]
    server.serve_forever()


class Receiver:
    """A local HTTP receiver in its own process (so it does not share this process's GIL)."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._arrivals: Any = context.Queue()
        port: Any = context.Value("i", 0)
        self.process = context.Process(
            target=serve_receiver, args=(port, self._arrivals), daemon=True
        )
        self.process.start()
        while port.value == 0:
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port.value}/hook"
        self.arrivals: list[float] = []

    def count(self) -> int:
        while not self._arrivals.empty():
            self.arrivals.append(self._arrivals.get())
        return len(self.arrivals)

    def stop(self) -> None:
        self.process.terminate()


def principal(tenant: str) -> auth.Principal:
    return auth.Principal(tenant=tenant, name="bench", scope=auth.Scope.ADMIN)


def generate(ch: Client, total: int, start: datetime, span: timedelta) -> float:
    started = time.perf_counter()
    step = 1_000_000
    for offset in range(0, total, step):
        params = {
            "tenant": TENANT,
            "start": start,
            "span_us": int(span.total_seconds() * 1e6),
            "total": total,
            "offset": offset,
            "rows": min(step, total - offset),
        }
        ch.command(GENERATE, parameters=params)
    return time.perf_counter() - started


def bench_backfill(ch: Client, total: int) -> None:
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    start = end - timedelta(hours=24)
    took = generate(ch, total, start, end - start)
    print(f"generated {total:,} events in the engine in {took:.1f} s")
    body = public_dns_doc(webhooks=False)
    policy = policies.create_policy(ch, principal(TENANT), body)
    compiled = policies.compile_policy(policy)
    scope = (
        "tenant = {tenant:String} AND ts >= {start:DateTime64(6, 'UTC')}"
        " AND ts < {end:DateTime64(6, 'UTC')}"
    )
    sql = COUNT.replace("{scope}", scope).replace("{filter}", compiled.sql)
    params = {"tenant": TENANT, "start": start, "end": end, **compiled.params}
    timings = []
    matching = 0
    for _ in range(3):
        started = time.perf_counter()
        matching = int(ch.query(sql, parameters=params).result_rows[0][0])
        timings.append(time.perf_counter() - started)
    count_s = statistics.median(timings)

    job = backfill.create_job(ch, policy, start, end, False, "bench")
    started = time.perf_counter()
    done = backfill.run_job(ch, TENANT, job.id, lambda ids: None)
    backfill_s = time.perf_counter() - started
    assert done is not None and done.status == "done", done
    declared = int(
        ch.query(
            "SELECT count() FROM declarations WHERE tenant = {t:String}", parameters={"t": TENANT}
        ).result_rows[0][0]
    )
    incidents = int(
        ch.query(
            "SELECT count() FROM incidents FINAL WHERE tenant = {t:String}",
            parameters={"t": TENANT},
        ).result_rows[0][0]
    )
    count_rate = total / count_s
    backfill_rate = job.events_total / backfill_s
    print(
        f"plain count() of the filter: {matching:,} of {total:,} in {count_s * 1000:.0f} ms "
        f"= {count_rate:,.0f} events/s"
    )
    print(
        f"backfill ({job.chunks_total} chunks): {declared:,} declarations, {incidents} incidents "
        f"in {backfill_s:.2f} s = {backfill_rate:,.0f} events/s scanned "
        f"(ratio to count() {backfill_rate / count_rate:.2f}; floor 1,000,000/s)"
    )
    assert declared == matching, (declared, matching)


def embedded_worker(deps: Deps, concurrency: int) -> None:
    allinone.bind_tasks(deps)  # as the server does: host rollups share the worker
    start_embedded_worker(deps.celery, concurrency=concurrency)


def new_webhook(ch: Client, tenant: str, url: str) -> Webhook:
    now = datetime.now(UTC)
    hook = Webhook(tenant, uuid.uuid4(), "bench", url, "secret", "", "generic", True, now, now)
    store.insert_webhook(ch, hook)
    return hook


def bench_deliveries(deps: Deps, receiver: Receiver, count: int) -> None:
    ch = deps.ch
    hook = new_webhook(ch, TENANT, receiver.url)
    sample = {"event": "incident.new", "tenant": TENANT, "incident": {"id": "x"}}
    items = [
        notifications.new_delivery(TENANT, hook, uuid.uuid4(), "incident.new", sample, 0)
        for _ in range(count)
    ]
    delivery_store.insert_deliveries(ch, items)
    before = receiver.count()
    started = time.perf_counter()
    for item in items:
        deps.celery.send_task(
            tasks.DELIVER_WEBHOOK, kwargs={"delivery_id": str(item.id), "tenant": TENANT}
        )
    while receiver.count() - before < count:
        time.sleep(0.01)
    ids = [i.id for i in items]
    while True:
        found = delivery_store.deliveries_by_id(ch, TENANT, ids)
        if sum(1 for d in found.values() if d.status == "delivered") == count:
            break
        time.sleep(0.1)
    took = time.perf_counter() - started
    print(f"deliveries: {count} in {took:.2f} s = {count / took:,.0f}/s (floor 200/s)")


def dns_line(src: str, at: datetime) -> bytes:
    return orjson.dumps(
        {
            "timestamp": at.strftime("%Y-%m-%dT%H:%M:%S.%f+0000"),
            "event_type": "dns",
            "src_ip": src,
            "src_port": 53000,
            "dest_ip": "8.8.8.8",
            "dest_port": 53,
            "proto": "UDP",
            "dns": {"type": "query", "id": 1, "rrname": "latency.example.com", "rrtype": "A"},
        }
    )


def public_dns_doc(webhooks: bool | list[uuid.UUID]) -> PolicyCreate:
    """The Declaration of Compromise both benches use: Public DNS queries, per source IP."""
    return PolicyCreate(
        action="declare",
        query=QUERY,
        type="doc",
        threat=ThreatSpec(name="Public DNS"),
        offender_key="src_ip",
        webhooks=webhooks,
    )


def bench_latency(deps: Deps, receiver: Receiver, trials: int) -> None:
    tenant = "latency"
    hook = new_webhook(deps.ch, tenant, receiver.url)
    body = public_dns_doc(webhooks=[hook.id])
    policies.create_policy(deps.ch, principal(tenant), body)
    pipeline = Pipeline(deps.ch, tenant, "bench", NetworkMap.default())
    latencies = []
    for trial in range(trials):
        before = receiver.count()
        started = time.monotonic()
        line = dns_line(f"10.77.{trial // 250}.{trial % 250 + 1}", datetime.now(UTC))
        result = pipeline.ingest([Line(line, trial, 1)])
        dispatch_batch(deps.ch, deps.celery, tenant, "bench", result)
        while receiver.count() == before:
            time.sleep(0.002)
        latencies.append(receiver.arrivals[before] - started)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(
        f"ingest -> webhook latency over {trials} new incidents: p50 {p50 * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms (floor p95 <= 5000 ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="events to backfill over")
    parser.add_argument("--deliveries", type=int, default=1000, help="webhook deliveries")
    parser.add_argument("--trials", type=int, default=20, help="latency trials")
    parser.add_argument("--concurrency", type=int, default=16, help="embedded worker threads")
    parser.add_argument("--data-dir", type=Path, help="engine data directory (default: temp)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(
        prefix="sightline-bench-", ignore_cleanup_errors=True
    ) as scratch:
        data_dir = args.data_dir or Path(scratch) / "data"
        settings = Settings(
            data_dir=data_dir, webhook_allowed_networks="127.0.0.0/8", default_tenant=TENANT
        )
        ch = clickhouse.connect(settings.clickhouse_dsn())
        migrate.migrate(ch)
        celery: Celery = make_celery(settings)
        deps = Deps(ch=ch, settings=settings, celery=celery)
        if args.events:
            bench_backfill(ch, args.events)
        receiver = Receiver()
        embedded_worker(deps, args.concurrency)
        time.sleep(1.0)  # let the worker connect to the in-process broker
        if args.deliveries:
            bench_deliveries(deps, receiver, args.deliveries)
        if args.trials:
            bench_latency(deps, receiver, args.trials)
        receiver.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
