"""Property tests: generated ASTs print to text that parses back to the same AST, and every
generated filter compiles and runs on the real engine."""

from __future__ import annotations

import ipaddress

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.core import fields
from services.core.clickhouse import Client
from services.core.filters import Node, Not, Range, Term, compile_filter, parse_query, to_text
from services.core.filters.ast import and_, or_

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\t"),
    max_size=12,
)
LITERAL = st.text(alphabet=st.sampled_from("ab.-_:/()\"' \\%é*?@"), min_size=1, max_size=5)
STRING_FIELDS = st.sampled_from(
    ["http.url", "alert.signature", "dns.rrname", "tls.sni", "hostname_info.domain", "net_info"]
)
RAW_FIELDS = st.sampled_from(["smb.ntlmssp.version", "alert.metadata.source", "dcerpc.req.opnum"])
INT_FIELDS = st.sampled_from(["dest_port", "port", "flow.bytes_toserver", "alert.severity"])
IP_FIELDS = st.sampled_from(["src_ip", "dest_ip", "ip"])
LIST_NAMES = st.from_regex(r"\A[a-z0-9_][a-z0-9_.\-]{0,10}\Z")
IPS = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)).map(str)


@st.composite
def networks(draw: st.DrawFn) -> str:
    address = draw(st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)))
    prefix = draw(st.integers(0, address.max_prefixlen))
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def escape_literal(text: str) -> str:
    return "".join("\\" + c if c in "*?\\" else c for c in text)


@st.composite
def wildcard_patterns(draw: st.DrawFn) -> str:
    """A pattern with at least one wildcard and a literal part (`*` alone means exists)."""
    wildcards = st.sampled_from(["*", "?"])
    parts = draw(st.lists(st.one_of(wildcards, LITERAL.map(escape_literal)), max_size=3))
    return "".join([*parts, draw(LITERAL.map(escape_literal)), draw(wildcards)])


REGEXES = st.lists(
    st.sampled_from(["a", "b", "\\.", ".*", "[0-9]+", "(x|y)", "/", "é", "\\d{2}"]),
    min_size=1,
    max_size=5,
).map("".join)


def ranges(bounds: st.SearchStrategy[str]) -> st.SearchStrategy[Range]:
    return st.one_of(
        st.builds(lambda lo, inc: Range(lo, None, inc, True), bounds, st.booleans()),
        st.builds(lambda hi, inc: Range(None, hi, True, inc), bounds, st.booleans()),
        st.builds(Range, bounds, bounds, st.booleans(), st.booleans()),
    )


INTS = st.integers(0, 70000).map(str)
TERMS: st.SearchStrategy[Node] = st.one_of(
    st.builds(Term, STRING_FIELDS, st.just("eq"), TEXT),
    st.builds(Term, STRING_FIELDS, st.just("wildcard"), wildcard_patterns()),
    st.builds(Term, STRING_FIELDS, st.just("regex"), REGEXES),
    st.builds(Term, STRING_FIELDS, st.just("range"), ranges(TEXT)),
    st.builds(Term, STRING_FIELDS, st.just("in_list"), LIST_NAMES),
    st.builds(Term, INT_FIELDS, st.just("eq"), INTS),
    st.builds(Term, INT_FIELDS, st.just("range"), ranges(INTS)),
    st.builds(Term, INT_FIELDS, st.just("in_list"), LIST_NAMES),
    st.builds(Term, IP_FIELDS, st.just("eq"), IPS),
    st.builds(Term, IP_FIELDS, st.just("cidr"), networks()),
    st.builds(Term, IP_FIELDS, st.just("range"), ranges(IPS)),
    st.builds(Term, IP_FIELDS, st.just("in_list"), LIST_NAMES),
    st.builds(Term, RAW_FIELDS, st.just("eq"), TEXT),
    st.builds(Term, RAW_FIELDS, st.just("wildcard"), wildcard_patterns()),
    st.builds(Term, RAW_FIELDS, st.just("range"), ranges(INTS)),
    st.builds(Term, RAW_FIELDS, st.just("regex"), REGEXES),
    st.builds(
        Term,
        st.sampled_from(["tls.sni", "dest_ip", "tag", "smb.ntlmssp.version", "timestamp"]),
        st.just("exists"),
    ),
    st.builds(Term, st.just("tag"), st.just("eq"), st.sampled_from(["relevant", "x y"])),
    st.builds(Term, st.just(None), st.just("eq"), TEXT),
    st.builds(Term, st.just(None), st.just("wildcard"), wildcard_patterns()),
    st.builds(
        Term,
        st.just("timestamp"),
        st.just("range"),
        ranges(st.sampled_from(["2026-01-01T00:00:00", "2026-11-30T23:59:59.5+02:00"])),
    ),
)


def trees(leaves: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.lists(leaves, min_size=2, max_size=4).map(and_),
        st.lists(leaves, min_size=2, max_size=4).map(or_),
        leaves.map(Not),
    )


ASTS = st.recursive(TERMS, trees, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(ASTS)
def test_text_round_trips_to_the_same_ast(ast: Node) -> None:
    text = to_text(ast)
    assert parse_query(text) == ast, text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ASTS)
def test_every_generated_filter_compiles_and_runs(engine: Client, ast: Node) -> None:
    compiled = compile_filter(ast, fields.EVENT_FIELDS, "property-tenant")
    sql = compiled.embed("SELECT count() FROM events WHERE tenant = {tenant:String} AND $filter")
    rows = engine.query(sql, parameters={"tenant": "property-tenant", **compiled.params})
    assert rows.result_rows[0][0] >= 0
