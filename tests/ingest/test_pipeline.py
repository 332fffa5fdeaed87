"""Pipeline.ingest on the real engine: what each table holds after one batch."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import orjson

from services.core.clickhouse import Client
from services.ingest.networks import Network, NetworkMap
from services.ingest.pipeline import Line, Pipeline
from tests.conftest import CORPUS

TENANT = "acme"


def lines_of(*raws: bytes) -> list[Line]:
    result = []
    offset = 0
    for number, raw in enumerate(raws, start=1):
        result.append(Line(raw, offset, number))
        offset += len(raw) + 1
    return result


def event(**fields: object) -> bytes:
    base: dict[str, object] = {
        "timestamp": "2026-11-30T10:00:00.000001+0100",
        "event_type": "dns",
        "host": "sensor-a",
        "src_ip": "10.0.0.5",
        "src_port": 53001,
        "dest_ip": "8.8.8.8",
        "dest_port": 53,
        "proto": "017",
        "dns": {"type": "query", "id": 1, "rrname": "WWW.Example.CO.UK.", "rrtype": "A"},
    }
    return orjson.dumps(base | fields)


def test_batch_stores_events_rejects_stats_and_batch_rows(ch: Client) -> None:
    stats = (
        b'{"timestamp":"2026-11-30T09:00:00.000000+0000","event_type":"stats","host":"sensor-a",'
        b'"stats":{"uptime":10,"capture":{"kernel_packets":100,"kernel_drops":-2},'
        b'"decoder":{"pkts":90,"bytes":9000},"flow":{"tcp":3,"udp":4}}}'
    )
    batch = lines_of(
        event(),
        b'{"event_type":"dns"}',
        b"not json",
        stats,
        event(
            event_type="tls", dns=None, tls={"sni": "prottahobarta.com", "ja4": {"hash": "t13d"}}
        ),
    )
    pipeline = Pipeline(ch, TENANT, "file:/var/log/eve.json", NetworkMap.default())
    result = pipeline.ingest(batch)

    assert (result.accepted, result.rejected, result.stats) == (3, 2, 1)
    assert result.by_type == {"dns": 1, "tls": 1, "stats": 1}
    assert result.errors == [
        (2, 'missing required field "timestamp"'),
        (3, "invalid JSON at column 1: Expecting value"),
    ]
    assert result.first_ts == datetime(2026, 11, 30, 9, 0, 0, tzinfo=UTC)
    assert result.last_ts == datetime(2026, 11, 30, 9, 0, 0, 1, tzinfo=UTC)

    rows = ch.query(
        """
        SELECT event_type, ts, proto, dns_rrname, dns_type, hostname_info_domain,
               hostname_info_tld, src_ip, src_net, src_internal, dest_net, dest_internal,
               source, source_offset, toString(ingest_batch), tls_ja4, sensor, hex(raw)
        FROM events WHERE tenant = {tenant:String} ORDER BY source_offset LIMIT 10
        """,
        parameters={"tenant": TENANT},
    ).result_rows
    dns, tls = rows
    assert dns[:7] == (
        "dns",
        datetime(2026, 11, 30, 9, 0, 0, 1),
        "UDP",
        "www.example.co.uk",
        "query",
        "example.co.uk",
        "co.uk",
    )
    assert str(dns[7]) == "::ffff:a00:5"
    assert dns[8:12] == ("rfc1918-10", True, "internet", False)
    assert dns[12:15] == ("file:/var/log/eve.json", 0, str(result.batch_id))
    assert dns[16] == "sensor-a"
    assert dns[17] == batch[0].raw.hex().upper()
    assert (tls[0], tls[5], tls[15]) == ("tls", "prottahobarta.com", "t13d")
    assert tls[13] == batch[4].offset

    rejects = ch.query(
        "SELECT line_no, source_offset, reason, hex(raw) FROM ingest_rejects "
        "WHERE tenant = {tenant:String} ORDER BY line_no LIMIT 10",
        parameters={"tenant": TENANT},
    ).result_rows
    assert [(r[0], r[1], r[3]) for r in rejects] == [
        (2, batch[1].offset, batch[1].raw.hex().upper()),
        (3, batch[2].offset, batch[2].raw.hex().upper()),
    ]
    assert rejects[0][2] == 'missing required field "timestamp"'

    sensor = ch.query(
        "SELECT sensor, uptime, kernel_packets, kernel_drops, decoder_packets, decoder_bytes, "
        "flows, source_offset, toString(ingest_batch) FROM sensor_stats "
        "WHERE tenant = {tenant:String} LIMIT 10",
        parameters={"tenant": TENANT},
    ).result_rows
    assert sensor == [("sensor-a", 10, 100, -2, 90, 9000, 7, batch[3].offset, str(result.batch_id))]

    groups = ch.query(
        "SELECT sensor, event_type, accepted, rejected FROM ingest_batches "
        "WHERE tenant = {tenant:String} ORDER BY event_type LIMIT 10",
        parameters={"tenant": TENANT},
    ).result_rows
    assert groups == [
        ("", "", 0, 2),
        ("sensor-a", "dns", 1, 0),
        ("sensor-a", "stats", 1, 0),
        ("sensor-a", "tls", 1, 0),
    ]


def test_uncompressed_ipv6_and_invalid_ip_are_stored_canonically(ch: Client) -> None:
    batch = lines_of(
        event(src_ip="2a03:b0c0:0002:00d0:0000:0000:0bd3:4001", dest_ip="bogus"),
        event(src_ip="2a03:b0c0:2:d0::bd3:4001", dest_ip="::ffff:8.8.8.8"),
    )
    result = Pipeline(ch, TENANT, "http", NetworkMap.default()).ingest(batch)
    assert result.accepted == 2
    rows = ch.query(
        "SELECT toString(src_ip), toString(dest_ip), dest_net FROM events "
        "WHERE tenant = {tenant:String} ORDER BY source_offset LIMIT 10",
        parameters={"tenant": TENANT},
    ).result_rows
    assert rows == [
        ("2a03:b0c0:2:d0::bd3:4001", "::", ""),
        ("2a03:b0c0:2:d0::bd3:4001", "::ffff:8.8.8.8", "internet"),
    ]


def test_custom_networks_give_departments(ch: Client) -> None:
    networks = NetworkMap([Network("finance", ("10.0.0.0/24",), "Finance", True)])
    Pipeline(ch, TENANT, "http", networks).ingest(lines_of(event()))
    rows = ch.query(
        "SELECT src_net, src_dept, src_internal, dest_net FROM events "
        "WHERE tenant = {tenant:String} LIMIT 10",
        parameters={"tenant": TENANT},
    ).result_rows
    assert rows == [("finance", "Finance", True, "internet")]


def test_http_referer_breakdown_and_name_precedence(ch: Client) -> None:
    http = event(
        event_type="http",
        dns=None,
        http={
            "hostname": "Cdn.Example.org:8080",
            "url": "/a",
            "http_refer": "https://news.bbc.co.uk/page?x=1",
            "status": "200",
        },
    )
    Pipeline(ch, TENANT, "http", NetworkMap.default()).ingest(lines_of(http))
    rows = ch.query(
        "SELECT hostname_info_host, hostname_info_domain, http_refer_info_domain, "
        "http_refer_info_subdomain, http_refer_info_tld, http_status FROM events "
        "WHERE tenant = {tenant:String} LIMIT 10",
        parameters={"tenant": TENANT},
    ).result_rows
    assert rows == [("cdn.example.org", "example.org", "bbc.co.uk", "news", "co.uk", 200)]


def test_empty_batch_stores_nothing(ch: Client) -> None:
    result = Pipeline(ch, TENANT, "http", NetworkMap.default()).ingest([])
    assert (result.accepted, result.rejected, result.first_ts) == (0, 0, None)
    count = ch.query(
        "SELECT count() FROM ingest_batches WHERE tenant = {t:String}", parameters={"t": TENANT}
    )
    assert count.result_rows == [(0,)]


def test_concurrent_batches_are_staged_apart_and_leave_nothing_behind(ch: Client) -> None:
    corpus = [
        line for path in sorted(CORPUS.glob("*.jsonl")) for line in path.read_bytes().splitlines()
    ]
    batch = lines_of(*corpus)
    alone = Pipeline(ch, "alone", "s", NetworkMap.default()).ingest(batch)
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = list(
            pool.map(
                lambda tenant: Pipeline(ch, tenant, "s", NetworkMap.default()).ingest(batch),
                ("left", "right"),
            )
        )
    for result in together:
        assert (result.accepted, result.rejected, result.stats) == (
            alone.accepted,
            alone.rejected,
            alone.stats,
        )
        assert result.errors == alone.errors
        assert result.by_type == alone.by_type
    query = """
        SELECT * EXCEPT (tenant, id, ingest_batch, ingested_at)
        FROM events WHERE tenant = {tenant:String} ORDER BY source_offset LIMIT 20000
    """
    stored = {
        tenant: ch.query(query, parameters={"tenant": tenant}).result_rows
        for tenant in ("alone", "left", "right")
    }
    assert len(stored["alone"]) == alone.accepted - alone.stats
    assert stored["left"] == stored["right"] == stored["alone"]
    staged = ch.query(
        "SELECT name FROM system.tables WHERE database = currentDatabase()"
        " AND match(name, '^ingest_(lines|parsed|names|ips)_')"
    ).result_rows
    assert staged == []
