"""Normalization of EVE lines by the engine: what is rejected and why, and the forms producers
disagree on. Every check stores real lines through the pipeline and reads the stored row."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from services.core.clickhouse import Client
from services.ingest.networks import NetworkMap
from services.ingest.pipeline import Line, Pipeline
from tests.conftest import CORPUS, TENANT

LIMIT = 1 << 20
PANTHER = "panther-labs__panther__internal__log_analysis__log_processor__parsers__suricatalogs__"
STAMUS_EVENTS = "StamusNetworks__suricata-analytics__jupyter__Notebooks__events__suricon-2024__"


def corpus_event(name: str, index: int = 0) -> dict[str, Any]:
    lines = [line for line in (CORPUS / name).read_bytes().splitlines() if line.strip()]
    event = orjson.loads(lines[index])
    assert isinstance(event, dict)
    return event


def corpus_line(name: str, marker: bytes) -> bytes:
    """The first line of corpus file `name` that contains `marker`."""
    return next(line for line in (CORPUS / name).read_bytes().splitlines() if marker in line)


def line_of(event: dict[str, Any] | bytes) -> bytes:
    return event if isinstance(event, bytes) else orjson.dumps(event)


def rows_of(ch: Client, *events: dict[str, Any] | bytes) -> list[dict[str, Any]]:
    """The `events` rows the pipeline stores for these events, in order."""
    lines = [Line(line_of(e), offset, offset + 1) for offset, e in enumerate(events)]
    result = Pipeline(ch, TENANT, "normalize", NetworkMap.default(), LIMIT).ingest(lines)
    assert result.rejected == 0, result.errors
    rows = ch.query(
        "SELECT * EXCEPT raw FROM events WHERE ingest_batch = {batch:UUID} ORDER BY source_offset",
        parameters={"batch": str(result.batch_id)},
    ).named_results()
    return list(rows)


def row_of(ch: Client, event: dict[str, Any] | bytes) -> dict[str, Any]:
    (row,) = rows_of(ch, event)
    return row


def reason(ch: Client, raw: bytes, limit: int = LIMIT) -> str:
    result = Pipeline(ch, TENANT, "normalize", NetworkMap.default(), limit).ingest(
        [Line(raw, 0, 1)]
    )
    assert result.accepted == 0
    ((line_no, text),) = result.errors
    assert line_no == 1
    stored = ch.query(
        "SELECT reason FROM ingest_rejects WHERE source = 'normalize' ORDER BY received_at DESC"
        " LIMIT 1"
    ).result_rows
    assert stored == [(text,)]
    return text


def event_with(**fields: Any) -> dict[str, Any]:
    return {"timestamp": "2024-01-01T00:00:00Z", "event_type": "flow", **fields}


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
def test_rejects_say_why(ch: Client, raw: bytes, expected: str) -> None:
    assert expected in reason(ch, raw)


def test_lone_surrogate_escape_is_rejected(ch: Client) -> None:
    raw = b'{"event_type": "dns", "timestamp": "2024-01-01T00:00:00Z", "x": "\\ud800"}'
    assert "surrogate" in reason(ch, raw)


def test_invalid_json_reason_names_the_column(ch: Client) -> None:
    assert reason(ch, b'{"event_type": dns}').startswith("invalid JSON at column 16: ")


def test_too_long_line_is_rejected_before_parsing(ch: Client) -> None:
    raw = (
        b'{"event_type": "dns", "timestamp": "2024-01-01T00:00:00Z", "pad": "' + b"x" * 100 + b'"}'
    )
    assert reason(ch, raw, limit=64) == f"line is {len(raw)} bytes; limit 64"


def test_corpus_doc_fragments_without_timestamp_are_rejected(ch: Client) -> None:
    name = "OISF__suricata__doc__userguide__upgrade__8.0-dns-logging-changes.rst.jsonl"
    for line in (CORPUS / name).read_bytes().splitlines():
        assert reason(ch, line) == 'missing required field "timestamp"'


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
        ("2024-01-01T10:00:00.000001+0100", "2024-01-01T09:00:00.000001+00:00"),
        ("2024-01-01T10:00:00.000001-0100", "2024-01-01T11:00:00.000001+00:00"),
    ],
)
def test_timestamps_with_offsets_become_utc_microseconds(ch: Client, text: str, iso: str) -> None:
    row = row_of(ch, event_with(timestamp=text))
    assert row["ts"].replace(tzinfo=UTC).isoformat() == iso


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
        ("icmpv6", "IPv6-ICMP"),
        (132, "SCTP"),
        (47, "GRE"),
        (253, "253"),
        ("sctp", "SCTP"),
    ],
)
def test_proto_names(ch: Client, value: Any, name: str) -> None:
    assert row_of(ch, event_with(proto=value))["proto"] == name


def test_panther_krb5_with_proto_006_and_identity(ch: Client) -> None:
    row = row_of(ch, corpus_event(f"{PANTHER}krb5_test.go.jsonl"))
    assert row["proto"] == "TCP"
    assert row["krb5_cname"] == "CHIP-DOUGLAS-PC$"
    assert row["krb5_realm"] == "PICKLESWORTH.LOCAL"
    assert row["krb5_sname"] == "ldap/win-cnneq7ocuqs.picklesworth.local"
    assert row["krb5_encryption"] == "aes256-cts-hmac-sha1-96"
    assert row["krb5_msg_type"] == "KRB_TGS_REP"


def test_tls_ja3_objects_and_ja4_string_or_object(ch: Client) -> None:
    stamus = (
        "StamusNetworks__suricata-analytics__jupyter__Notebooks__training__data__02__eve.json.jsonl"
    )
    lines = (CORPUS / stamus).read_bytes().splitlines()
    tls = next(orjson.loads(line) for line in lines if b'"ja4":{"hash"' in line)
    ja4_hash = tls["tls"]["ja4"]["hash"]
    as_string = {**tls, "tls": {**tls["tls"], "ja4": ja4_hash}}
    no_ja3 = {**tls, "tls": {**tls["tls"], "ja3": {}}}
    as_object, by_string, empty = rows_of(ch, tls, as_string, no_ja3)
    assert as_object["tls_ja4"] == by_string["tls_ja4"] == ja4_hash
    assert as_object["tls_ja3"] == tls["tls"]["ja3"]["hash"]
    assert empty["tls_ja3"] == ""


def test_uncompressed_ipv6_is_stored_canonical_and_placed(ch: Client) -> None:
    row = row_of(ch, corpus_event(f"{PANTHER}tftp_test.go.jsonl"))
    assert str(row["src_ip"]) == "fc0c::94"
    assert row["src_net"] == "ula"
    assert row["proto"] == "UDP"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(61, [61]), ([10, 20], [10, 20]), ("72", [72]), (-1, [0]), (70000, [65535]), ({}, [])],
)
def test_vlan_forms(ch: Client, value: Any, expected: list[int]) -> None:
    assert row_of(ch, event_with(vlan=value))["vlan"] == expected


def test_nul_in_dhcp_hostname_is_kept(ch: Client) -> None:
    event = corpus_event(f"{PANTHER}dhcp_test.go.jsonl")
    event["dhcp"]["hostname"] = "academy\x0004"
    row = row_of(ch, event)
    assert row["dhcp_hostname"] == "academy\x0004"
    assert row["dhcp_client_mac"] == "00:50:ba:12:47:cb"
    assert row["dhcp_type"] == "request"


def test_numbers_out_of_range_are_clamped_or_zero(ch: Client) -> None:
    raw = json.dumps(
        event_with(
            event_type="http",
            flow_id=1 << 70,
            src_port=-5,
            dest_port=70000,
            http={"status": "404", "length": -1, "hostname": "a.example"},
            alert={"severity": 300, "signature_id": "2013028"},
        )
    ).encode()
    row = row_of(ch, raw)
    assert row["flow_id"] == 0  # beyond 64 bits: no flow id (the original stays in raw)
    assert row["src_port"] == 0
    assert row["dest_port"] == 65535
    assert row["http_status"] == 404
    assert row["http_length"] == 0
    assert row["alert_severity"] == 255
    assert row["alert_signature_id"] == 2013028


def test_large_flow_id_is_exact(ch: Client) -> None:
    raw = b'{"timestamp":"2024-01-01T00:00:00Z","event_type":"flow","flow_id":2246000068791487}'
    assert row_of(ch, raw)["flow_id"] == 2246000068791487


def test_escaped_slashes_are_unescaped(ch: Client) -> None:
    name = "DCSO__fever__util__testdata__jsonparse_eve.json.jsonl"
    escaped = corpus_line(name, b"jokes")
    assert b"\\/jokes\\/random" in escaped
    assert row_of(ch, escaped)["http_url"].startswith("/jokes/random?")


def test_identity_columns_of_smb_ssh_rdp_ftp_pgsql_smtp_ether(ch: Client) -> None:
    smb = next(
        e
        for e in map(
            orjson.loads,
            (CORPUS / f"{STAMUS_EVENTS}smb-mta.json.gz.SAMPLE.jsonl").read_bytes().splitlines(),
        )
        if "ntlmssp" in e.get("smb", {}) and e["smb"]["ntlmssp"].get("user")
    )
    row = row_of(ch, smb)
    assert row["ntlmssp_user"] == smb["smb"]["ntlmssp"]["user"]
    assert row["ntlmssp_host"] == smb["smb"]["ntlmssp"]["host"]

    ssh = row_of(ch, corpus_event(f"{PANTHER}ssh_test.go.jsonl"))
    assert ssh["ssh_client_software"]
    assert ssh["ssh_server_software"]

    assert row_of(ch, corpus_event(f"{PANTHER}rdp_test.go.jsonl"))["rdp_cookie"] == "PICKLESWO"

    ftp = event_with(event_type="ftp", ftp={"command": "USER", "command_data": "anonymous"})
    assert row_of(ch, ftp)["ftp_user"] == "anonymous"

    pgsql = corpus_line(
        "OISF__suricata__doc__userguide__output__eve__eve-json-format.rst.jsonl",
        b"startup_parameters",
    )
    assert row_of(ch, pgsql)["pgsql_user"] == "rules"

    smtp_name = (
        "CybercentreCanada__assemblyline-service-suricata__tests__files__alert_smtp__eve.json.jsonl"
    )
    smtp = corpus_line(smtp_name, b'"event_type":"smtp"')
    row = row_of(ch, smtp)
    assert row["smtp_mail_from"] == "<MAILER-DAEMON@bad.com>"
    assert row["smtp_rcpt_to"] == ["<blah@bad.com>"]

    ether = event_with(ether={"src_macs": ["00:11:22:33:44:55"], "dest_mac": "66:77:88:99:aa:bb"})
    row = row_of(ch, ether)
    assert (row["src_mac"], row["dest_mac"]) == ("00:11:22:33:44:55", "66:77:88:99:aa:bb")


def test_http_server_header_from_the_logged_response_headers(ch: Client) -> None:
    name = (
        "CybercentreCanada__assemblyline-service-suricata__tests__files__alert_http__eve.json.jsonl"
    )
    line = corpus_line(name, b'{"name":"Server","value":"INetSim HTTP Server"}')
    assert row_of(ch, line)["http_server"] == "INetSim HTTP Server"
    custom = event_with(event_type="http", http={"server": "nginx", "response_headers": []})
    assert row_of(ch, custom)["http_server"] == "nginx"


def test_unknown_event_type_keeps_the_common_fields(ch: Client) -> None:
    raw = (
        b'{"timestamp":"2024-01-01T00:00:00.000001+0000","event_type":"futureproto",'
        b'"src_ip":"10.1.2.3","dest_ip":"8.8.8.8","src_port":1,"dest_port":2,"proto":"UDP",'
        b'"host":"sensor-9","futureproto":{"x":1}}'
    )
    row = row_of(ch, raw)
    assert row["event_type"] == "futureproto"
    assert row["sensor"] == "sensor-9"
    assert row["proto"] == "UDP"
    assert row["ts"] == datetime(2024, 1, 1, 0, 0, 0, 1)
    assert (row["src_net"], row["dest_net"]) == ("rfc1918-10", "internet")


def test_text_columns_take_numbers_and_objects_as_text(ch: Client) -> None:
    row = row_of(
        ch, event_with(event_type="tls", tls={"sni": 42, "version": True, "subject": {"CN": "x"}})
    )
    assert (row["tls_sni"], row["tls_version"], row["tls_subject"]) == ("42", "true", '{"CN":"x"}')


def test_alert_blocks_and_the_protocol_data_they_carry(ch: Client) -> None:
    name = f"{STAMUS_EVENTS}http-alert-sample.json.jsonl"
    alert = orjson.loads(corpus_line(name, b'"event_type":"alert"'))
    row = row_of(ch, alert)
    assert row["alert_signature_id"] == alert["alert"]["signature_id"]
    assert row["alert_signature"] == alert["alert"]["signature"]
    assert row["http_hostname"] == alert["http"]["hostname"]


def stats_row(ch: Client, event: dict[str, Any]) -> dict[str, Any]:
    result = Pipeline(ch, TENANT, "stats", NetworkMap.default()).ingest(
        [Line(orjson.dumps(event), 0, 1)]
    )
    assert (result.accepted, result.stats) == (1, 1)
    (row,) = ch.query("SELECT * FROM sensor_stats").named_results()
    assert ch.query("SELECT count() FROM events").result_rows == [(0,)]
    return row


def test_stats_event_becomes_a_sensor_stats_row_with_negative_deltas_kept(ch: Client) -> None:
    event = corpus_event(
        "influxdata__telegraf__plugins__inputs__suricata__testdata__test1.json.jsonl"
    )
    event["stats"]["capture"]["kernel_drops"] = -3
    row = stats_row(ch, event)
    assert row["kernel_packets"] == event["stats"]["capture"]["kernel_packets"]
    assert row["kernel_drops"] == -3
    assert row["decoder_packets"] == event["stats"]["decoder"]["pkts"]
    assert row["uptime"] == event["stats"]["uptime"]


def test_stats_flows_sum_protocols_when_no_total(ch: Client) -> None:
    name = "crowdsecurity__hub__.tests__suricata-logs-evelog__suricata-logs-evelog.log.jsonl"
    lines = (CORPUS / name).read_bytes().splitlines()
    event = next(e for e in map(orjson.loads, lines) if e["event_type"] == "stats")
    assert "total" not in event["stats"]["flow"]
    assert stats_row(ch, event)["flows"] == 59557 + 44825 + 0 + 141
