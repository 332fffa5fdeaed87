"""The structured form: every shipped Stamus OSS filter set imports, compiles and runs; each id
kind has the documented semantics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.core import fields
from services.core.clickhouse import Client
from services.core.errors import Invalid
from services.core.filters import (
    MatchAll,
    Not,
    Or,
    Term,
    compile_filter,
    parse_query,
    parse_stamus,
    signature_hit_limits,
    to_text,
)

SETS_DIR = Path(__file__).resolve().parents[3] / "shared" / "reference" / "stamus-filter-sets"
OSS_SETS: list[dict[str, Any]] = json.loads((SETS_DIR / "scirius_oss_filter_sets.json").read_text())
OLDER_SETS: list[dict[str, Any]] = json.loads(
    (SETS_DIR / "scirius_oss_filter_sets_2023-02_13f939e7.json").read_text()
)


def item(id_: str, value: Any, negated: bool = False, full: bool = True) -> dict[str, Any]:
    return {"id": id_, "value": value, "negated": negated, "fullString": full}


def test_all_45_oss_sets_parse_compile_and_run(engine: Client) -> None:
    assert len(OSS_SETS) == 45
    for filter_set in [*OSS_SETS, *OLDER_SETS]:
        ast = parse_stamus(filter_set["content"])
        compiled = compile_filter(ast, fields.EVENT_FIELDS, "acme")
        sql = compiled.embed(
            "SELECT count() FROM events WHERE tenant = {tenant:String} AND $filter"
        )
        rows = engine.query(sql, parameters={"tenant": "acme", **compiled.params}).result_rows
        assert rows[0][0] >= 0, filter_set["name"]
        assert parse_query(to_text(ast)) == ast, filter_set["name"]


@pytest.mark.parametrize(
    ("content", "text"),
    [
        ([item("app_proto", "http")], "app_proto:http"),
        ([item("app_proto", "ftp*", full=False)], "app_proto:ftp*"),
        ([item("alert.signature", "MALWARE", full=False)], "alert.signature:*MALWARE*"),
        ([item("alert.signature", "a b", full=False)], "alert.signature:*a\\ b*"),
        ([item("http.http_user_agent", "*(*", True, False)], "NOT http.http_user_agent:*\\(*"),
        ([item("msg", "x", full=False)], "alert.signature:*x*"),
        ([item("alert.severity", 1)], "alert.severity:1"),
        ([item("alert.signature_id", 2010000, full=False)], "alert.signature_id:2010000"),
        ([item("dns.query.rrname", "*", full=False)], "_exists_:dns.rrname"),
        ([item("dest_ip", "10.0.0.0/8", negated=True)], 'NOT dest_ip:"10.0.0.0/8"'),
        ([item("tls.version", "TLS 1.2", negated=True)], 'NOT tls.version:"TLS 1.2"'),
        (
            [item("alert.metadata.source", "smb_lateral")],
            "alert.metadata.source:smb_lateral",
        ),
        (
            [item("es_filter", "-http.http_user_agent.keyword:/.{55}.*/", full=False)],
            "NOT http.http_user_agent:/.{55}.*/",
        ),
        (
            [item("app_proto", "dns", negated=True), item("es_filter", "payload_printable:*a*")],
            "NOT app_proto:dns AND payload_printable:*a*",
        ),
        ([item("hits_min", 1), item("hits_max", 10)], "*"),
        ([], "*"),
    ],
)
def test_items_map_to_the_documented_terms(content: list[dict[str, Any]], text: str) -> None:
    assert to_text(parse_stamus(content)) == text


def test_tag_toggles_select_tags_and_untagged_events() -> None:
    def tags(**toggles: bool) -> object:
        return parse_stamus([{"id": "alert.tag", "value": toggles}])

    relevant = Term("tag", "eq", "relevant")
    informational = Term("tag", "eq", "informational")
    untagged = Not(Term("tag", "exists"))
    assert tags(relevant=True, informational=True, untagged=True) == MatchAll()
    assert tags(relevant=True, informational=False, untagged=False) == relevant
    assert tags(relevant=True, informational=True, untagged=False) == Or((relevant, informational))
    assert tags(relevant=False, informational=False, untagged=True) == untagged
    assert parse_stamus([item("alert.tag", "relevant")]) == relevant
    with pytest.raises(Invalid, match="at least one"):
        tags(relevant=False, informational=False, untagged=False)


def test_hit_limits_are_returned_for_signature_aggregations() -> None:
    low_noise = next(s for s in OSS_SETS if s["name"] == "Hunt: Low noise signature events")
    assert signature_hit_limits(low_noise["content"]) == {"hits_min": 1, "hits_max": 10}


def test_contains_match_is_case_insensitive_on_the_engine(engine: Client) -> None:
    tenant = "stamus-semantics"
    rows = [
        [tenant, "alert", "ET MALWARE Win32/Agent", "POST"],
        [tenant, "alert", "ET INFO Something", "GET"],
    ]
    engine.insert(
        "events", rows, column_names=["tenant", "event_type", "alert_signature", "http_method"]
    )
    content = [item("alert.signature", "malware", full=False), item("http.http_method", "post")]
    compiled = compile_filter(parse_stamus(content), fields.EVENT_FIELDS, tenant)
    sql = compiled.embed(
        "SELECT alert_signature FROM events WHERE tenant = {tenant:String} AND $filter LIMIT 10"
    )
    found = engine.query(sql, parameters={"tenant": tenant, **compiled.params}).result_rows
    assert found == [("ET MALWARE Win32/Agent",)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("app_proto:dns", "must be a list"),
        ([{"value": "x"}], "content[0] must be an object with a string id"),
        ([item("dns.rrnmae", "x")], 'content[0] (id "dns.rrnmae"): unknown field "dns.rrnmae"'),
        ([item("app_proto", "x"), item("dest_port", "http")], "content[1]"),
        ([item("dest_port", "http")], "expected a number for dest_port"),
        ([item("es_filter", "dest_ip:10.0.0.0/33")], 'bad CIDR "10.0.0.0/33" at 1:9'),
        ([item("host_id.services.values.app_proto", "smtp")], "host-insight attribute"),
        ([item("hits_min", "many")], "hits_min must be an integer"),
        ([item("app_proto", {"a": 1})], "value must be a string or a number"),
    ],
)
def test_bad_items_are_named_in_the_error(content: Any, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_stamus(content)
    assert message in caught.value.message
