"""Host search: hosts whose attributes match a host query, optionally among the hosts of the
events matching an event query (a hunt), with how many of those events each host has.

`host_query` is the filter language over host fields (`services.core.host_fields`); `query` is
the filter language over events (`fields.EVENT_FIELDS`); `filter_set` names a hunt whose query
is used as `query` (see `filter_sets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from ipaddress import IPv6Address
from typing import Any

from services.core import fields, host_filter, lists
from services.core.clickhouse import Client
from services.core.filters import compile_filter, parse_query
from services.core.host_fields import (
    HOST_FIELDS,
    HOSTNAME_ATTRIBUTES,
    PROXY_CLIENT,
    ROLE_ATTRIBUTES,
    USER_ATTRIBUTES,
)
from services.hosts import document, roles, store
from services.hosts.models import HostListItem

DETAIL_ATTRIBUTES = (*HOSTNAME_ATTRIBUTES, *USER_ATTRIBUTES, *ROLE_ATTRIBUTES)
PRESENCE = "event_type"  # every event of a host, either side: its first / last seen
HUNT_PAGE_ATTRIBUTES = (*DETAIL_ATTRIBUTES, PRESENCE)
SORTS = tuple(store.ORDERS)


@dataclass(frozen=True)
class SearchRequest:
    tenant: str
    host_query: str
    query: str
    start: datetime
    end: datetime
    reference: datetime
    window_s: int
    sort: str
    limit: int
    offset: int
    timeout_s: int


def search_hosts(ch: Client, req: SearchRequest) -> tuple[list[HostListItem], bool]:
    """One page of matching hosts and whether there are more."""
    host_query = parse_query(req.host_query, HOST_FIELDS)
    lists.check_references(ch, req.tenant, host_query)
    condition = host_filter.compile_host_query(host_query, req.tenant, "h_")
    host_params = host_filter.bound_params(
        condition, "h_", req.tenant, req.start, req.end, req.reference, req.window_s
    )
    event_where = None
    if req.query.strip():
        event_query = parse_query(req.query)
        # the hunt's lists, checked and their current versions bound (as the hunts API does)
        versions = lists.check_references(ch, req.tenant, event_query)
        compiled = compile_filter(
            event_query, fields.EVENT_FIELDS, tenant=req.tenant, versions=versions
        )
        event_where = host_filter.HostSql(compiled.sql, compiled.params)
    if event_where is not None and req.sort == "events":
        hits, details, more = _hunt_page(ch, req, condition.having, host_params, event_where)
    else:
        hits = store.search_hosts(
            ch,
            req.tenant,
            condition.having,
            host_params,
            event_where,
            req.start,
            req.end,
            req.sort,
            req.limit + 1,
            req.offset,
            req.timeout_s,
        )
        more = len(hits) > req.limit
        hits = hits[: req.limit]
        details = _details(ch, req, [h.ip for h in hits], DETAIL_ATTRIBUTES)
    rows_by_ip: dict[str, list[store.AttributeRow]] = {}
    for ip, row in details:
        rows_by_ip.setdefault(document.ip_text(ip), []).append(row)
    items = []
    for hit in hits:
        text = document.ip_text(hit.ip)
        rows = _with_client_counts(rows_by_ip.get(text, []))
        items.append(
            HostListItem(
                ip=text,
                first_seen=hit.first_seen,
                last_seen=hit.last_seen,
                events=hit.events,
                hostnames=list(dict.fromkeys(h.name for h in document.hostnames_from_rows(rows))),
                users=document.users_from_rows(rows, req.reference, req.window_s),
                roles=[r.name for r in roles.roles_from_rows(rows)],
            )
        )
    return items, more


def _details(
    ch: Client, req: SearchRequest, ips: list[IPv6Address], attributes: tuple[str, ...]
) -> list[tuple[IPv6Address, store.AttributeRow]]:
    return store.host_details(ch, req.tenant, ips, attributes, req.start, req.end, req.timeout_s)


def _hunt_page(
    ch: Client,
    req: SearchRequest,
    having: str,
    host_params: dict[str, Any],
    event_where: host_filter.HostSql,
) -> tuple[list[store.HostHit], list[tuple[IPv6Address, store.AttributeRow]], bool]:
    """A hunt's matching hosts by event count: the page first (`store.hunt_page`), then its
    details with the presence rows that give first / last seen (hosts without any in the
    range are left out, as in every host search); and whether there are more."""
    page = store.hunt_page(
        ch,
        req.tenant,
        having,
        host_params,
        event_where,
        req.start,
        req.end,
        req.limit + 1,
        req.offset,
        req.timeout_s,
    )
    details = _details(ch, req, [ip for ip, _n in page[: req.limit]], HUNT_PAGE_ATTRIBUTES)
    seen: dict[IPv6Address, tuple[datetime, datetime]] = {}
    for ip, row in details:
        if row.attribute == PRESENCE:
            first, last = seen.get(ip, (row.first_seen, row.last_seen))
            seen[ip] = (min(first, row.first_seen), max(last, row.last_seen))
    hits = [store.HostHit(ip, *seen[ip], n) for ip, n in page[: req.limit] if ip in seen]
    return hits, details, len(page) > req.limit


def _with_client_counts(rows: list[store.AttributeRow]) -> list[store.AttributeRow]:
    """Fill `distinct` of proxy_client rows (the proxy role counts them) from the page rows."""
    clients = sum(1 for r in rows if r.attribute == PROXY_CLIENT)
    return [
        store.AttributeRow(
            r.attribute, r.value, r.first_seen, r.last_seen, r.count, r.amount, clients
        )
        if r.attribute == PROXY_CLIENT
        else r
        for r in rows
    ]
