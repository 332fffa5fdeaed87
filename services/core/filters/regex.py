"""Regex terms: Lucene-style anchored regexes checked for RE2 and translated for `match()`.

As in Elasticsearch, `field:/re/` must match the WHOLE value (`/.{55}.*/` means "at least 55
characters", `/10\\..*/` "starts with 10."). The syntax is RE2's (ClickHouse `match()`), plus
Lucene's numeric interval `<16-31>` (any integer in the range). Lookaround, backreferences and
atomic groups do not exist in RE2 and are rejected with a message saying so.
"""

from __future__ import annotations

import re
import warnings

from services.core.errors import Invalid

INTERVAL = re.compile(r"<(\d+)-(\d+)>")
MAX_INTERVAL = 1000
UNSUPPORTED = [
    (re.compile(r"\(\?<?[=!]"), "lookaround"),
    (re.compile(r"\(\?>"), "atomic groups"),
    (re.compile(r"\\[1-9]"), "backreferences"),
    (re.compile(r"\\k<"), "named backreferences"),
    (re.compile(r"(?<!\\)[*+?}]\+"), "possessive quantifiers"),
]
# Constructs RE2 has and Python's `re` does not: skip the Python syntax check for these.
RE2_ONLY = re.compile(r"\\[pPCzQE]|\[\[:")


def _interval(match: re.Match[str]) -> str:
    lo, hi = int(match.group(1)), int(match.group(2))
    if lo > hi or hi - lo > MAX_INTERVAL:
        raise ValueError(f"numeric interval <{lo}-{hi}> is empty or wider than {MAX_INTERVAL}")
    return "(?:" + "|".join(str(n) for n in range(hi, lo - 1, -1)) + ")"


def to_re2(source: str, where: str = "") -> str:
    """The anchored RE2 pattern for a Lucene-style regex; raises Invalid on a bad regex."""
    for pattern, what in UNSUPPORTED:
        if pattern.search(source):
            raise Invalid(
                f"bad regex /{source}/{where}: {what} are not supported (RE2 syntax)",
                {"regex": source},
            )
    try:
        translated = INTERVAL.sub(_interval, source)
    except ValueError as exc:
        raise Invalid(f"bad regex /{source}/{where}: {exc}", {"regex": source}) from exc
    if not RE2_ONLY.search(translated):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                re.compile(translated)
        except re.error as exc:
            raise Invalid(f"bad regex /{source}/{where}: {exc}", {"regex": source}) from exc
    return f"^(?:{translated})$"
