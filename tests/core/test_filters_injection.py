"""SQL injection attempts through values, field names, list names, raw paths and Stamus items
either fail with a clear Invalid or become harmless bound values: the events survive."""

from __future__ import annotations

from typing import Any

import pytest

from services.core import fields, lists
from services.core.clickhouse import Client
from services.core.errors import Invalid
from services.core.filters import compile_filter, parse_query, parse_stamus

TENANT = "injection"
HOSTILE_VALUES = [
    "x') OR 1=1 --",
    "'; DROP TABLE events; --",
    "x' OR '1'='1",
    "{tenant:String}",
    "x\\' OR 1=1 --",
    "\\'; SELECT 1; --",
    'x"); DROP TABLE events; --',
]


@pytest.fixture(scope="module")
def populated(engine: Client) -> Client:
    engine.insert(
        "events",
        [[TENANT, "dns", "a.example.com"], [TENANT, "dns", "b.example.com"]],
        column_names=["tenant", "event_type", "dns_rrname"],
    )
    return engine


def count(ch: Client, query: str) -> int:
    compiled = compile_filter(parse_query(query), fields.EVENT_FIELDS, TENANT)
    sql = compiled.embed("SELECT count() FROM events WHERE tenant = {tenant:String} AND $filter")
    return int(ch.query(sql, parameters={"tenant": TENANT, **compiled.params}).result_rows[0][0])


def total(ch: Client) -> int:
    sql = "SELECT count() FROM events WHERE tenant = {tenant:String}"
    return int(ch.query(sql, parameters={"tenant": TENANT}).result_rows[0][0])


def quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.mark.parametrize("value", HOSTILE_VALUES)
@pytest.mark.parametrize(
    "template",
    ["dns.rrname:{v}", "http.url:{v}*", "smb.ntlmssp.user:{v}", "alert.metadata.x:{v}", "{v}"],
)
def test_hostile_values_are_bound_and_match_nothing(
    populated: Client, template: str, value: str
) -> None:
    query = template.replace("{v}", quoted(value)) if "*" not in template else template
    if "*" in template:
        escaped = "".join("\\" + c if not c.isalnum() else c for c in value)
        query = template.replace("{v}", escaped)
    assert count(populated, query) == 0
    assert total(populated) == 2


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_regexes_and_ranges_are_bound(populated: Client, value: str) -> None:
    regex = "/" + value.replace("/", "\\/").replace("\\'", "'") + "/"
    try:
        assert count(populated, f"http.url:{regex}") == 0
    except Invalid as exc:
        assert "bad regex" in exc.message
    assert count(populated, f"dns.rrname:[{quoted(value)} TO {quoted(value + 'z')}]") == 0
    assert total(populated) == 2


@pytest.mark.parametrize(
    "query",
    [
        "dns.rrname;DROP TABLE events:x",
        "dns.rrname' OR '1'='1:x",
        "smb.file'name:x",
        "smb.FILENAME);DROP:x",
        "events WHERE 1=1 --:x",
        "_exists_:dns.rrname;DROP",
        "dest_ip:@x');DROP TABLE events;--",
        "dest_port:1 OR 1=1",
        'dest_port:"1; DROP TABLE events"',
        'src_ip:"::1\') OR 1=1 --"',
    ],
)
def test_hostile_names_are_refused_or_read_as_harmless_text(populated: Client, query: str) -> None:
    """A name that is not a field is an error, or (not followed by `:`) free text."""
    try:
        matched = count(populated, query)
    except Invalid as exc:
        assert " at 1:" in exc.message
    else:
        assert matched == 0
    assert total(populated) == 2


def test_hostile_list_names_and_items_are_refused_or_bound(populated: Client) -> None:
    with pytest.raises(Invalid, match="bad list name"):
        lists.put_list(populated, TENANT, "x');DROP TABLE events;--", ["1.2.3.4"])
    lists.put_list(populated, TENANT, "hostile", [*HOSTILE_VALUES, "a.example.com"])
    assert count(populated, "dns.rrname:@hostile") == 1
    assert {i.value for i in lists.get_list(populated, TENANT, "hostile").items} >= set(
        v.strip() for v in HOSTILE_VALUES
    )
    assert total(populated) == 2


@pytest.mark.parametrize(
    "content",
    [
        [{"id": "dns.rrname;DROP TABLE events", "value": "x"}],
        [{"id": "es_filter", "value": "dns.rrname:x') OR 1=1 --"}],
        [{"id": "alert.signature", "value": "x') OR 1=1 --", "fullString": False}],
        [{"id": "tag", "value": "x') OR 1=1 --"}],
    ],
)
def test_hostile_stamus_items_are_refused_or_bound(
    populated: Client, content: list[dict[str, Any]]
) -> None:
    try:
        ast = parse_stamus(content)
    except Invalid:
        assert total(populated) == 2
        return
    compiled = compile_filter(ast, fields.EVENT_FIELDS, TENANT)
    sql = compiled.embed("SELECT count() FROM events WHERE tenant = {tenant:String} AND $filter")
    rows = populated.query(sql, parameters={"tenant": TENANT, **compiled.params}).result_rows
    assert rows == [(0,)]
    assert total(populated) == 2
