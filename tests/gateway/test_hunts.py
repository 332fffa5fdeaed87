"""The guided catalog, saved filter sets and reference lists through GraphQL."""

from __future__ import annotations

from services.core.clickhouse import Client
from services.hunts.shipped_lists import install_shipped
from tests.gateway.conftest import GraphQL

FILTER_SET_RESULT = """
  __typename
  ... on FilterSet { id source name query }
  ... on ValidationError { message field }
"""


async def test_catalog_search_and_run(graphql: GraphQL, ch: Client) -> None:
    install_shipped(ch)  # as the server's prepare() does: the catalog references shipped lists
    body = await graphql(
        """query { catalog { total categories { name count } }
                   filterSets(search: "public dns", source: "catalog", first: 5) {
                     total nodes { id source name query } } }"""
    )
    assert "errors" not in body, body
    catalog = body["data"]["catalog"]
    assert catalog["total"] >= 120
    assert sum(category["count"] for category in catalog["categories"]) == catalog["total"]
    found = body["data"]["filterSets"]
    assert found["total"] >= 1
    first = found["nodes"][0]
    assert first["source"] == "catalog" and first["id"].startswith("catalog:")

    run = await graphql(
        """query($id: ID!) { runFilterSet(id: $id) {
             count filterSet { id } timeline { intervalSeconds buckets { count } }
             facets { field } } }""",
        {"id": first["id"]},
    )
    assert "errors" not in run, run
    result = run["data"]["runFilterSet"]
    assert result["count"] == 0 and result["filterSet"] == {"id": first["id"]}
    assert result["timeline"]["intervalSeconds"] > 0
    assert all(bucket["count"] == 0 for bucket in result["timeline"]["buckets"])

    missing = await graphql('query { runFilterSet(id: "catalog:no-such-hunt") { count } }')
    assert missing == {"data": {"runFilterSet": None}}


async def test_saved_filter_set_lifecycle(graphql: GraphQL) -> None:
    bad = await graphql(
        f'mutation {{ createFilterSet(input: {{name: "x", query: "dns.rrnmae:a"}}) {{'
        f" {FILTER_SET_RESULT} }} }}"
    )
    assert bad["data"]["createFilterSet"]["__typename"] == "ValidationError", bad
    assert "rrnmae" in bad["data"]["createFilterSet"]["message"]

    created = await graphql(
        f"""mutation {{ createFilterSet(input: {{name: "Resolvers", shared: true,
               query: "event_type:dns AND NOT dest_ip:@approved_resolvers"}}) {{
               {FILTER_SET_RESULT} }} }}"""
    )
    saved = created["data"]["createFilterSet"]
    assert saved["__typename"] == "FilterSet", created
    assert saved["source"] == "saved"

    fetched = await graphql(
        "query($id: ID!) { filterSet(id: $id) { name query } }", {"id": saved["id"]}
    )
    assert fetched["data"]["filterSet"] == {
        "name": "Resolvers",
        "query": "event_type:dns AND NOT dest_ip:@approved_resolvers",
    }
    deleted = await graphql(
        "mutation($id: ID!) { deleteFilterSet(id: $id) { __typename } }", {"id": saved["id"]}
    )
    assert deleted["data"]["deleteFilterSet"]["__typename"] == "Deleted"
    gone = await graphql("query($id: ID!) { filterSet(id: $id) { id } }", {"id": saved["id"]})
    assert gone == {"data": {"filterSet": None}}


async def test_a_tenant_reference_list_is_replaced_and_read(graphql: GraphQL) -> None:
    put = await graphql(
        """mutation { putReferenceList(name: "approved_resolvers", input: {items: [
               {value: "10.0.0.53"}, {value: "10.1.0.0/16"}]}) {
             __typename ... on ReferenceListInfo { name itemCount editable shipped } } }"""
    )
    assert put["data"]["putReferenceList"] == {
        "__typename": "ReferenceListInfo",
        "name": "approved_resolvers",
        "itemCount": 2,
        "editable": True,
        "shipped": False,
    }, put
    read = await graphql(
        """query { referenceList(name: "approved_resolvers") { info { itemCount }
                     items { value } nextOffset }
                   referenceLists { name } }"""
    )
    assert "errors" not in read, read
    assert sorted(item["value"] for item in read["data"]["referenceList"]["items"]) == [
        "10.0.0.53",
        "10.1.0.0/16",
    ]
    assert "approved_resolvers" in {item["name"] for item in read["data"]["referenceLists"]}
    missing = await graphql('query { referenceList(name: "no_such_list") { info { name } } }')
    assert missing == {"data": {"referenceList": None}}
