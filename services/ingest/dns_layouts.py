"""The DNS layouts of EVE → one set of canonical columns.

- v1 (Suricata ≤ 4): one event per query or per answer record: `type: query|answer`, `rrname`,
  `rrtype`, `rdata`.
- v2 (Suricata 5 to 7): `version: 2`, `type: query|answer`, `rrname`/`rrtype` of the query,
  `answers[]` records (`detailed`) and/or `grouped: {rrtype: [rdata, ...]}`.
- v3 (Suricata 8): `version: 3`, `type: request|response`, `queries[]`, `answers[]`.
- the `dns` block of `alert` events: v3 as above, or the older `{"query": [...]}` /
  `{"answer": {...}}` sub-objects.

Canonical values: `dns_type` is `query` or `answer`; `dns_rrname` is the (first) query name,
lower-cased with the trailing dot stripped; `dns_answers` / `dns_answer_types` are the answers'
rdata and rrtypes in order (records without a textual `rdata`, e.g. SOA, are left out).
"""

from __future__ import annotations

from typing import Any

_TYPES = {
    "query": "query",
    "request": "query",
    "answer": "answer",
    "response": "answer",
}


def dns_columns(dns: dict[str, Any], row: dict[str, Any]) -> None:
    """Fill the canonical `dns_*` columns of `row` from an EVE `dns` block of any layout."""
    if "queries" in dns or dns.get("version") == 3:
        _v3(dns, row)
        return
    query = dns.get("query")
    answer = dns.get("answer")
    if isinstance(query, list | dict) or isinstance(answer, dict):
        _alert_blocks(query, answer, row)
        return
    _v1_v2(dns, row)


def canonical_name(name: str) -> str:
    """A DNS name as stored: lower-case, without the trailing dot of the root."""
    name = name.strip().lower()
    return name[:-1] if name.endswith(".") and len(name) > 1 else name


def _v3(dns: dict[str, Any], row: dict[str, Any]) -> None:
    row["dns_type"] = _TYPES.get(_text(dns.get("type")), "query")
    _common(dns, row)
    queries = dns.get("queries")
    if isinstance(queries, list) and queries and isinstance(queries[0], dict):
        first = queries[0]
        _name_and_type(first, row)
    answers = dns.get("answers")
    if isinstance(answers, list):
        _answer_records(answers, row)


def _v1_v2(dns: dict[str, Any], row: dict[str, Any]) -> None:
    row["dns_type"] = _TYPES.get(_text(dns.get("type")), "query")
    _common(dns, row)
    _name_and_type(dns, row)
    answers = dns.get("answers")
    if isinstance(answers, list):
        _answer_records(answers, row)
        return
    grouped = dns.get("grouped")
    if isinstance(grouped, dict):
        _grouped(grouped, row)
        return
    rdata = dns.get("rdata")
    if rdata is not None and row["dns_type"] == "answer":
        row["dns_answers"] = [_text(rdata)]
        row["dns_answer_types"] = [_text(dns.get("rrtype"))]


def _alert_blocks(query: Any, answer: Any, row: dict[str, Any]) -> None:
    first = query[0] if isinstance(query, list) and query else query
    if isinstance(answer, dict):
        _v1_v2(answer, row)
        if isinstance(first, dict) and first.get("rrname") is not None:
            _name_and_type(first, row)
    elif isinstance(first, dict):
        _v1_v2(first, row)


def _common(dns: dict[str, Any], row: dict[str, Any]) -> None:
    ident = dns.get("id")
    if type(ident) is int and 0 <= ident <= 0xFFFFFFFF:
        row["dns_id"] = ident
    rcode = dns.get("rcode")
    if rcode is not None:
        row["dns_rcode"] = _text(rcode)


def _name_and_type(record: dict[str, Any], row: dict[str, Any]) -> None:
    rrname = record.get("rrname")
    if rrname is not None:
        row["dns_rrname"] = canonical_name(_text(rrname))
    rrtype = record.get("rrtype")
    if rrtype is not None:
        row["dns_rrtype"] = _text(rrtype)


def _answer_records(answers: list[Any], row: dict[str, Any]) -> None:
    values: list[str] = []
    types: list[str] = []
    for record in answers:
        if isinstance(record, dict):
            rdata = record.get("rdata")
            if rdata is not None and not isinstance(rdata, dict | list):
                values.append(_text(rdata))
                types.append(_text(record.get("rrtype")))
    if values:
        row["dns_answers"] = values
        row["dns_answer_types"] = types


def _grouped(grouped: dict[str, Any], row: dict[str, Any]) -> None:
    values: list[str] = []
    types: list[str] = []
    for rrtype, rdatas in grouped.items():
        if isinstance(rdatas, list):
            for rdata in rdatas:
                if rdata is not None and not isinstance(rdata, dict | list):
                    values.append(_text(rdata))
                    types.append(rrtype)
    if values:
        row["dns_answers"] = values
        row["dns_answer_types"] = types


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    return "" if value is None else str(value)
