"""``vers:`` version range specifiers (package-url/vers-spec): strict parsing, normalization,
containment, and conversion from native range syntaxes.

Parsing and containment are hand-written on top of ``version_key`` because univers silently
"fixes" malformed vers strings (whitespace, stray pipes, unsorted constraints) and mangles
percent-encoded versions; ``from_native`` delegates the native grammars (npm, PyPI, Composer ...)
to univers and re-validates its output here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import unquote

from hemostat.match.versions import Key, VersionError, has_ordering, version_key

_COMPARATORS = ("<=", ">=", "!=", "<", ">", "=")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME = re.compile(r"^[a-z][a-z0-9.+-]*$")


@dataclass(frozen=True, slots=True)
class Vers:
    """A parsed ``vers`` range: its scheme and ``(comparator, version)`` constraints."""

    scheme: str
    constraints: tuple[tuple[str, str], ...]  # comparator "*" means every version

    def to_string(self) -> str:
        items = (
            "*" if c == "*" else ("" if c == "=" else c) + _encode(v) for c, v in self.constraints
        )
        return f"vers:{self.scheme}/" + "|".join(items)


def _encode(version: str) -> str:
    """Canonical percent-encoding: only '%', '|', whitespace/control and non-ASCII characters."""
    out: list[str] = []
    for ch in version:
        if ch in "%|" or not (33 <= ord(ch) <= 126):
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


def _decode(raw: str, *, strict: bool) -> str:
    if _BAD_PERCENT.search(raw):
        raise VersionError(f"invalid percent-encoding in version {raw!r}")
    version = unquote(raw, errors="strict")
    if strict and _encode(version) != raw:
        raise VersionError(f"percent-encoding in version {raw!r} is not canonical")
    if not version:
        raise VersionError("empty version in vers constraint")
    return version


def _split(text: str, *, strict: bool) -> tuple[str, list[str]]:
    if not text.startswith("vers:") or "/" not in text:
        raise VersionError(f"not a vers string: {text!r}")
    if strict and any(ch.isspace() for ch in text):
        raise VersionError("non-canonical vers: whitespace is not permitted")
    scheme, _, body = text[5:].partition("/")
    scheme = scheme if strict else scheme.strip().lower()
    if not _SCHEME.match(scheme):
        raise VersionError(f"invalid vers scheme {scheme!r}")
    if not has_ordering(scheme):
        raise VersionError(f"unsupported vers scheme {scheme!r}")
    if not strict:
        body = "".join(body.split()).strip("|")
    items = body.split("|")
    if any(not item for item in items):
        raise VersionError("non-canonical vers: empty constraint (stray '|')")
    return scheme, items


def _constraint(item: str, *, strict: bool) -> tuple[str, str]:
    for comp in _COMPARATORS:
        if item.startswith(comp):
            if strict and comp == "=":
                raise VersionError("non-canonical vers: '=' is implied and must be omitted")
            return comp, _decode(item[len(comp) :], strict=strict)
    return "=", _decode(item, strict=strict)


def parse_vers(text: str, *, strict: bool = True) -> Vers:
    """Parse ``text``; ``strict`` refuses anything that is not the canonical form (whitespace,
    stray pipes, unsorted constraints, non-canonical percent-encoding); otherwise those are
    normalized (``normalize_vers``). Raises ``VersionError``."""
    scheme, items = _split(text, strict=strict)
    if items == ["*"]:
        return Vers(scheme, (("*", "*"),))
    if "*" in items:
        raise VersionError("'*' must be the only constraint")
    pairs = [_constraint(item, strict=strict) for item in items]
    if len(pairs) == 1:  # nothing to sort: the version is checked when it is compared
        return Vers(scheme, tuple(pairs))
    keys = [version_key(scheme, v) for _, v in pairs]
    if strict and any(b < a for a, b in pairwise(keys)):
        raise VersionError("non-canonical vers: constraints are not sorted by version")
    order = sorted(range(len(pairs)), key=keys.__getitem__)
    return Vers(scheme, tuple(pairs[i] for i in order))


def normalize_vers(text: str) -> str:
    """The canonical form of a well-formed but non-canonical ``vers`` string."""
    return parse_vers(text, strict=False).to_string()


def vers_contains(vers: Vers, version: str) -> bool:
    """The vers-spec containment algorithm."""
    if vers.constraints == (("*", "*"),):
        return True
    key = version_key(vers.scheme, version)
    ranged: list[tuple[str, Key]] = []
    for comp, v in vers.constraints:
        other = version_key(vers.scheme, v)
        if comp == "=" and key == other:
            return True
        if comp == "!=" and key == other:
            return False
        if comp not in ("=", "!="):
            ranged.append((comp, other))
    return _in_intervals(key, ranged)


def _in_intervals(key: Key, ranged: list[tuple[str, Key]]) -> bool:
    def below(comp: str, bound: Key) -> bool:
        return key < bound or (comp == "<=" and key == bound)

    def above(comp: str, bound: Key) -> bool:
        return key > bound or (comp == ">=" and key == bound)

    if not ranged:
        return False
    first, last = ranged[0], ranged[-1]
    if first[0] in ("<", "<=") and below(*first):
        return True
    if last[0] in (">", ">=") and above(*last):
        return True
    return any(
        lo[0] in (">", ">=") and hi[0] in ("<", "<=") and above(*lo) and below(*hi)
        for lo, hi in pairwise(ranged)
    )


def vers_from_native(scheme: str, native: str) -> str:
    """Convert a native range (npm ``>=1.0 <2``, PyPI ``>=1.0,<2`` ...) to a canonical vers
    string using univers' grammar for ``scheme``; the result is re-validated strictly."""
    from univers.version_range import RANGE_CLASS_BY_SCHEMES  # noqa: PLC0415  heavy, rarely used

    cls = RANGE_CLASS_BY_SCHEMES.get(scheme)
    if cls is None or not hasattr(cls, "from_native"):
        raise VersionError(f"no native range syntax known for scheme {scheme!r}")
    try:
        converted = str(cls.from_native(native))  # type: ignore[no-untyped-call]
    except (ValueError, TypeError, AttributeError, NotImplementedError) as exc:
        raise VersionError(f"cannot read {scheme} range {native!r}: {exc}") from exc
    return normalize_vers(converted)
