"""The filter language: one AST, two surface forms, compiled to bound ClickHouse SQL.

Text form (Lucene-like, as in Kibana and Stamus):

    event_type:dns AND NOT dest_ip:"10.0.0.0/8" AND dns.rrname:*.example.com

- `field:value` — exact match. Name fields (`dns.rrname`, `tls.sni`, `http.hostname`,
  `hostname_info.*`, hashes, `event_type`, `app_proto`) compare case-insensitively (they are
  stored lower-case); `proto`, `dns.rrtype`, `dns.rcode`, `http.http_method` upper-case; other
  strings exactly. `field:"quoted value"` with `\\"` and `\\\\` escapes; a quoted value is
  always literal (`*` inside quotes is a star).
- `field:*.example.com`, `field:ab?d` — wildcards (`*` any run, `?` one character), matched
  case-insensitively over the whole value; `\\*` is a literal star.
- `field:/regex/` — RE2 regex matching the WHOLE value (as in Elasticsearch), plus Lucene's
  numeric interval `<16-31>`; lookaround and backreferences are rejected.
- `field:>10`, `>=`, `<`, `<=`, `field:[10 TO 20]` (inclusive), `{10 TO 20}` (exclusive), `*` for
  an open bound — numbers, datetimes (ISO 8601, UTC if no offset), IPs, strings.
- IP fields (`src_ip`, `dest_ip`, `ip`): an address, a CIDR (`dest_ip:10.0.0.0/8`, quoted or not;
  IPv4 networks match IPv4-mapped addresses), or a trailing IPv4 wildcard `10.0.*`.
- `_exists_:field` or `field:*` — the field is present (non-empty, non-zero).
- `field:@list` — the value is in reference list `list` (the tenant's, else the shipped one): IP
  fields match its addresses and CIDRs; other fields match entries exactly, or the name or any of
  its subdomains for `suffix` entries, by prefix for `prefix`, by substring for `contains`.
- `field:(a OR b)`, `field:(a b)` — a group over one field (`field:a OR field:b`, `... AND ...`).
- `NOT x`, `-x`, `!x`; `a AND b`, `a && b`, `a b` (implicit AND); `a OR b`, `a || b`;
  parentheses. NOT binds tighter than AND, AND tighter than OR.
- A term without a field (`"mimikatz"`, `*admin*`) searches the original event text,
  case-insensitively. An empty query or `*` matches everything.

Fields are EVE paths (`dns.rrname`, `tls.ja3.hash`, `alert.signature_id`, `src_ip`), enrichments
(`hostname_info.domain`, `net_info.src_dept`), pseudo-fields `ip`, `port`, `net_info` (either side)
and `tag`, and Stamus aliases (`dns.query.rrname`; `.keyword` / `.raw` suffixes are ignored).
Other EVE paths (`smb.ntlmssp.version`, `alert.metadata.source`) are read from the stored
original event. Unknown fields are errors naming the closest known ones. Every error says where:
`unknown field "dns.rrnmae" at 1:1 — did you mean "dns.rrname"?`.

Structured form: Stamus filter-set `content` lists, see `services.core.filters.stamus`.

    ast = parse_query('event_type:dns AND dest_ip:@public_resolvers')
    ast = parse_stamus([{"id": "dns.query.rrname", "value": "x.com", "negated": False,
                         "fullString": True}])
    compiled = compile_filter(ast, fields.EVENT_FIELDS, tenant="acme")  # Compiled(sql, params)
    sql = compiled.embed("SELECT count() FROM events WHERE tenant = {tenant:String} AND $filter")
    ch.query(sql, parameters={"tenant": "acme", **compiled.params})
    to_text(ast)  # canonical text form; parse_query(to_text(ast)) == ast
    Filter.from_request(query, content).compile("acme")  # text and/or Stamus content, ANDed
"""

from services.core.filters.ast import And, MatchAll, Node, Not, Op, Or, Range, Term, to_text
from services.core.filters.compile import Compiled, compile_filter
from services.core.filters.filter import Filter, compile_for_events
from services.core.filters.stamus import parse_stamus, signature_hit_limits
from services.core.filters.text import parse_query

__all__ = [
    "And",
    "Compiled",
    "Filter",
    "MatchAll",
    "Node",
    "Not",
    "Op",
    "Or",
    "Range",
    "Term",
    "compile_filter",
    "compile_for_events",
    "parse_query",
    "parse_stamus",
    "signature_hit_limits",
    "to_text",
]
