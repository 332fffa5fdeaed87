"""Every catalog filter matches all its `match` examples and none of its `no_match` ones,
run through the real ingest pipeline and the real filter compiler on the real engine."""

from __future__ import annotations

from typing import Any

from services.core import fields, lists
from services.core.clickhouse import Client
from services.core.filters import compile_filter, parse_query
from services.hunts.catalog import example_lists, load_catalog
from tests.conftest import TENANT
from tests.hunts.conftest import ingest_events

SELECT_MATCHED = """
    SELECT flow_id FROM events
    WHERE tenant = {tenant:String} AND flow_id IN {ids:Array(UInt64)} AND
"""


def test_catalog_has_at_least_120_filters_in_many_categories() -> None:
    catalog = load_catalog()
    assert len(catalog.filters) >= 120
    categories = catalog.categories()
    for expected in (
        "Policy",
        "Suspicious DNS",
        "Suspicious TLS",
        "Suspicious HTTP",
        "C2",
        "Exfiltration",
        "Discovery",
        "Lateral movement",
        "Credential access",
        "Hygiene",
        "Crypto mining",
        "Remote access tools",
        "Info",
        "Roles",
    ):
        assert categories.get(expected, 0) >= 3, expected
    assert catalog.get("catalog:policy-public-dns") is not None


def test_every_filter_matches_its_examples_and_only_them(shipped: Client) -> None:
    ch = shipped
    for name, values in example_lists().items():
        lists.put_list(ch, TENANT, name, values)
    catalog = load_catalog()
    events: list[dict[str, Any]] = []
    ids: dict[str, tuple[set[int], set[int]]] = {}
    for item in catalog.filters:
        match_ids: set[int] = set()
        other_ids: set[int] = set()
        for wanted, examples in (
            (match_ids, item.examples.match),
            (other_ids, item.examples.no_match),
        ):
            for example in examples:
                flow_id = len(events) + 1
                events.append({**example, "flow_id": flow_id})
                wanted.add(flow_id)
        ids[item.slug] = (match_ids, other_ids)
    result = ingest_events(ch, events)
    assert result.rejected == 0, result.errors
    failures = []
    for item in catalog.filters:
        match_ids, other_ids = ids[item.slug]
        compiled = compile_filter(parse_query(item.query), fields.EVENT_FIELDS, TENANT)
        rows = ch.query(
            SELECT_MATCHED + f"({compiled.sql})",
            parameters={"tenant": TENANT, "ids": sorted(match_ids | other_ids), **compiled.params},
        ).result_rows
        matched = {int(r[0]) for r in rows}
        for flow_id in sorted(match_ids - matched):
            failures.append(f"{item.slug}: misses match example {events[flow_id - 1]}")
        for flow_id in sorted(matched & other_ids):
            failures.append(f"{item.slug}: matches no_match example {events[flow_id - 1]}")
    assert not failures, "\n".join(failures)
