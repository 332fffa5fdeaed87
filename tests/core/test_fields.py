"""The field registry: names, aliases, kinds, raw-path fallback and the description endpoint."""

from __future__ import annotations

import json

import pytest

from services.core import fields
from services.core.clickhouse import Client
from services.core.errors import Invalid

# Columns that are not filter fields: tenancy, provenance, the raw line, vlan (through raw).
NOT_FIELDS = {"tenant", "vlan", "source_offset", "ingest_batch", "ingested_at", "raw"}


def event_columns(ch: Client) -> dict[str, str]:
    rows = ch.query(
        "SELECT name, type FROM system.columns WHERE database = currentDatabase()"
        " AND table = 'events' LIMIT 1000"
    ).result_rows
    return {str(name): str(type_) for name, type_ in rows}


def test_every_promoted_column_has_a_field_and_every_field_a_column(engine: Client) -> None:
    columns = event_columns(engine)
    used = {c for f in fields.EVENT_FIELDS.fields for c in f.columns}
    assert used <= set(columns)
    assert set(columns) - used - NOT_FIELDS == set()


KIND_TYPES = {
    "string": ("String", "LowCardinality(String)"),
    "ip": ("IPv6",),
    "int": ("UInt8", "UInt16", "UInt32", "UInt64", "Int64"),
    "bool": ("Bool",),
    "datetime": ("DateTime64(6, 'UTC')",),
    "string_array": ("Array(String)", "Array(LowCardinality(String))"),
    "tag": ("UUID",),
}


def test_field_kinds_agree_with_column_types(engine: Client) -> None:
    columns = event_columns(engine)
    for field in fields.EVENT_FIELDS.fields:
        for column in field.columns:
            assert columns[column] in KIND_TYPES[field.kind], field.name


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("dns.rrname", "dns.rrname"),
        ("dns.query.rrname", "dns.rrname"),
        ("dns.query.rrtype", "dns.rrtype"),
        ("dns.query.rrname.keyword", "dns.rrname"),
        ("http.hostname.keyword", "http.hostname"),
        ("event_type.raw", "event_type"),
        ("msg", "alert.signature"),
        ("tls.ja3", "tls.ja3.hash"),
        ("sensor", "host"),
        ("ts", "timestamp"),
    ],
)
def test_aliases_and_subfield_suffixes_resolve_to_canonical_fields(
    name: str, canonical: str
) -> None:
    assert fields.EVENT_FIELDS.lookup(name).name == canonical


def test_pseudo_fields_span_both_sides() -> None:
    assert fields.EVENT_FIELDS.lookup("ip").columns == ("src_ip", "dest_ip")
    assert fields.EVENT_FIELDS.lookup("port").columns == ("src_port", "dest_port")
    assert fields.EVENT_FIELDS.lookup("net_info").columns == ("src_net", "dest_net")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("smb.ntlmssp.version", ("smb", "ntlmssp", "version")),
        ("ssh.server.proto_version", ("ssh", "server", "proto_version")),
        ("dcerpc.req.opnum", ("dcerpc", "req", "opnum")),
        ("alert.metadata.anything_new", ("alert", "metadata", "anything_new")),
        ("payload_printable.keyword", ("payload_printable",)),
        ("alert.lateral", ("alert", "lateral")),
    ],
)
def test_other_eve_paths_fall_back_to_the_raw_event(name: str, path: tuple[str, ...]) -> None:
    field = fields.EVENT_FIELDS.lookup(name)
    assert (field.kind, field.sql, field.raw_path) == ("raw", "raw", path)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("dns.rrnmae", 'unknown field "dns.rrnmae" — did you mean "dns.rrname"'),
        ("tls.snii", 'did you mean "tls.sni"'),
        ("hostname_info.domian", 'did you mean "hostname_info.domain"'),
        ("nosuch.thing", 'unknown field "nosuch.thing"'),
        ("smb.FileName", 'unknown field "smb.FileName"'),
        ("smb.file-name", 'unknown field "smb.file-name"'),
        ("smb..filename", 'unknown field "smb..filename"'),
        ("dns.rrname;DROP TABLE events", 'unknown field "dns.rrname;DROP TABLE events"'),
    ],
)
def test_unknown_fields_name_the_closest_known_ones(name: str, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        fields.EVENT_FIELDS.lookup(name)
    assert message in caught.value.message


def test_a_registry_without_raw_column_has_no_fallback() -> None:
    hosts = fields.Registry([fields.Field("host.ip", "ip", "ip", "host address")])
    assert hosts.lookup("host.ip").sql == "ip"
    with pytest.raises(Invalid, match=r'unknown field "smb\.ntlmssp\.version"'):
        hosts.lookup("smb.ntlmssp.version")


def test_a_name_cannot_be_registered_twice() -> None:
    one = fields.Field("a", "string", "a", "")
    with pytest.raises(ValueError, match="registered twice"):
        fields.Registry([one, fields.Field("b", "string", "b", "", aliases=("a",))])


def test_describe_lists_every_field_as_json() -> None:
    described = fields.EVENT_FIELDS.describe()
    by_name = {d["name"]: d for d in described}
    assert len(by_name) == len(fields.EVENT_FIELDS.fields)
    assert by_name["dns.rrname"]["aliases"] == ["dns.query.rrname", "dns.queries.rrname"]
    assert by_name["dns.rrname"]["case_insensitive"] is True
    assert by_name["ip"]["kind"] == "ip"
    assert all(d["description"] for d in described)
    json.dumps(described)


def test_the_shipped_eve_schema_knows_paths_and_open_objects() -> None:
    schema = fields.EVE_SCHEMA
    assert {"alert", "dns", "smb", "payload_printable", "metadata"} <= schema.roots
    assert schema.knows("dns.queries.rrname")
    assert schema.knows("alert.metadata.whatever")
    assert not schema.knows("dns.nosuch")
