"""The text form: every construct parses to the expected AST and prints back canonically;
every error says what and where."""

from __future__ import annotations

import pytest

from services.core.errors import Invalid
from services.core.filters import And, MatchAll, Not, Or, Range, Term, parse_query, to_text


@pytest.mark.parametrize(
    ("query", "ast"),
    [
        ("event_type:dns", Term("event_type", "eq", "dns")),
        ('tls.sni:"a b\\"c"', Term("tls.sni", "eq", 'a b"c')),
        ('http.url:"*literal*"', Term("http.url", "eq", "*literal*")),
        ("dns.rrname:*.example.com", Term("dns.rrname", "wildcard", "*.example.com")),
        ("dns.rrname:ab?d", Term("dns.rrname", "wildcard", "ab?d")),
        ("http.url:a\\*b", Term("http.url", "eq", "a*b")),
        ("http.url:a\\*b*", Term("http.url", "wildcard", "a\\*b*")),
        ("http.hostname:/10\\..*/", Term("http.hostname", "regex", "10\\..*")),
        ("http.url:/a\\/b/", Term("http.url", "regex", "a/b")),
        ("dest_port:>1024", Term("dest_port", "range", Range("1024", None, False))),
        ("dest_port:>=1024", Term("dest_port", "range", Range("1024", None, True))),
        ("dest_port:<10", Term("dest_port", "range", Range(None, "10", True, False))),
        ("dest_port:<=10", Term("dest_port", "range", Range(None, "10"))),
        ("dest_port:[1 TO 10]", Term("dest_port", "range", Range("1", "10"))),
        ("dest_port:{1 TO 10]", Term("dest_port", "range", Range("1", "10", False, True))),
        ("dest_port:[1 TO *]", Term("dest_port", "range", Range("1", None))),
        ("dest_port:[* TO *]", Term("dest_port", "exists")),
        ("_exists_:tls.sni", Term("tls.sni", "exists")),
        ("tls.sni:*", Term("tls.sni", "exists")),
        ("dest_ip:@public_resolvers", Term("dest_ip", "in_list", "public_resolvers")),
        ('dest_ip:"10.0.0.0/8"', Term("dest_ip", "cidr", "10.0.0.0/8")),
        ("dest_ip:10.0.0.0/8", Term("dest_ip", "cidr", "10.0.0.0/8")),
        ('dest_ip:"2001:db8::/32"', Term("dest_ip", "cidr", "2001:db8::/32")),
        ("dest_ip:2001:db8::1", Term("dest_ip", "eq", "2001:db8::1")),
        ("dns.query.rrname:x.com", Term("dns.rrname", "eq", "x.com")),
        ("http.hostname.keyword:x.com", Term("http.hostname", "eq", "x.com")),
        ("event_type.raw:flow", Term("event_type", "eq", "flow")),
        ('"mimikatz"', Term(None, "eq", "mimikatz")),
        ("*admin*", Term(None, "wildcard", "*admin*")),
        ("", MatchAll()),
        ("*", MatchAll()),
        ("*:*", MatchAll()),
        ("http.hostname.keyword: /x/", Term("http.hostname", "regex", "x")),
    ],
)
def test_terms_parse_to_the_expected_ast(query: str, ast: object) -> None:
    assert parse_query(query) == ast


A = Term("event_type", "eq", "dns")
B = Term("dest_port", "eq", "53")
C = Term("proto", "eq", "UDP")


@pytest.mark.parametrize(
    ("query", "ast"),
    [
        ("event_type:dns AND dest_port:53", And((A, B))),
        ("event_type:dns && dest_port:53", And((A, B))),
        ("event_type:dns dest_port:53", And((A, B))),
        ("event_type:dns OR dest_port:53", Or((A, B))),
        ("event_type:dns || dest_port:53", Or((A, B))),
        ("NOT event_type:dns", Not(A)),
        ("-event_type:dns", Not(A)),
        ("!event_type:dns", Not(A)),
        ("NOT(event_type:dns)", Not(A)),
        ("event_type:dns OR dest_port:53 AND proto:UDP", Or((A, And((B, C))))),
        ("(event_type:dns OR dest_port:53) AND proto:UDP", And((Or((A, B)), C))),
        ("event_type:dns AND (dest_port:53 AND proto:UDP)", And((A, B, C))),
        ("NOT (event_type:dns OR dest_port:53)", Not(Or((A, B)))),
        (
            "dest_port:(53 OR 5353)",
            Or((B, Term("dest_port", "eq", "5353"))),
        ),
        (
            "dest_port:(53 5353)",
            And((B, Term("dest_port", "eq", "5353"))),
        ),
        (
            "dns.rrname:(NOT a.com OR *.b.com)",
            Or((Not(Term("dns.rrname", "eq", "a.com")), Term("dns.rrname", "wildcard", "*.b.com"))),
        ),
        ("event_type:dns AND *", A),
        ("ANDROID:1 OR x", None),
    ],
)
def test_boolean_structure_and_precedence(query: str, ast: object) -> None:
    if ast is None:
        with pytest.raises(Invalid):
            parse_query(query)
        return
    assert parse_query(query) == ast


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("event_type:dns   &&  -dest_port:53", "event_type:dns AND NOT dest_port:53"),
        ("dns.query.rrname:X.com", "dns.rrname:X.com"),
        ("dest_port:(53 OR 5353) proto:udp", "(dest_port:53 OR dest_port:5353) AND proto:udp"),
        ("tls.sni:*", "_exists_:tls.sni"),
        ("dest_ip:10.0.0.0/8", 'dest_ip:"10.0.0.0/8"'),
        ("flow.age:{1 TO 5}", "flow.age:{1 TO 5}"),
        ("flow.age:[1 TO *]", "flow.age:>=1"),
        ('http.url:"a b"', 'http.url:"a b"'),
        ("http.url:a\\(b*", "http.url:a\\(b*"),
        ("NOT (a.com OR b)", 'NOT ("a.com" OR "b")'),
        ("event_type:AND\\ X", 'event_type:"AND X"'),
    ],
)
def test_to_text_is_canonical_and_reparses(query: str, canonical: str) -> None:
    ast = parse_query(query)
    assert to_text(ast) == canonical
    assert parse_query(canonical) == ast


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("dns.rrnmae:x", 'unknown field "dns.rrnmae" at 1:1 — did you mean "dns.rrname"'),
        (
            "event_type:dns AND tls.snii:x",
            'unknown field "tls.snii" at 1:20 — did you mean "tls.sni"',
        ),
        ("nosuchthing:x", 'unknown field "nosuchthing" at 1:1'),
        ("(event_type:dns OR dest_port:53", "unbalanced parenthesis at 1:1"),
        ("event_type:dns AND dest_port:53)", "unbalanced parenthesis at 1:32"),
        ("dest_ip:10.0.0.0/33", 'bad CIDR "10.0.0.0/33" at 1:9'),
        ('dest_ip:"10.0.0.0/33"', 'bad CIDR "10.0.0.0/33" at 1:9'),
        ("dest_port:http", "expected a number for dest_port at 1:11"),
        ("dest_port:[1 TO x]", "expected a number for dest_port at 1:11"),
        ("src_ip:not-an-ip", "expected an IP address for src_ip at 1:8"),
        ("src_ip:/10\\..*/", "regex is not supported for IP field src_ip at 1:1"),
        ("src_ip:10.*.1", "wildcards are not supported for IP field src_ip at 1:1"),
        ("http.url:/(?=a)b/", "bad regex /(?=a)b/ at 1:10: lookaround"),
        ("http.url:/(a)\\1/", "bad regex /(a)\\1/ at 1:10: backreferences"),
        ("http.url:/a(b/", "bad regex /a(b/ at 1:10"),
        ('http.url:"abc', "unterminated quoted value at 1:10"),
        ("http.url:/abc", "unterminated regex at 1:10"),
        ("http.url:", "expected a value for http.url at 1:10"),
        ("event_type:dns AND", "expected a term at 1:19"),
        ("AND event_type:dns", 'expected a term before "AND" at 1:1'),
        ("dest_port:[1 10]", 'expected "TO" in range at 1:14'),
        ("dest_ip:@", "expected a list name after @ at 1:10"),
        ("()", "empty group at 1:2"),
        ("timestamp:>yesterday", "expected an ISO 8601 datetime for timestamp at 1:11"),
        ("net_info.src_internal:maybe", "expected true or false for net_info.src_internal at 1:23"),
        ("event_type:dns\nAND dest_port:x", "expected a number for dest_port at 2:15"),
    ],
)
def test_errors_say_what_and_where(query: str, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_query(query)
    assert message in caught.value.message


def test_deep_nesting_is_refused_not_crashing() -> None:
    with pytest.raises(Invalid, match="nested deeper"):
        parse_query("(" * 500 + "event_type:dns" + ")" * 500)
    with pytest.raises(Invalid, match="nested deeper"):
        parse_query("NOT " * 500 + "event_type:dns")


def test_positions_are_kept_on_terms_but_not_compared() -> None:
    ast = parse_query("event_type:dns AND  dest_port:53")
    assert isinstance(ast, And)
    second = ast.items[1]
    assert isinstance(second, Term)
    assert (second.pos, second.value_pos) == ("1:21", "1:31")
    assert second == Term("dest_port", "eq", "53")
