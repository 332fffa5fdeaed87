"""The DNS layouts (v1, v2, v3, alert blocks) give the same canonical columns, as the engine
stores them."""

from __future__ import annotations

from typing import Any

import orjson

from services.core.clickhouse import Client
from tests.conftest import CORPUS
from tests.ingest.test_normalize import rows_of

UPGRADE_DOC = "OISF__suricata__doc__userguide__upgrade__8.0-dns-logging-changes.rst"


def corpus_events(name: str) -> list[dict[str, Any]]:
    """The events of a corpus file; the documentation's fragments, which carry no timestamp,
    get one so that they can be stored."""
    lines = (CORPUS / name).read_bytes().splitlines()
    events = [orjson.loads(line) for line in lines if line.strip()]
    return [{"timestamp": "2024-01-01T00:00:00Z"} | event for event in events]


DNS_COLUMNS = (
    "dns_type",
    "dns_id",
    "dns_rrname",
    "dns_rrtype",
    "dns_rcode",
    "dns_answers",
    "dns_answer_types",
)


def dns_rows(ch: Client, *events: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-empty canonical DNS columns stored for each event (`dns_id` always)."""
    return [
        {c: row[c] for c in DNS_COLUMNS if row[c] not in ("", [], None) or c == "dns_id"}
        for row in rows_of(ch, *events)
    ]


def dns_of(ch: Client, event: dict[str, Any]) -> dict[str, Any]:
    (row,) = dns_rows(ch, event)
    return row


def with_dns(dns: dict[str, Any]) -> dict[str, Any]:
    return {"timestamp": "2024-01-01T00:00:00Z", "event_type": "dns", "dns": dns}


def test_upgrade_doc_v2_and_v3_answers_give_the_same_columns(ch: Client) -> None:
    v3_dns, _, v3_alert_response = corpus_events(f"{UPGRADE_DOC}.REPAIRED.jsonl")
    _, _, v2_answer, *_ = corpus_events(f"{UPGRADE_DOC}.jsonl")
    expected = {
        "dns_type": "answer",
        "dns_id": 0,
        "dns_rcode": "NOERROR",
        "dns_rrname": "www.suricata.io",
        "dns_rrtype": "A",
        "dns_answers": ["suricata.io", "35.212.0.44"],
        "dns_answer_types": ["CNAME", "A"],
    }
    assert dns_of(ch, v2_answer) == expected
    assert dns_of(ch, v3_dns) == expected
    assert dns_of(ch, v3_alert_response) == expected


def test_upgrade_doc_v1_query_and_v3_request_give_the_same_columns(ch: Client) -> None:
    _, v3_alert_request, _ = corpus_events(f"{UPGRADE_DOC}.REPAIRED.jsonl")
    v1_query, v3_request, *_ = corpus_events(f"{UPGRADE_DOC}.jsonl")
    query = {"dns_type": "query", "dns_id": 0, "dns_rrname": "www.suricata.io", "dns_rrtype": "A"}
    assert dns_of(ch, v1_query) == query
    assert dns_of(ch, v3_request) == query | {"dns_rcode": "NOERROR"}
    assert dns_of(ch, v3_alert_request) == query | {"dns_rcode": "NOERROR"}


def test_alert_dns_query_and_answer_sub_objects(ch: Client) -> None:
    *_, alert_query, alert_answer = corpus_events(f"{UPGRADE_DOC}.jsonl")
    assert dns_of(ch, alert_query) == {
        "dns_type": "query",
        "dns_id": 0,
        "dns_rrname": "www.suricata.io",
        "dns_rrtype": "A",
    }
    answer = dns_of(ch, alert_answer)
    assert answer["dns_type"] == "answer"
    assert answer["dns_rrname"] == "www.suricata.io"
    assert answer["dns_rcode"] == "NOERROR"


def test_v1_answer_record_keeps_its_rdata(ch: Client) -> None:
    events = corpus_events(
        "elastic__integrations__packages__suricata__data_stream__eve___dev__test__pipeline__"
        "test-eve-dns-4-1-4.log.jsonl"
    )
    answers = dns_rows(
        ch, *[e for e in events if e["dns"].get("type") == "answer" and "rdata" in e["dns"]]
    )
    assert answers, "the 4.1.4 file holds v1 answer events"
    for row in answers:
        assert row["dns_type"] == "answer"
        assert len(row["dns_answers"]) == 1
        assert row["dns_answers"][0]
        assert row["dns_rrname"] == row["dns_rrname"].lower()


def test_v2_grouped_answers_without_detailed_records(ch: Client) -> None:
    dns = {
        "version": 2,
        "type": "answer",
        "id": 7,
        "rrname": "WWW.Example.COM.",
        "rrtype": "A",
        "rcode": "NOERROR",
        "grouped": {"CNAME": ["example.com"], "A": ["93.184.216.34", "93.184.216.35"]},
    }
    row = dns_of(ch, with_dns(dns))
    assert row["dns_rrname"] == "www.example.com"
    assert row["dns_answers"] == ["example.com", "93.184.216.34", "93.184.216.35"]
    assert row["dns_answer_types"] == ["CNAME", "A", "A"]


def test_v2_answer_from_the_stamus_corpus_reads_detailed_answers(ch: Client) -> None:
    name = (
        "StamusNetworks__suricata-analytics__jupyter__Notebooks__training__data__02__eve.json.jsonl"
    )
    events = [e for e in corpus_events(name) if e["event_type"] == "dns"]
    answer = next(
        e for e in events if e["dns"].get("rrname") == "api.ipify.org" and "answers" in e["dns"]
    )
    row = dns_of(ch, answer)
    assert row["dns_type"] == "answer"
    assert sorted(row["dns_answers"]) == ["104.26.12.205", "104.26.13.205", "172.67.74.152"]
    assert set(row["dns_answer_types"]) == {"A"}


def test_records_without_textual_rdata_are_left_out(ch: Client) -> None:
    dns = {
        "version": 3,
        "type": "response",
        "queries": [{"rrname": "example.org", "rrtype": "SOA"}],
        "answers": [{"rrname": "example.org", "rrtype": "SOA", "soa": {"mname": "ns.example.org"}}],
    }
    row = dns_of(ch, with_dns(dns))
    assert row["dns_type"] == "answer"
    assert row["dns_rrtype"] == "SOA"
    assert "dns_answers" not in row


def test_names_are_lowercased_and_stripped_of_the_root_dot(ch: Client) -> None:
    names = ["WWW.Suricata.IO.", ".", "", " Mixed.Case.Example "]
    rows = dns_rows(ch, *[with_dns({"type": "query", "rrname": name}) for name in names])
    assert [row.get("dns_rrname", "") for row in rows] == [
        "www.suricata.io",
        ".",
        "",
        "mixed.case.example",
    ]


def test_alert_dns_and_non_dns_events_keep_dns_columns_apart(ch: Client) -> None:
    flow = {"timestamp": "2024-01-01T00:00:00Z", "event_type": "flow", "flow": {"age": 1}}
    (row,) = dns_rows(ch, flow)
    assert row == {"dns_id": 0}
