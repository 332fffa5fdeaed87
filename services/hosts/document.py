"""The host document: every attribute of one host with values, first/last seen and counts,
plus what is derived from them — hostnames, users (with `logged_in`), roles and a summary."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from ipaddress import IPv6Address

from services.core.host_fields import HOSTNAME_ATTRIBUTES, USER_ATTRIBUTES
from services.hosts import attributes, roles
from services.hosts.models import (
    AttributeRead,
    HostnameRead,
    HostRead,
    HostSummary,
    UserRead,
    ValueRead,
)
from services.hosts.store import AttributeRow


def ip_text(ip: IPv6Address) -> str:
    return str(ip.ipv4_mapped or ip)


def is_logged_in(row: AttributeRow, reference: datetime, window_s: int) -> bool:
    """Seen within the logged-in window before the reference time (as `logged_in:true`)."""
    return row.last_seen >= reference - timedelta(seconds=window_s) and row.first_seen <= reference


def users_from_rows(rows: list[AttributeRow], reference: datetime, window_s: int) -> list[UserRead]:
    users = [
        UserRead(
            name=r.value,
            source=r.attribute,
            first_seen=r.first_seen,
            last_seen=r.last_seen,
            count=r.count,
            logged_in=is_logged_in(r, reference, window_s),
        )
        for r in rows
        if r.attribute in USER_ATTRIBUTES
    ]
    return sorted(users, key=lambda u: u.last_seen, reverse=True)


def hostnames_from_rows(rows: list[AttributeRow]) -> list[HostnameRead]:
    names = [
        HostnameRead(
            name=r.value,
            source=r.attribute,
            first_seen=r.first_seen,
            last_seen=r.last_seen,
            count=r.count,
        )
        for r in rows
        if r.attribute in HOSTNAME_ATTRIBUTES
    ]
    return sorted(names, key=lambda h: h.last_seen, reverse=True)


def summary_from(by_attribute: dict[str, list[AttributeRow]]) -> HostSummary:
    def total(name: str) -> int:
        return sum(r.count for r in by_attribute.get(name, []))

    def distinct(name: str) -> int:
        found = by_attribute.get(name, [])
        return found[0].distinct if found else 0

    traffic = {r.value: r for r in by_attribute.get("traffic", [])}
    sent, received = traffic.get("sent"), traffic.get("received")
    return HostSummary(
        events=total("event_type"),
        events_by_type={r.value: r.count for r in by_attribute.get("event_type", [])},
        alerts=total("alert_signature"),
        flows=sent.count if sent else 0,
        bytes_sent=sent.amount if sent else 0,
        bytes_received=received.amount if received else 0,
        peers=distinct("client_peer") + distinct("server_peer"),
        services=distinct("service"),
        users=sum(distinct(a) for a in USER_ATTRIBUTES),
    )


def host_document(
    ip: IPv6Address,
    rows: list[AttributeRow],
    reference: datetime,
    window_s: int,
    per_attribute: int,
) -> HostRead:
    """The document of a host from its rows (`store.host_rows`, not empty)."""
    by_attribute: dict[str, list[AttributeRow]] = defaultdict(list)
    for row in rows:
        by_attribute[row.attribute].append(row)
    seen = by_attribute.get("event_type") or rows
    documented = {}
    for name, found in by_attribute.items():
        meta = attributes.BY_NAME.get(name)
        if meta is None:
            continue  # an attribute newer than this service's catalog
        documented[name] = AttributeRead(
            name=name,
            kind=meta.kind,
            description=meta.description,
            source=meta.source,
            distinct=found[0].distinct,
            truncated=found[0].distinct > per_attribute,
            values=[
                ValueRead(
                    value=r.value,
                    first_seen=r.first_seen,
                    last_seen=r.last_seen,
                    count=r.count,
                    amount=r.amount,
                )
                for r in found
            ],
        )
    return HostRead(
        ip=ip_text(ip),
        first_seen=min(r.first_seen for r in seen),
        last_seen=max(r.last_seen for r in seen),
        reference_time=reference,
        logged_in_window_s=window_s,
        hostnames=hostnames_from_rows(rows),
        users=users_from_rows(rows, reference, window_s),
        roles=roles.roles_from_rows(rows),
        summary=summary_from(by_attribute),
        attributes=documented,
    )
