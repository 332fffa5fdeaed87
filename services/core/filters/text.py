"""The text form: a hand-written recursive-descent parser for the Lucene-like language.

Grammar (NOT binds tighter than AND, AND tighter than OR; adjacent terms are ANDed):

    query   := or_expr | ""                      (empty or `*` matches everything)
    or_expr := and_expr (("OR" | "||") and_expr)*
    and_expr:= unary (("AND" | "&&")? unary)*
    unary   := ("NOT" | "-" | "!") unary | primary
    primary := "(" or_expr ")" | FIELD ":" value | FIELD ":" "(" group ")"
             | "_exists_:" FIELD | "*:*" | "*" | free-text
    value   := "quoted" | /regex/ | [a TO b] | {a TO b} | >x | >=x | <x | <=x | @list | * | bare

Field names are resolved in the registry while parsing (aliases become canonical names), and
the finished tree is compiled once so that every value error (bad number, IP, CIDR, regex) is
reported here, with its position.
"""

from __future__ import annotations

import re

from services.core import fields
from services.core.errors import Invalid
from services.core.filters.ast import (
    LIST_NAME,
    MatchAll,
    Node,
    Not,
    Range,
    Term,
    and_,
    or_,
)

FIELD_NAME = re.compile(r"[A-Za-z_@][A-Za-z0-9_.@\-]*")
LIST_CHARS = re.compile(r"[A-Za-z0-9_.\-]+")
DELIMITERS = frozenset(' \t\r\n()"')
KEYWORD_FOLLOWERS = frozenset(' \t\r\n("-!/')
MAX_LENGTH = 20_000
MAX_DEPTH = 100


def parse_query(text: str, registry: fields.Registry = fields.EVENT_FIELDS) -> Node:
    """The AST of a text query; raises `Invalid` saying what is wrong and where (line:col)."""
    if len(text) > MAX_LENGTH:
        raise Invalid(f"query too long ({len(text)} characters, at most {MAX_LENGTH})")
    node = _Parser(text, registry).parse()
    from services.core.filters.compile import compile_filter

    compile_filter(node, registry, tenant="")
    return node


class _Parser:
    def __init__(self, text: str, registry: fields.Registry) -> None:
        self.s = text
        self.i = 0
        self.registry = registry
        self.depth = 0

    # -- positions and errors

    def pos(self, index: int | None = None) -> str:
        index = self.i if index is None else index
        line = self.s.count("\n", 0, index) + 1
        column = index - (self.s.rfind("\n", 0, index) + 1) + 1
        return f"{line}:{column}"

    def error(self, message: str, index: int | None = None) -> Invalid:
        where = self.pos(index)
        return Invalid(f"{message} at {where}", {"position": where})

    # -- scanning

    def eof(self) -> bool:
        return self.i >= len(self.s)

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def keyword(self, word: str) -> bool:
        end = self.i + len(word)
        if self.s[self.i : end] != word:
            return False
        if end < len(self.s) and self.s[end] not in KEYWORD_FOLLOWERS:
            return False
        self.i = end
        return True

    def symbol(self, text: str) -> bool:
        if self.s.startswith(text, self.i):
            self.i += len(text)
            return True
        return False

    # -- grammar

    def parse(self) -> Node:
        self.ws()
        if self.eof():
            return MatchAll()
        node = self.or_expr(None)
        self.ws()
        if not self.eof():
            if self.peek() == ")":
                raise self.error("unbalanced parenthesis")
            raise self.error(f'unexpected "{self.peek()}"')
        return node

    def or_expr(self, group: tuple[fields.Field, int] | None) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"query nested deeper than {MAX_DEPTH} levels")
        items = [self.and_expr(group)]
        while True:
            self.ws()
            if not (self.keyword("OR") or self.symbol("||")):
                break
            items.append(self.and_expr(group))
        self.depth -= 1
        return or_(items)

    def and_expr(self, group: tuple[fields.Field, int] | None) -> Node:
        items = [self.unary(group)]
        while True:
            self.ws()
            if self.eof() or self.peek() == ")" or self.s.startswith("||", self.i):
                break
            start = self.i
            if self.keyword("OR"):
                self.i = start
                break
            if not self.keyword("AND"):
                self.symbol("&&")
            items.append(self.unary(group))
        return and_(items)

    def unary(self, group: tuple[fields.Field, int] | None) -> Node:
        self.ws()
        if self.keyword("NOT") or self.symbol("!") or self.symbol("-"):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(f"query nested deeper than {MAX_DEPTH} levels")
            node = Not(self.unary(group))
            self.depth -= 1
            return node
        return self.primary(group)

    def primary(self, group: tuple[fields.Field, int] | None) -> Node:
        self.ws()
        if self.eof():
            raise self.error("expected a term")
        if self.peek() == "(":
            return self.parenthesized(group)
        if self.peek() == ")":
            raise self.error("unbalanced parenthesis" if self.depth <= 1 else "empty group")
        for word in ("AND", "OR"):
            if self.keyword(word):
                raise self.error(f'expected a term before "{word}"', self.i - len(word))
        if group is not None:
            return self.value(*group)
        match = FIELD_NAME.match(self.s, self.i)
        if match and self.s[match.end() : match.end() + 1] == ":":
            return self.field_term(match.group(), match.end() + 1)
        if self.s.startswith("*:*", self.i):
            self.i += 3
            return MatchAll()
        return self.free_text()

    def parenthesized(self, group: tuple[fields.Field, int] | None) -> Node:
        opened = self.i
        self.i += 1
        self.ws()
        if self.peek() == ")":
            raise self.error("empty group")
        node = self.or_expr(group)
        self.ws()
        if self.peek() != ")":
            raise self.error("unbalanced parenthesis", opened)
        self.i += 1
        return node

    def field_term(self, name: str, after_colon: int) -> Node:
        start = self.i
        self.i = after_colon
        if name == "_exists_":
            self.ws()
            match = FIELD_NAME.match(self.s, self.i)
            if not match:
                raise self.error("expected a field name after _exists_:")
            target = self.registry.lookup(match.group(), f" at {self.pos()}")
            term = Term(target.name, "exists", None, self.pos(), self.pos())
            self.i = match.end()
            return term
        field = self.registry.lookup(name, f" at {self.pos(start)}")
        self.ws()
        if self.peek() == "(":
            return self.parenthesized((field, start))
        return self.value(field, start)

    def value(self, field: fields.Field, field_at: int) -> Node:
        self.ws()
        at = self.i
        fpos, vpos = self.pos(field_at), self.pos(at)
        ch = self.peek()
        if ch == "" or ch in " \t\r\n)":
            raise self.error(f"expected a value for {field.name}")
        if ch == '"':
            text = self.quoted()
            if field.kind == "ip" and "/" in text:
                return Term(field.name, "cidr", text, fpos, vpos)
            return Term(field.name, "eq", text, fpos, vpos)
        if ch == "/":
            return Term(field.name, "regex", self.regex(), fpos, vpos)
        if ch in "[{":
            bounds = self.bracket_range()
            if bounds.lo is None and bounds.hi is None:
                return Term(field.name, "exists", None, fpos, vpos)
            return Term(field.name, "range", bounds, fpos, vpos)
        if ch in "<>":
            return Term(field.name, "range", self.one_sided(), fpos, vpos)
        if ch == "@":
            self.i += 1
            match = LIST_CHARS.match(self.s, self.i)
            if not match or not LIST_NAME.match(match.group()):
                raise self.error("expected a list name after @")
            self.i = match.end()
            return Term(field.name, "in_list", match.group(), fpos, vpos)
        pattern, plain, wild = self.bare()
        if pattern == "*":
            return Term(field.name, "exists", None, fpos, vpos)
        if wild:
            return Term(field.name, "wildcard", pattern, fpos, vpos)
        if field.kind == "ip" and "/" in plain:
            return Term(field.name, "cidr", plain, fpos, vpos)
        return Term(field.name, "eq", plain, fpos, vpos)

    def free_text(self) -> Node:
        at = self.pos()
        if self.peek() == '"':
            return Term(None, "eq", self.quoted(), at, at)
        pattern, plain, wild = self.bare()
        if not pattern.strip("*"):
            return MatchAll()
        if wild:
            return Term(None, "wildcard", pattern, at, at)
        return Term(None, "eq", plain, at, at)

    # -- values

    def quoted(self) -> str:
        opened = self.i
        self.i += 1
        out = []
        while not self.eof():
            ch = self.s[self.i]
            if ch == "\\" and self.i + 1 < len(self.s):
                out.append(self.s[self.i + 1])
                self.i += 2
                continue
            if ch == '"':
                self.i += 1
                return "".join(out)
            out.append(ch)
            self.i += 1
        raise self.error("unterminated quoted value", opened)

    def regex(self) -> str:
        opened = self.i
        self.i += 1
        out = []
        while not self.eof():
            ch = self.s[self.i]
            if ch == "\\" and self.i + 1 < len(self.s):
                nxt = self.s[self.i + 1]
                out.append("/" if nxt == "/" else ch + nxt)
                self.i += 2
                continue
            if ch == "/":
                self.i += 1
                return "".join(out)
            out.append(ch)
            self.i += 1
        raise self.error("unterminated regex", opened)

    def bare(self, stop: str = "") -> tuple[str, str, bool]:
        """A bare word: (pattern with `\\*`/`\\?`/`\\\\` escapes, plain value, has wildcards)."""
        start = self.i
        pattern: list[str] = []
        plain: list[str] = []
        wild = False
        while not self.eof():
            ch = self.s[self.i]
            if ch in DELIMITERS or ch in stop or ch.isspace():
                break
            if ch == "\\":
                if self.i + 1 >= len(self.s):
                    raise self.error("dangling backslash")
                nxt = self.s[self.i + 1]
                pattern.append("\\" + nxt if nxt in "*?\\" else nxt)
                plain.append(nxt)
                self.i += 2
                continue
            if ch in "*?":
                wild = True
            pattern.append(ch)
            plain.append(ch)
            self.i += 1
        if self.i == start:
            raise self.error(f'unexpected "{self.peek()}"' if self.peek() else "expected a value")
        return "".join(pattern), "".join(plain), wild

    def bound(self, stop: str) -> str | None:
        self.ws()
        if self.peek() == '"':
            return self.quoted()
        _, plain, _ = self.bare(stop)
        return None if plain == "*" else plain

    def bracket_range(self) -> Range:
        opened = self.i
        lo_inclusive = self.s[self.i] == "["
        self.i += 1
        lo = self.bound("]}")
        self.ws()
        if not self.keyword("TO"):
            raise self.error('expected "TO" in range')
        hi = self.bound("]}")
        self.ws()
        if self.peek() not in ("]", "}") or self.eof():
            raise self.error("unterminated range", opened)
        hi_inclusive = self.s[self.i] == "]"
        self.i += 1
        return Range(lo, hi, lo_inclusive, hi_inclusive)

    def one_sided(self) -> Range:
        op = ">=" if self.symbol(">=") else "<=" if self.symbol("<=") else self.s[self.i]
        if op in "<>":
            self.i += 1
        bound = self.bound("")
        if bound is None:
            raise self.error(f"expected a value after {op}")
        if op.startswith(">"):
            return Range(bound, None, op == ">=", True)
        return Range(None, bound, True, op == "<=")
