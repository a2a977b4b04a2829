"""Reading the version names vendors write in CSAF product trees ("<= 4.2", "prior to 3.1",
"All versions", "3.x", "vers:all/*", ">= 4.01 | <= 4.34") as a normalized range the matcher can use.

The result is ``""`` (not interpretable: a date, a model name, free text), ``"*"`` (all versions)
or vers constraints (https://github.com/package-url/vers-spec) without the ``vers:<scheme>/``
prefix: ``|``-separated, each an exact version or one of ``< <= > >= !=`` and a version, with
vers semantics (``>=4.01|<=4.34`` is the interval between them; ``1.1|1.2`` is two versions).
Hand-written: the phrases are CISA/vendor English, which no range library parses.
"""

from __future__ import annotations

import re

ALL = "*"
# A version token: no blanks, operators, commas or brackets; starts with a letter or digit
# ("4.2", "B.06.18", "012U000040", "N", "openshift4/ose-hive:v4.6.0-2021").
_TOKEN = r"[A-Za-z0-9][^\s|<>=!,()]*"
_TOKEN_RE = re.compile(_TOKEN)
_WILDCARD = re.compile(r"v?(\d+(?:\.\d+)*)((?:\.[xX*])+)")  # "3.x", "12.2.x.x", "v9.x", "5.*"
_OPERATOR = re.compile(rf"(<=|>=|==|=|<|>|!=)\s*({_TOKEN})")
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), op)
    for pattern, op in (
        (
            rf"(?:all\s+versions?\s+)?(?:prior\s+to|before|earlier\s+than|older\s+than|below)"
            rf"\s+(?:version\s+)?({_TOKEN})",
            "<",
        ),
        (
            rf"(?:all\s+versions?\s+)?(?:up\s+to(?:\s+and\s+including)?|through|until)"
            rf"\s+(?:version\s+)?({_TOKEN})",
            "<=",
        ),
        (
            rf"({_TOKEN})\s+(?:and|or|&)\s+(?:earlier|prior|below|lower|older|"
            rf"before)(?:\s+versions?)?",
            "<=",
        ),
        (
            rf"({_TOKEN})\s+(?:and|or|&)\s+(?:later|above|higher|newer|after)"
            rf"(?:\s+versions?)?",
            ">=",
        ),
        (rf"({_TOKEN})\+", ">="),
    )
)
_BETWEEN = re.compile(
    rf"(?:from\s+)?({_TOKEN})\s+(?:through|to|-|until)\s+({_TOKEN})"
    rf"|between\s+({_TOKEN})\s+and\s+({_TOKEN})",
    re.IGNORECASE,
)
_LIST = re.compile(rf"{_TOKEN}(?:\s*(?:,|\band\b|\bor\b|&)\s*{_TOKEN})+", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:,|\band\b|\bor\b|&)\s*", re.IGNORECASE)
_ALL_WORDS = frozenset({"*", "all", "all versions", "any", "any version", "any versions"})
_VERSION_WORDS = re.compile(r"^versions?\s+|\s+versions?$", re.IGNORECASE)
_PARENTHETICAL = re.compile(r"\s*\([^()]*\)\s*$")


def interpret(name: str) -> str:
    """The normalized range for a version name; ``""`` when it cannot be read."""
    text = " ".join(name.split())
    while (stripped := _PARENTHETICAL.sub("", text)) and stripped != text:
        text = stripped  # "<= 2.01 (end-of-life Nov 2017)": the remark is not part of the range
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if text.lower().startswith("vers:"):
        return _vers(text)
    if text.lower() in _ALL_WORDS:
        return ALL
    parts = [p.strip() for p in text.split("|")]
    read = [_one(p) for p in parts if p]
    if not read or any(r is None for r in read):
        return ""
    return "|".join(r for r in read if r)


def is_range(normalized: str) -> bool:
    """True when a normalized version is a range, not one or more exact versions."""
    return normalized == ALL or any(c in normalized for c in "<>!")


def _vers(text: str) -> str:
    _, _, constraints = text.partition("/")
    constraints = "".join(constraints.split())
    if constraints == "*":
        return ALL
    pieces = constraints.split("|")
    if all(_OPERATOR.fullmatch(p) or _TOKEN_RE.fullmatch(p) for p in pieces):
        return "|".join(p.lstrip("=") for p in pieces)
    return ""


def _one(part: str) -> str | None:
    text = _VERSION_WORDS.sub("", part) or part  # "Versions 4.2 and prior", "3.x versions"
    for reader in (_all, _operator, _phrase, _between, _listed, _single):
        if (found := reader(text)) is not None:
            return found
    return None


def _all(part: str) -> str | None:
    return ALL if part.lower() in _ALL_WORDS else None


def _operator(part: str) -> str | None:
    m = _OPERATOR.fullmatch(part)
    return _bound(m.group(1).lstrip("="), m.group(2)) if m else None


def _phrase(part: str) -> str | None:
    for pattern, op in _PHRASES:
        if m := pattern.fullmatch(part):
            return _bound(op, m.group(1))
    return None


def _between(part: str) -> str | None:
    m = _BETWEEN.fullmatch(part)
    if m is None:
        return None
    first, last = [g for g in m.groups() if g]
    return f"{_bound('>=', first)}|{_bound('<=', last)}"


def _listed(part: str) -> str | None:  # "2131 and 2141", "1.2, 1.4": several exact versions
    if not _LIST.fullmatch(part):
        return None
    return "|".join(_bound("", v) for v in _LIST_SPLIT.split(part))


def _single(part: str) -> str | None:
    return _bound("", part) if _TOKEN_RE.fullmatch(part) else None


def _bound(op: str, version: str) -> str:
    """``op`` applied to ``version``, with wildcards ("3.x") turned into the bounds they mean."""
    m = _WILDCARD.fullmatch(version)
    if m is None:
        return f"{op}{version}"
    base = m.group(1)
    head, _, last = base.rpartition(".")
    following = f"{head}.{int(last) + 1}" if head else str(int(last) + 1)
    return {
        "": f">={base}|<{following}",
        "<": f"<{base}",
        "<=": f"<{following}",
        ">": f">={following}",
        ">=": f">={base}",
        "!=": f"<{base}|>={following}",
    }[op]
