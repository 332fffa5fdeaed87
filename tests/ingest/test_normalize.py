"""Normalization of EVE lines: what is rejected and why, and the forms producers disagree on."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from services.ingest.normalize import (
    Rejected,
    normalize_event,
    parse_line,
    proto_name,
    sensor_stats_row,
    vlans,
)
from services.ingest.timestamps import epoch_micros, from_micros
from tests.conftest import CORPUS

LIMIT = 1 << 20
PANTHER = "panther-labs__panther__internal__log_analysis__log_processor__parsers__suricatalogs__"
STAMUS_EVENTS = "StamusNetworks__suricata-analytics__jupyter__Notebooks__events__suricon-2024__"


def corpus_event(name: str, index: int = 0) -> dict[str, Any]:
    lines = [line for line in (CORPUS / name).read_bytes().splitlines() if line.strip()]
    return parse_line(lines[index], LIMIT)


def row_of(event: dict[str, Any]) -> dict[str, Any]:
    return normalize_event(event)


def reason(raw: bytes, limit: int = LIMIT) -> str:
    with pytest.raises(Rejected) as caught:
        normalize_event(parse_line(raw, limit))
    return caught.value.reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"event_type": "dns"', "invalid JSON at column"),
        (b"[1, 2]", "not a JSON object but an array"),
        (b'"dns"', "not a JSON object but a string"),
        (b'{"timestamp": "2024-01-01T00:00:00Z"}', 'missing required field "event_type"'),
        (b'{"timestamp": "2024-01-01T00:00:00Z", "event_type": " "}', "non-blank string"),
        (b'{"timestamp": "2024-01-01T00:00:00Z", "event_type": 5}', "non-blank string"),
        (b'{"event_type": "dns"}', 'missing required field "timestamp"'),
        (
            b'{"event_type": "dns", "timestamp": "yesterday"}',
            "unparseable \"timestamp\" 'yesterday'",
        ),
        (b'{"event_type": "dns", "timestamp": 1700000000}', 'unparseable "timestamp"'),
        (b'{"event_type": "dns", "timestamp": "2024-13-01T00:00:00Z"}', "unparseable"),
        (b'{"event_type": "dns", "timestamp": "1800-01-01T00:00:00Z"}', "unparseable"),
        (b'{"event_type": "dns\xff"}', "invalid UTF-8 at byte 19"),
        (b"", "empty line"),
        (b"   ", "empty line"),
    ],
)
def test_rejects_say_why(raw: bytes, expected: str) -> None:
    assert expected in reason(raw)


def test_lone_surrogate_escape_is_rejected() -> None:
    raw = b'{"event_type": "dns", "timestamp": "2024-01-01T00:00:00Z", "x": "\\ud800"}'
    assert "surrogate" in reason(raw)


def test_invalid_json_reason_names_the_column() -> None:
    assert reason(b'{"event_type": dns}').startswith("invalid JSON at column 16: ")


def test_too_long_line_is_rejected_before_parsing() -> None:
    raw = (
        b'{"event_type": "dns", "timestamp": "2024-01-01T00:00:00Z", "pad": "' + b"x" * 100 + b'"}'
    )
    assert reason(raw, limit=64) == f"line is {len(raw)} bytes; limit 64"


def test_corpus_doc_fragments_without_timestamp_are_rejected() -> None:
    name = "OISF__suricata__doc__userguide__upgrade__8.0-dns-logging-changes.rst.jsonl"
    for line in (CORPUS / name).read_bytes().splitlines():
        assert reason(line) == 'missing required field "timestamp"'


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024-04-17T19:36:47.231055+0000", "2024-04-17T19:36:47.231055+00:00"),
        ("2018-07-05T15:01:09.820360-0400", "2018-07-05T19:01:09.820360+00:00"),
        ("2020-05-08T23:32:34.218590+0200", "2020-05-08T21:32:34.218590+00:00"),
        ("2022-07-12T05:53:51.912203-0000", "2022-07-12T05:53:51.912203+00:00"),
        ("2024-01-01T00:30:00.5+01:00", "2023-12-31T23:30:00.500000+00:00"),
        ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00+00:00"),
        ("2024-01-01 12:00:00", "2024-01-01T12:00:00+00:00"),
        ("2024-01-01T12:00:00.123456789", "2024-01-01T12:00:00.123456+00:00"),
        ("1969-12-31T16:04:21.000000-0800", "1970-01-01T00:04:21+00:00"),
    ],
)
def test_timestamps_with_offsets_become_utc_microseconds(text: str, iso: str) -> None:
    micros = epoch_micros(text)
    assert micros is not None
    assert from_micros(micros).isoformat() == iso


def test_timestamp_cache_does_not_mix_offsets() -> None:
    plus = epoch_micros("2024-01-01T10:00:00.000001+0100")
    minus = epoch_micros("2024-01-01T10:00:00.000001-0100")
    assert plus is not None and minus is not None
    assert minus - plus == 2 * 3600 * 1_000_000


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("TCP", "TCP"),
        ("tcp", "TCP"),
        (6, "TCP"),
        ("006", "TCP"),
        ("017", "UDP"),
        (17, "UDP"),
        (1, "ICMP"),
        (58, "IPv6-ICMP"),
        ("IPV6-ICMP", "IPv6-ICMP"),
        (132, "SCTP"),
        (47, "GRE"),
        (253, "253"),
        ("sctp", "SCTP"),
    ],
)
def test_proto_names(value: Any, name: str) -> None:
    assert proto_name(value) == name


def test_panther_krb5_with_proto_006_and_identity() -> None:
    row = row_of(corpus_event(f"{PANTHER}krb5_test.go.jsonl"))
    assert row["proto"] == "TCP"
    assert row["krb5_cname"] == "CHIP-DOUGLAS-PC$"
    assert row["krb5_realm"] == "PICKLESWORTH.LOCAL"
    assert row["krb5_sname"] == "ldap/win-cnneq7ocuqs.picklesworth.local"
    assert row["krb5_encryption"] == "aes256-cts-hmac-sha1-96"
    assert row["krb5_msg_type"] == "KRB_TGS_REP"


def test_tls_ja3_objects_and_ja4_string_or_object() -> None:
    stamus = (
        "StamusNetworks__suricata-analytics__jupyter__Notebooks__training__data__02__eve.json.jsonl"
    )
    lines = (CORPUS / stamus).read_bytes().splitlines()
    tls = next(orjson.loads(line) for line in lines if b'"ja4":{"hash"' in line)
    ja4_hash = tls["tls"]["ja4"]["hash"]
    as_object = row_of(tls)
    tls["tls"]["ja4"] = ja4_hash
    as_string = row_of(tls)
    assert as_object["tls_ja4"] == as_string["tls_ja4"] == ja4_hash
    assert as_object["tls_ja3"] == tls["tls"]["ja3"]["hash"]
    tls["tls"]["ja3"] = {}
    assert row_of(tls)["tls_ja3"] == ""


def test_uncompressed_ipv6_is_kept_for_enrichment() -> None:
    row = row_of(corpus_event(f"{PANTHER}tftp_test.go.jsonl"))
    assert row["src_ip"] == "fc0c:0000:0000:0000:0000:0000:0000:0094"
    assert row["proto"] == "UDP"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(61, [61]), ([10, 20], [10, 20]), ("72", [72]), (-1, [0]), (70000, [65535]), ({}, [])],
)
def test_vlan_forms(value: Any, expected: list[int]) -> None:
    assert vlans(value) == expected


def test_nul_in_dhcp_hostname_is_kept() -> None:
    event = corpus_event(f"{PANTHER}dhcp_test.go.jsonl")
    event["dhcp"]["hostname"] = "academy\x0004"
    row = row_of(event)
    assert row["dhcp_hostname"] == "academy\x0004"
    assert row["dhcp_client_mac"] == "00:50:ba:12:47:cb"
    assert row["dhcp_type"] == "request"


def test_numbers_out_of_range_are_clamped() -> None:
    raw = json.dumps(
        {
            "timestamp": "2024-01-01T00:00:00Z",
            "event_type": "http",
            "flow_id": 1 << 70,
            "src_port": -5,
            "dest_port": 70000,
            "http": {"status": "404", "length": -1, "hostname": "a.example"},
        }
    ).encode()
    row = row_of(parse_line(raw, LIMIT))
    assert row["flow_id"] == (1 << 64) - 1
    assert row["src_port"] == 0
    assert row["dest_port"] == 65535
    assert row["http_status"] == 404
    assert row["http_length"] == 0


def test_large_flow_id_is_exact() -> None:
    raw = b'{"timestamp":"2024-01-01T00:00:00Z","event_type":"flow","flow_id":2246000068791487}'
    assert row_of(parse_line(raw, LIMIT))["flow_id"] == 2246000068791487


def test_escaped_slashes_are_unescaped() -> None:
    name = "DCSO__fever__util__testdata__jsonparse_eve.json.jsonl"
    lines = (CORPUS / name).read_bytes().splitlines()
    escaped = next(line for line in lines if b"jokes" in line)
    assert b"\\/jokes\\/random" in escaped
    assert row_of(parse_line(escaped, LIMIT))["http_url"].startswith("/jokes/random?")


def test_identity_columns_of_smb_ssh_rdp_ftp_pgsql_smtp_ether() -> None:
    smb = next(
        e
        for e in map(
            orjson.loads,
            (CORPUS / f"{STAMUS_EVENTS}smb-mta.json.gz.SAMPLE.jsonl").read_bytes().splitlines(),
        )
        if "ntlmssp" in e.get("smb", {}) and e["smb"]["ntlmssp"].get("user")
    )
    row = row_of(smb)
    assert row["ntlmssp_user"] == smb["smb"]["ntlmssp"]["user"]
    assert row["ntlmssp_host"] == smb["smb"]["ntlmssp"]["host"]

    ssh = row_of(corpus_event(f"{PANTHER}ssh_test.go.jsonl"))
    assert ssh["ssh_client_software"]
    assert ssh["ssh_server_software"]

    assert row_of(corpus_event(f"{PANTHER}rdp_test.go.jsonl"))["rdp_cookie"] == "PICKLESWO"

    ftp = parse_line(
        b'{"timestamp":"2024-01-01T00:00:00Z","event_type":"ftp",'
        b'"ftp":{"command":"USER","command_data":"anonymous"}}',
        LIMIT,
    )
    assert row_of(ftp)["ftp_user"] == "anonymous"

    pgsql_lines = (
        CORPUS / "OISF__suricata__doc__userguide__output__eve__eve-json-format.rst.jsonl"
    ).read_bytes()
    pgsql = next(
        parse_line(line, LIMIT)
        for line in pgsql_lines.splitlines()
        if b"startup_parameters" in line
    )
    assert row_of(pgsql)["pgsql_user"] == "rules"

    smtp_name = (
        "CybercentreCanada__assemblyline-service-suricata__tests__files__alert_smtp__eve.json.jsonl"
    )
    smtp = next(
        parse_line(line, LIMIT)
        for line in (CORPUS / smtp_name).read_bytes().splitlines()
        if b'"event_type":"smtp"' in line
    )
    row = row_of(smtp)
    assert row["smtp_mail_from"] == "<MAILER-DAEMON@bad.com>"
    assert row["smtp_rcpt_to"] == ["<blah@bad.com>"]

    anomaly = row_of(corpus_event(f"{PANTHER}anomaly_test.go.jsonl"))
    ether = corpus_event(f"{PANTHER}anomaly_test.go.jsonl").get("ether", {})
    assert anomaly.get("src_mac", "") == ether.get("src_mac", "")


def test_unknown_event_type_keeps_the_common_fields() -> None:
    raw = (
        b'{"timestamp":"2024-01-01T00:00:00.000001+0000","event_type":"futureproto",'
        b'"src_ip":"10.1.2.3","dest_ip":"8.8.8.8","src_port":1,"dest_port":2,"proto":"UDP",'
        b'"host":"sensor-9","futureproto":{"x":1}}'
    )
    row = row_of(parse_line(raw, LIMIT))
    assert row["event_type"] == "futureproto"
    assert row["sensor"] == "sensor-9"
    assert row["proto"] == "UDP"
    assert from_micros(row["ts"]).isoformat() == "2024-01-01T00:00:00.000001+00:00"


def test_alert_blocks_and_the_protocol_data_they_carry() -> None:
    name = f"{STAMUS_EVENTS}http-alert-sample.json.jsonl"
    alert = next(
        parse_line(line, LIMIT)
        for line in (CORPUS / name).read_bytes().splitlines()
        if b'"event_type":"alert"' in line
    )
    row = row_of(alert)
    assert row["alert_signature_id"] == alert["alert"]["signature_id"]
    assert row["alert_signature"] == alert["alert"]["signature"]
    assert row["http_hostname"] == alert["http"]["hostname"]


def test_stats_event_becomes_a_sensor_stats_row_with_negative_deltas_kept() -> None:
    event = corpus_event(
        "influxdata__telegraf__plugins__inputs__suricata__testdata__test1.json.jsonl"
    )
    event["stats"]["capture"]["kernel_drops"] = -3
    row = sensor_stats_row(event)
    assert row["kernel_packets"] == event["stats"]["capture"]["kernel_packets"]
    assert row["kernel_drops"] == -3
    assert row["decoder_packets"] == event["stats"]["decoder"]["pkts"]
    assert row["uptime"] == event["stats"]["uptime"]


def test_stats_flows_sum_protocols_when_no_total() -> None:
    event = corpus_event(
        "crowdsecurity__hub__.tests__suricata-logs-evelog__suricata-logs-evelog.log.jsonl", 0
    )
    if event["event_type"] != "stats":
        lines = (
            (
                CORPUS
                / "crowdsecurity__hub__.tests__suricata-logs-evelog__suricata-logs-evelog.log.jsonl"
            )
            .read_bytes()
            .splitlines()
        )
        event = next(e for e in map(orjson.loads, lines) if e["event_type"] == "stats")
    assert sensor_stats_row(event)["flows"] == 59557 + 44825 + 0 + 141
