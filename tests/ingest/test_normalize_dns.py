"""The DNS layouts (v1, v2, v3, alert blocks) give the same canonical columns."""

from __future__ import annotations

from typing import Any

import orjson

from services.ingest.dns_layouts import canonical_name, dns_columns
from tests.conftest import CORPUS

UPGRADE_DOC = "OISF__suricata__doc__userguide__upgrade__8.0-dns-logging-changes.rst"


def corpus_events(name: str) -> list[dict[str, Any]]:
    lines = (CORPUS / name).read_bytes().splitlines()
    return [orjson.loads(line) for line in lines if line.strip()]


def dns_of(event: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    dns_columns(event["dns"], row)
    return row


def test_upgrade_doc_v2_and_v3_answers_give_the_same_columns() -> None:
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
    assert dns_of(v2_answer) == expected
    assert dns_of(v3_dns) == expected
    assert dns_of(v3_alert_response) == expected


def test_upgrade_doc_v1_query_and_v3_request_give_the_same_columns() -> None:
    _, v3_alert_request, _ = corpus_events(f"{UPGRADE_DOC}.REPAIRED.jsonl")
    v1_query, v3_request, *_ = corpus_events(f"{UPGRADE_DOC}.jsonl")
    query = {"dns_type": "query", "dns_id": 0, "dns_rrname": "www.suricata.io", "dns_rrtype": "A"}
    assert dns_of(v1_query) == query
    assert dns_of(v3_request) == query | {"dns_rcode": "NOERROR"}
    assert dns_of(v3_alert_request) == query | {"dns_rcode": "NOERROR"}


def test_alert_dns_query_and_answer_sub_objects() -> None:
    *_, alert_query, alert_answer = corpus_events(f"{UPGRADE_DOC}.jsonl")
    assert dns_of(alert_query) == {
        "dns_type": "query",
        "dns_id": 0,
        "dns_rrname": "www.suricata.io",
        "dns_rrtype": "A",
    }
    answer = dns_of(alert_answer)
    assert answer["dns_type"] == "answer"
    assert answer["dns_rrname"] == "www.suricata.io"
    assert answer["dns_rcode"] == "NOERROR"


def test_v1_answer_record_keeps_its_rdata() -> None:
    events = corpus_events(
        "elastic__integrations__packages__suricata__data_stream__eve___dev__test__pipeline__"
        "test-eve-dns-4-1-4.log.jsonl"
    )
    answers = [
        dns_of(e) for e in events if e["dns"].get("type") == "answer" and "rdata" in e["dns"]
    ]
    assert answers, "the 4.1.4 file holds v1 answer events"
    for row in answers:
        assert row["dns_type"] == "answer"
        assert len(row["dns_answers"]) == 1
        assert row["dns_answers"][0]
        assert row["dns_rrname"] == row["dns_rrname"].lower()


def test_v2_grouped_answers_without_detailed_records() -> None:
    dns = {
        "version": 2,
        "type": "answer",
        "id": 7,
        "rrname": "WWW.Example.COM.",
        "rrtype": "A",
        "rcode": "NOERROR",
        "grouped": {"CNAME": ["example.com"], "A": ["93.184.216.34", "93.184.216.35"]},
    }
    row: dict[str, Any] = {}
    dns_columns(dns, row)
    assert row["dns_rrname"] == "www.example.com"
    assert row["dns_answers"] == ["example.com", "93.184.216.34", "93.184.216.35"]
    assert row["dns_answer_types"] == ["CNAME", "A", "A"]


def test_v2_answer_from_the_stamus_corpus_reads_detailed_answers() -> None:
    name = (
        "StamusNetworks__suricata-analytics__jupyter__Notebooks__training__data__02__eve.json.jsonl"
    )
    events = [e for e in corpus_events(name) if e["event_type"] == "dns"]
    answer = next(
        e for e in events if e["dns"].get("rrname") == "api.ipify.org" and "answers" in e["dns"]
    )
    row = dns_of(answer)
    assert row["dns_type"] == "answer"
    assert sorted(row["dns_answers"]) == ["104.26.12.205", "104.26.13.205", "172.67.74.152"]
    assert set(row["dns_answer_types"]) == {"A"}


def test_records_without_textual_rdata_are_left_out() -> None:
    dns = {
        "version": 3,
        "type": "response",
        "queries": [{"rrname": "example.org", "rrtype": "SOA"}],
        "answers": [{"rrname": "example.org", "rrtype": "SOA", "soa": {"mname": "ns.example.org"}}],
    }
    row: dict[str, Any] = {}
    dns_columns(dns, row)
    assert row["dns_type"] == "answer"
    assert row["dns_rrtype"] == "SOA"
    assert "dns_answers" not in row


def test_canonical_name_lowercases_and_strips_the_root_dot() -> None:
    assert canonical_name("WWW.Suricata.IO.") == "www.suricata.io"
    assert canonical_name(".") == "."
    assert canonical_name("") == ""
