"""Every line of the public EVE corpus through `Pipeline.ingest`: nothing lost, bytes intact."""

from __future__ import annotations

import re
from collections import Counter

import orjson

from services.core.clickhouse import Client
from services.ingest.networks import NetworkMap
from services.ingest.pipeline import BatchResult, Line, Pipeline
from tests.conftest import CORPUS

TENANT = "acme"
README = CORPUS.parent / "README.md"
TIMESTAMP_LESS = 8  # doc fragments of the Suricata 8.0 DNS upgrade notes


def corpus_stream() -> tuple[list[Line], dict[int, str]]:
    """All corpus files as one stream (as `cat eve/*.jsonl | sightline ingest -` reads them):
    the lines, and the file each line offset comes from."""
    lines: list[Line] = []
    origin: dict[int, str] = {}
    offset = 0
    number = 0
    for path in sorted(CORPUS.glob("*.jsonl")):
        for text in path.read_bytes().splitlines():
            number += 1
            lines.append(Line(text, offset, number))
            origin[offset] = path.name
            offset += len(text) + 1
    assert lines, f"no corpus files in {CORPUS}"
    return lines, origin


def ingest_corpus(ch: Client) -> tuple[BatchResult, list[Line], dict[int, str]]:
    lines, origin = corpus_stream()
    result = Pipeline(ch, TENANT, "corpus", NetworkMap.default()).ingest(lines)
    return result, lines, origin


def readme_counts() -> Counter[str]:
    totals = re.search(r"Per event type: (.+)\.", README.read_text())
    assert totals is not None, "the corpus README lists counts per event type"
    pairs = (item.rsplit(" ", 1) for item in totals.group(1).split(", "))
    return Counter({name: int(count) for name, count in pairs})


def test_every_corpus_line_is_stored_or_rejected_with_its_bytes(ch: Client) -> None:
    result, lines, origin = ingest_corpus(ch)
    assert result.accepted + result.rejected == len(lines) == 2583
    by_number = {line.line_no: line for line in lines}
    rejected = [
        (origin[by_number[line_no].offset], line_no, reason) for line_no, reason in result.errors
    ]
    rejected_types = Counter(
        orjson.loads(by_number[line_no].raw)["event_type"] for line_no, _ in result.errors
    )
    accepted = Counter(result.by_type)
    sent = {line.offset: line.raw for line in lines}

    assert len(rejected) == TIMESTAMP_LESS
    assert {reason for _, _, reason in rejected} == {'missing required field "timestamp"'}
    assert {name for name, _, _ in rejected} == {
        "OISF__suricata__doc__userguide__upgrade__8.0-dns-logging-changes.rst.jsonl",
        "OISF__suricata__doc__userguide__upgrade__8.0-dns-logging-changes.rst.REPAIRED.jsonl",
    }
    assert accepted + rejected_types == readme_counts()

    type_rows = ch.query(
        "SELECT event_type, count() FROM events WHERE tenant = {tenant:String} "
        "GROUP BY event_type LIMIT 1000",
        parameters={"tenant": TENANT},
    ).result_rows
    stored_types: Counter[str] = Counter({str(name): int(count) for name, count in type_rows})
    stats = ch.query(
        "SELECT count() FROM sensor_stats WHERE tenant = {tenant:String}",
        parameters={"tenant": TENANT},
    ).result_rows[0][0]
    assert stored_types + Counter({"stats": stats}) == accepted

    stored = ch.query(
        "SELECT source_offset, hex(raw) FROM events WHERE tenant = {tenant:String} "
        "UNION ALL SELECT source_offset, hex(raw) FROM sensor_stats "
        "WHERE tenant = {tenant:String} "
        "UNION ALL SELECT source_offset, hex(raw) FROM ingest_rejects "
        "WHERE tenant = {tenant:String} LIMIT 10000",
        parameters={"tenant": TENANT},
    ).result_rows
    assert len(stored) == len(sent)
    for offset, raw_hex in stored:
        assert bytes.fromhex(raw_hex) == sent[offset], (origin[offset], offset)


def test_corpus_enrichment_spot_checks(ch: Client) -> None:
    ingest_corpus(ch)
    rows = ch.query(
        "SELECT event_type, dns_type, count() FROM events WHERE tenant = {tenant:String} "
        "AND event_type = 'dns' GROUP BY event_type, dns_type LIMIT 10",
        parameters={"tenant": TENANT},
    ).result_rows
    assert {dns_type for _, dns_type, _ in rows} == {"query", "answer"}
    protos = ch.query(
        "SELECT DISTINCT proto FROM events WHERE tenant = {tenant:String} LIMIT 100",
        parameters={"tenant": TENANT},
    ).result_rows
    assert {p for (p,) in protos} <= {"", "TCP", "UDP", "ICMP", "IPv6-ICMP"}
    tls = ch.query(
        "SELECT hostname_info_domain, hostname_info_tld FROM events "
        "WHERE tenant = {tenant:String} AND tls_sni = 'www.gstatic.com' LIMIT 1",
        parameters={"tenant": TENANT},
    ).result_rows
    assert tls == [("gstatic.com", "com")]
    ipv6 = ch.query(
        "SELECT src_net, src_internal FROM events WHERE tenant = {tenant:String} "
        "AND src_ip = toIPv6('fc0c::94') LIMIT 1",
        parameters={"tenant": TENANT},
    ).result_rows
    assert ipv6 == [("ula", True)]
    epoch = ch.query(
        "SELECT count() FROM events WHERE tenant = {tenant:String} "
        "AND (ts = toDateTime64(0, 6, 'UTC') OR event_type = '')",
        parameters={"tenant": TENANT},
    ).result_rows
    assert epoch == [(0,)]
