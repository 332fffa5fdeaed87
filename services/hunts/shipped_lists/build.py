"""Dev-time conversion of the reference DNS data into the shipped list files (run once, commit).

    .venv/bin/python -m services.hunts.shipped_lists.build [/path/to/shared/reference/dns]

Reads the merged resolver CSVs and the value lists described in the reference README and writes
one compact TSV per list under `data/` (`value<TAB>match<TAB>attrs-json`). Rows whose only
source is GPL-3.0 licensed (dibdot, HaGeZi) go to `data/gpl-3.0/` — a separate data file under
that license, as the reference README advises — and the loader merges both at install time.
Every row keeps its upstream source tags (ET sids, Sigma rule files) as attribution.
Never run at service start: the product does not read the reference directory at run time.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
GPL = DATA / "gpl-3.0"
DEFAULT_SOURCE = Path(__file__).resolve().parents[4] / "shared" / "reference" / "dns"
GPL_SOURCES = {"dibdot", "hagezi-spam-tlds"}
DOMAIN = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_-]{0,62}[a-z0-9_])?\.)+[a-z0-9-]{2,63}$")
LABEL = re.compile(r"^[a-z0-9-]{1,63}$")

Row = tuple[str, str, dict[str, object]]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def source_tags(text: str) -> list[str]:
    return [tag.strip() for tag in text.split(";") if tag.strip()]


def only_gpl(sources: Iterable[str]) -> bool:
    families = {tag.split(":")[0] for tag in sources}
    return bool(families) and families <= GPL_SOURCES


def write(name: str, rows: list[Row]) -> dict[str, int]:
    """Write `data/<name>.tsv` and `data/gpl-3.0/<name>.tsv`; return the row counts."""
    free = sorted(r for r in rows if not only_gpl(_sources(r)))
    gpl = sorted(r for r in rows if only_gpl(_sources(r)))
    counts = {}
    for folder, part in ((DATA, free), (GPL, gpl)):
        path = folder / f"{name}.tsv"
        if not part:
            path.unlink(missing_ok=True)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        lines = [
            f"{value}\t{match}\t{json.dumps(attrs, sort_keys=True)}" for value, match, attrs in part
        ]
        path.write_text("\n".join(lines) + "\n")
        counts[folder.name] = len(part)
    return counts


def _sources(row: Row) -> list[str]:
    value = row[2].get("source", [])
    return [str(v) for v in value] if isinstance(value, list) else []


def excluded_ips(src: Path) -> set[str]:
    return {str(ipaddress.ip_address(r["ip"])) for r in read(src / "public_resolvers_excluded.csv")}


def resolver_lists(src: Path) -> dict[str, list[Row]]:
    excluded = excluded_ips(src)
    everything: list[Row] = []
    for r in read(src / "public_resolvers.csv"):
        ip = str(ipaddress.ip_address(r["ip"]))
        if ip in excluded:
            continue
        protocols = [p for p in r["protocols"].split(";") if p]
        attrs: dict[str, object] = {
            "provider": r["provider"],
            "protocols": protocols,
            "source": source_tags(r["source"]),
        }
        everything.append((ip, "exact", attrs))

    def having(protocol: str) -> list[Row]:
        return [row for row in everything if protocol in row[2]["protocols"]]  # type: ignore[operator]

    return {
        "public_resolvers": everything,
        "public_resolvers_do53": having("do53"),
        "doh_resolvers": having("doh"),
        "dot_resolvers": having("dot"),
        "dnscrypt_resolvers": having("dnscrypt"),
    }


def hostname_lists(src: Path) -> dict[str, list[Row]]:
    doh: list[Row] = []
    odoh: list[Row] = []
    for r in read(src / "doh_hostnames.csv"):
        name = r["hostname"].strip().lower().rstrip(".")
        sources = source_tags(r["source"])
        row: Row = (name, "exact", {"provider": r["provider"], "source": sources})
        doh.append(row)
        if "dnscrypt-v3-odoh" in sources or "odoh" in name:
            odoh.append(row)
    dot: list[Row] = []
    doq: list[Row] = []
    for r in read(src / "dot_doq_hostnames.csv"):
        protocols = [p for p in r["protocols"].split(";") if p]
        attrs: dict[str, object] = {
            "provider": r["provider"],
            "protocols": protocols,
            "source": source_tags(r["source"]),
        }
        name = r["hostname"].strip().lower().rstrip(".")
        dot.append((name, "exact", attrs))
        if "doq" in protocols:
            doq.append((name, "exact", attrs))
    relay: list[Row] = [
        (r["hostname"], "exact", {"provider": r["provider"], "source": source_tags(r["source"])})
        for r in read(src / "encrypted_dns_hostnames_excluded.csv")
        if "Private Relay" in r["reason"]
    ]
    return {
        "doh_hostnames": doh,
        "odoh_hostnames": odoh,
        "dot_doq_hostnames": dot,
        "doq_hostnames": doq,
        "private_relay_hostnames": relay,
    }


def domain_row(value: str, match: str, attrs: dict[str, object]) -> Row | None:
    """A name-list row for the list engine (exact or suffix), or None when not expressible.

    `contains` values that are whole domain names become suffix matches; prefixes, globs and
    fragments cannot be matched label-wise and are skipped (counted in PROVENANCE.md).
    """
    name = value.strip().lower().rstrip(".")
    if name.startswith("*."):
        name, match = name[2:], "suffix"
    if name.startswith("."):
        name, match = name[1:], "suffix"
    if match == "contains" and DOMAIN.match(name):
        match = "suffix"
    if match not in ("exact", "suffix") or not DOMAIN.match(name):
        return None
    return (name, match, attrs)


def value_lists(src: Path) -> tuple[dict[str, list[Row]], dict[str, int]]:
    lists: dict[str, list[Row]] = {}
    skipped: dict[str, int] = {}
    simple = {
        "dyndns_domains": "dyndns_domains.csv",
        "tunneling_domains": "tunneling_domains.csv",
        "oast_interaction_domains": "oast_interaction_domains.csv",
        "paste_sites": "paste_sites.csv",
        "file_sharing_domains": "file_sharing_domains.csv",
        "web_service_c2_domains": "web_service_c2_domains.csv",
        "crypto_mining_pools": "crypto_mining_pools.csv",
        "tor2web_domains": "tor2web_domains.csv",
        "external_ip_lookup_domains": "external_ip_lookup_domains.csv",
        "url_shortener_domains": "url_shortener_domains.csv",
        "ip_logger_domains": "ip_logger_domains.csv",
        "proxy_anonymizer_domains": "proxy_anonymizer_domains.csv",
        "remote_access_domains": "remote_access_domains.csv",
    }
    for name, file_name in simple.items():
        rows: dict[str, Row] = {}
        dropped = 0
        for r in read(src / "lists" / file_name):
            attrs: dict[str, object] = {"source": source_tags(r["source"])}
            if r.get("tool"):
                attrs["tool"] = r["tool"]
            row = domain_row(r["value"], r["match"], attrs)
            if row is None:
                dropped += 1
                continue
            rows.setdefault(row[0], row)
        lists[name] = list(rows.values())
        skipped[name] = dropped
    tlds = [
        (
            r["tld"].strip().lower(),
            "suffix",
            {"sources_agreeing": int(r["n_source_families"]), "source": source_tags(r["source"])},
        )
        for r in read(src / "lists" / "suspicious_tlds.csv")
        if LABEL.match(r["tld"].strip().lower())
    ]
    lists["suspicious_tlds"] = tlds
    lists["suspicious_tlds_strong"] = [
        row for row in tlds if int(str(row[2]["sources_agreeing"])) >= 2
    ]
    lists["alt_root_tlds"] = [
        (
            r["tld"].strip().lower(),
            "suffix",
            {"root": r["root"], "source": source_tags(r["source"])},
        )
        for r in read(src / "lists" / "alt_root_tlds.csv")
    ]
    lists["tor2web_domains"].append(("onion", "suffix", {"source": ["curated"]}))
    ja3 = read(src / "lists" / "ja3_hashes_et_open.csv")
    for kind in ("ja3", "ja3s"):
        lists[f"{kind}_malicious"] = [
            (
                r["hash"].lower(),
                "exact",
                {
                    "label": r["label"],
                    "enabled": r["enabled"] == "1",
                    "source": source_tags(r["source"]),
                },
            )
            for r in ja3
            if r["type"] == kind
        ]
    lists["user_agents_tools"] = [
        (
            r["substring"],
            r["match"],
            {"tool": r["tool"], "category": r["category"], "source": source_tags(r["source"])},
        )
        for r in read(src / "lists" / "user_agents_tools.csv")
    ]
    lists["user_agents_malware"] = [
        (
            r["user_agent"],
            "wildcard" if "*" in r["user_agent"] else "exact",
            {"source": source_tags(r["source"])},
        )
        for r in read(src / "lists" / "user_agents_malware_exact.csv")
        if "\t" not in r["user_agent"] and "\n" not in r["user_agent"]
    ]
    ports = read(src / "lists" / "ports_reference.csv")
    for kind in ("dns", "stratum", "malware_callback", "cleartext"):
        lists[f"{kind}_ports"] = [
            (r["port"], "exact", {"note": r["note"], "source": source_tags(r["source"])})
            for r in ports
            if r["list"] == kind
        ]
    return lists, skipped


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    lists = {**resolver_lists(src), **hostname_lists(src)}
    values, skipped = value_lists(src)
    lists.update(values)
    for name, rows in sorted(lists.items()):
        counts = write(name, rows)
        print(f"{name}: {counts} skipped={skipped.get(name, 0)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
