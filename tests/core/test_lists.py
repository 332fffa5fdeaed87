"""Reference-list storage on the real engine: items, replacement, shadowing, deletion."""

from __future__ import annotations

from typing import Any

import pytest

from services.core import lists
from services.core.clickhouse import Client
from services.core.errors import Invalid, NotFound
from services.core.lists import ListItem

TENANT = "acme"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("8.8.8.8", ListItem("8.8.8.8", "ip")),
        (" 2001:4860:4860::8888 ", ListItem("2001:4860:4860::8888", "ip")),
        ("10.0.0.0/8", ListItem("10.0.0.0/8", "cidr")),
        ("10.1.2.3/8", ListItem("10.0.0.0/8", "cidr")),
        ("1.2.3.4/32", ListItem("1.2.3.4", "ip")),
        ("2001:db8::/32", ListItem("2001:db8::/32", "cidr")),
        ("example.com", ListItem("example.com", "name")),
        ("example.com.", ListItem("example.com", "name")),
        ("*.dyndns.org", ListItem("dyndns.org", "name", "suffix")),
        (".dyndns.org", ListItem("dyndns.org", "name", "suffix")),
        ({"value": "curl/", "match": "prefix"}, ListItem("curl/", "name", "prefix")),
        (
            {"value": "evil.com", "attrs": {"source": "feed"}},
            ListItem("evil.com", "name", "exact", {"source": "feed"}),
        ),
    ],
)
def test_items_are_classified_and_normalized(item: Any, expected: ListItem) -> None:
    assert lists.parse_item(item) == expected


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("", "items[3]: value must have 1 to 1024 characters"),
        ("x" * 2000, "items[3]: value must have"),
        ({"value": "a", "match": "regex"}, "match must be one of exact, suffix, prefix, contains"),
        ({"value": "1.2.3.4", "match": "suffix"}, "addresses and networks only match exactly"),
        ({"value": "a", "attrs": {"k": 1}}, "attrs must map strings to strings"),
        ({"nope": "a"}, "items[3] must be a string or an object with a string value"),
        (42, "items[3] must be a string"),
    ],
)
def test_bad_items_are_refused_with_their_index(item: Any, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        lists.parse_item(item, 3)
    assert message in caught.value.message


def test_put_then_get_returns_the_items(ch: Client) -> None:
    info = lists.put_list(
        ch, TENANT, "resolvers", ["8.8.8.8", "1.1.1.0/24", "8.8.8.8", "*.dns.google"], "d", "s"
    )
    assert (info.tenant, info.name, info.description, info.source) == (
        TENANT,
        "resolvers",
        "d",
        "s",
    )
    assert info.item_count == 3
    assert info.updated_at.tzinfo is not None
    got = lists.get_list(ch, TENANT, "resolvers")
    assert got.info == info
    assert {(i.kind, i.value, i.match) for i in got.items} == {
        ("ip", "8.8.8.8", "exact"),
        ("cidr", "1.1.1.0/24", "exact"),
        ("name", "dns.google", "suffix"),
    }


def test_put_replaces_the_whole_list_and_drops_old_items(ch: Client) -> None:
    lists.put_list(ch, TENANT, "l", ["1.1.1.1", "2.2.2.2"])
    second = lists.put_list(ch, TENANT, "l", ["3.3.3.3"])
    assert [i.value for i in lists.get_list(ch, TENANT, "l").items] == ["3.3.3.3"]
    versions = ch.query(
        "SELECT DISTINCT version FROM list_items WHERE tenant = {t:String} AND list = 'l' LIMIT 10",
        parameters={"t": TENANT},
    ).result_rows
    assert versions == [(second.version,)]


def test_an_empty_list_is_a_list(ch: Client) -> None:
    lists.put_list(ch, TENANT, "empty", [])
    assert lists.get_list(ch, TENANT, "empty").items == []


def test_tenant_lists_shadow_shipped_ones_and_stay_private(ch: Client) -> None:
    lists.put_list(ch, "", "dyndns", ["*.dyndns.org"], "shipped list", "sightline")
    lists.put_list(ch, "", "tor", ["1.2.3.4"])
    lists.put_list(ch, TENANT, "dyndns", ["mine.example"])
    lists.put_list(ch, "other", "secret", ["9.9.9.9"])

    assert [i.value for i in lists.get_list(ch, TENANT, "dyndns").items] == ["mine.example"]
    assert [i.value for i in lists.get_list(ch, "third", "dyndns").items] == ["dyndns.org"]
    seen = {(i.name, i.tenant) for i in lists.list_names(ch, TENANT)}
    assert seen == {("dyndns", TENANT), ("tor", "")}
    with pytest.raises(NotFound):
        lists.get_list(ch, TENANT, "secret")


def test_delete_reveals_the_shipped_list_and_refuses_unknown_names(ch: Client) -> None:
    lists.put_list(ch, "", "dyndns", ["*.dyndns.org"])
    lists.put_list(ch, TENANT, "dyndns", ["mine.example"])
    lists.delete_list(ch, TENANT, "dyndns")
    got = lists.get_list(ch, TENANT, "dyndns")
    assert got.info.shipped
    assert [i.value for i in got.items] == ["dyndns.org"]
    with pytest.raises(NotFound, match='no list "dyndns"'):
        lists.delete_list(ch, TENANT, "dyndns")
    with pytest.raises(NotFound):
        lists.delete_list(ch, TENANT, "never")


def test_a_deleted_list_can_be_created_again(ch: Client) -> None:
    lists.put_list(ch, TENANT, "again", ["1.1.1.1"])
    lists.delete_list(ch, TENANT, "again")
    with pytest.raises(NotFound):
        lists.get_list(ch, TENANT, "again")
    lists.put_list(ch, TENANT, "again", ["2.2.2.2"])
    assert [i.value for i in lists.get_list(ch, TENANT, "again").items] == ["2.2.2.2"]


@pytest.mark.parametrize("name", ["", "a b", "x');DROP", "-lead", "a" * 201])
def test_bad_list_names_are_refused(ch: Client, name: str) -> None:
    with pytest.raises(Invalid, match="bad list name"):
        lists.put_list(ch, TENANT, name, ["1.1.1.1"])
