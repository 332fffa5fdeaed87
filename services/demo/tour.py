"""The headline hunt, asked of the running product the way an analyst's UI would ask it.

After the demo data is stored, `headline_hunt` runs the guided filter *Policy: Public DNS queries*
and the host search "hosts with logged-in users among its results" through the real REST API
(the all-in-one app over `httpx.ASGITransport`), and `render` prints what they found.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

from services import allinone
from services.core.deps import Deps

PUBLIC_DNS = "catalog:policy-public-dns"
CLIENTS = "net_info.internal:true"  # the organization's hosts, not the resolvers they asked


@dataclass(frozen=True)
class HuntSummary:
    events: int
    departments: list[tuple[str, int]]
    resolvers: list[tuple[str, int]]
    hosts: list[dict[str, Any]]
    logged_in: list[dict[str, Any]]


async def _ask(deps: Deps, token: str, start: str, end: str) -> HuntSummary:
    transport = httpx.ASGITransport(app=allinone.create_app(deps))
    headers = {"Authorization": f"Token {token}"}
    window = {"from": start, "to": end}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sightline", headers=headers, timeout=120
    ) as client:
        run = await client.get(f"/api/v1/filter-sets/{PUBLIC_DNS}/run", params=window)
        run.raise_for_status()
        hosts = await client.get(
            "/api/v1/hosts",
            params={**window, "filter_set": PUBLIC_DNS, "host_query": CLIENTS, "limit": 100},
        )
        hosts.raise_for_status()
        logged = await client.get(
            "/api/v1/hosts",
            params={
                **window,
                "filter_set": PUBLIC_DNS,
                "host_query": f"{CLIENTS} AND logged_in:true",
            },
        )
        logged.raise_for_status()
    facets = {f["field"]: f["buckets"] for f in run.json()["facets"]}
    return HuntSummary(
        events=run.json()["count"],
        departments=[(b["value"], b["count"]) for b in facets.get("net_info.src_dept", [])],
        resolvers=[(b["value"], b["count"]) for b in facets.get("dest_ip", [])],
        hosts=hosts.json()["items"],
        logged_in=logged.json()["items"],
    )


def headline_hunt(deps: Deps, token: str, start: str, end: str) -> HuntSummary:
    return asyncio.run(_ask(deps, token, start, end))


def _host_line(host: dict[str, Any]) -> str:
    names = ", ".join(host["hostnames"][:1]) or "?"
    # one name per user, though Kerberos, NTLMSSP and RDP may each have seen it
    users = ", ".join(dict.fromkeys(u["name"] for u in host["users"] if u["logged_in"])) or "-"
    return (
        f"      {host['ip']:<15} {names:<20} {host['events'] or 0:>5} events   users now: {users}"
    )


def render(summary: HuntSummary) -> list[str]:
    def pairs(items: list[tuple[str, int]]) -> str:
        return ", ".join(f"{value} ({count})" for value, count in items[:8])

    lines = [
        "  Policy: Public DNS queries (through the REST API):",
        f"    {summary.events} events from {len(summary.hosts)} hosts",
        f"    departments: {pairs(summary.departments)}",
        f"    resolvers:   {pairs(summary.resolvers)}",
        f"    hosts with a user logged in now: {len(summary.logged_in)}",
    ]
    lines += [_host_line(host) for host in summary.logged_in]
    return lines
