"""Range semantics: OSV ``affected[]`` evaluation and NVD ``cpeMatch`` version bounds.

OSV (https://ossf.github.io/osv-schema/#evaluation): a version is affected when it is listed in
``versions`` or lies in any SEMVER/ECOSYSTEM range. A range's events are sorted by version
(``introduced: "0"`` first, meaning "since forever"); walking them, ``introduced`` (v >= e) turns
"affected" on, ``fixed`` (v >= e) turns it off, ``last_affected`` (v > e) turns it off; with
``limit`` events the version must also be below one of them. Events at one version keep their
written order (a stable sort, see ``compile_range``). GIT ranges are ignored (commits cannot be
compared with a component version). A range with an event version that the ecosystem cannot
parse (real records carry e.g. ``fixed: '<sha>.patch'``) is unusable and skipped: the explicit
``versions`` list decides for it, and ``unusable_ranges`` names it so the caller can say so.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Literal

from hemostat.domain.cpe import CpeError, parse_cpe
from hemostat.domain.vulnerability import (
    AffectedPackage,
    AffectedRange,
    CpeMatch,
    RangeEvent,
    RangeKind,
)
from hemostat.match.versions import Key, VersionError, has_ordering, nvd_version_key, version_key

__all__ = [
    "CompiledRange",
    "build_range",
    "compile_range",
    "cpe_bounds_hit",
    "criteria_version",
    "match_bounds",
    "nvd_version_key",
    "osv_affected",
    "unusable_ranges",
]

_CLOSING = ("fixed", "last_affected")


@dataclass(frozen=True, slots=True)
class CompiledRange:
    """A range's events as sorted distinct version keys with the state at and above each one;
    ``hit(key)`` is one bisect and one tuple compare."""

    keys: tuple[Key, ...]
    at: tuple[str | None, ...]  # description of the interval hit when v == keys[i], else None
    above: tuple[str | None, ...]  # same for keys[i] < v < keys[i + 1]
    from_start: str | None  # below keys[0]: set when introduced "0" applies
    limits: tuple[Key, ...]

    def hit(self, key: Key) -> str | None:
        if self.limits and not any(key < lim for lim in self.limits):
            return None
        i = bisect_right(self.keys, key)
        if i == 0:
            return self.from_start
        return self.at[i - 1] if self.keys[i - 1] == key else self.above[i - 1]


def _describe(lower: str | None, upper: RangeEvent | None, kind: RangeKind) -> str:
    parts = [f">={lower}"] if lower else []
    if upper:
        parts.append(("<=" if upper.kind == "last_affected" else "<") + upper.version)
    return (", ".join(parts) or "all versions") + f" ({kind.value})"


def _order_name(ecosystem: str, rng: AffectedRange) -> str:
    return "semver" if rng.kind is RangeKind.SEMVER else ecosystem


def _limits(order: str, rng: AffectedRange) -> tuple[Key, ...]:
    found = [e.version for e in rng.events if e.kind == "limit"]
    if "*" in found:  # a "*" limit admits every version, as if there were no limit at all
        return ()
    return tuple(version_key(order, v) for v in found)


def build_range(ecosystem: str, rng: AffectedRange) -> CompiledRange:
    """Sort and key a SEMVER/ECOSYSTEM range once; raises ``VersionError`` if it is unusable.

    Events are sorted by version with a *stable* sort, so events at the same version keep their
    written order: "fixed 3.1.1 … introduced 3.1.1" (adjacent intervals, as osv.dev expands
    them) leaves 3.1.1 affected, while "introduced 0.10.0, fixed 0.10.0" is an empty interval.
    """
    if rng.kind is RangeKind.GIT:
        raise VersionError("GIT ranges name commits, not versions")
    order = _order_name(ecosystem, rng)
    if len(rng.events) == 2:  # nearly every real range: one introduced, one fixed/last_affected
        simple = _two_events(order, rng)
        if simple is not None:
            return simple
    events = [e for e in rng.events if not (e.kind == "introduced" and e.version == "0")]
    if any(e.kind not in ("introduced", "fixed", "last_affected", "limit") for e in events):
        raise VersionError(f"unknown OSV range event in {rng.events!r}")
    events = [e for e in events if e.kind != "limit"]
    keyed = sorted((version_key(order, e.version), i) for i, e in enumerate(events))
    ordered = [events[i] for _, i in keyed]

    def opened(pos: int) -> str:
        upper = next((e for e in ordered[pos + 1 :] if e.kind in _CLOSING), None)
        return _describe(ordered[pos].version, upper, rng.kind)

    has_zero = len(events) != sum(1 for e in rng.events if e.kind != "limit")
    start = _describe(None, next((e for e in ordered if e.kind in _CLOSING), None), rng.kind)
    state = start if has_zero else None
    keys: list[Key] = []
    at: list[str | None] = []
    above: list[str | None] = []
    for pos, (key, _) in enumerate(keyed):
        new = opened(pos) if ordered[pos].kind == "introduced" else None
        if keys and keys[-1] == key:  # same version as the previous event
            at[-1] = at[-1] if ordered[pos].kind == "last_affected" else new
            above[-1] = state = new
            continue
        keys.append(key)
        at.append(state if ordered[pos].kind == "last_affected" else new)
        above.append(new)
        state = new
    return CompiledRange(
        keys=tuple(keys),
        at=tuple(at),
        above=tuple(above),
        from_start=start if has_zero else None,
        limits=_limits(order, rng),
    )


def _two_events(order: str, rng: AffectedRange) -> CompiledRange | None:
    """``build_range`` of [introduced, fixed or last_affected] without the general walk (what
    that walk gives for these two events, case by case); None for any other range."""
    lo, hi = rng.events
    if lo.kind != "introduced" or hi.kind not in _CLOSING:
        return None
    upper = hi.kind == "last_affected"
    if lo.version == "0":  # affected from the start up to the closing event
        start = _describe(None, hi, rng.kind)
        kh = version_key(order, hi.version)
        return CompiledRange((kh,), (start if upper else None,), (None,), start, ())
    kl = version_key(order, lo.version)  # keyed in written order, as the walk (same error)
    kh = version_key(order, hi.version)
    if kh < kl:  # closes before it opens: affected from ``lo`` on
        desc = _describe(lo.version, None, rng.kind)
        return CompiledRange((kh, kl), (None, desc), (None, desc), None, ())
    desc = _describe(lo.version, hi, rng.kind)
    if kl == kh:  # one version: affected there only when the upper end is inclusive
        return CompiledRange((kl,), (desc if upper else None,), (None,), None, ())
    return CompiledRange((kl, kh), (desc, desc if upper else None), (desc, None), None, ())


Interval = tuple[tuple[Key, bool] | None, tuple[Key, bool] | None, str]
"""(lower end, upper end, description): an end is (key, inclusive) or None for unbounded."""


def two_event_interval(order: str, rng: AffectedRange) -> Interval | Literal[False] | None:
    """The versions an [introduced, fixed or last_affected] range affects, as one interval
    (None: it affects none), straight from the two events, for ``osv_table``: what
    ``build_range`` + the table's interval walk give for them (a unit test compares the two).
    False when the range is not of that shape. Raises VersionError as ``build_range`` does."""
    if len(rng.events) != 2:
        return False
    lo, hi = rng.events
    if lo.kind != "introduced" or hi.kind not in _CLOSING:
        return False
    upper = hi.kind == "last_affected"
    if lo.version == "0":
        return None, (version_key(order, hi.version), upper), _describe(None, hi, rng.kind)
    kl = version_key(order, lo.version)
    kh = version_key(order, hi.version)
    if kh < kl:  # closes before it opens: affected from ``lo`` on
        return (kl, True), None, _describe(lo.version, None, rng.kind)
    if kl == kh and not upper:
        return None
    return (kl, True), (kh, upper), _describe(lo.version, hi, rng.kind)


compile_range = lru_cache(maxsize=1 << 16)(build_range)
"""``build_range`` cached per (ecosystem, range), for callers that evaluate one record at a time."""


def unusable_ranges(ecosystem: str, pkg: AffectedPackage) -> tuple[str, ...]:
    """Why each non-GIT range of ``pkg`` cannot be evaluated (empty when all are usable)."""
    out: list[str] = []
    for rng in pkg.ranges:
        if rng.kind is RangeKind.GIT:
            continue
        try:
            compile_range(pkg.ecosystem or ecosystem, rng)
        except VersionError as exc:
            out.append(f"{rng.kind.value} range skipped: {exc.message}")
    return tuple(out)


def _listed(order: str, version: str, versions: tuple[str, ...]) -> bool:
    if version in versions:
        return True
    if not has_ordering(order):
        return False
    try:
        key = version_key(order, version)
    except VersionError:
        return False
    for listed in versions:
        try:
            if version_key(order, listed) == key:  # "1.0" == "1.0.0" in PyPI, v-prefix in Go
                return True
        except VersionError:
            continue
    return False


def osv_affected(ecosystem: str, version: str, pkg: AffectedPackage) -> str | None:
    """What makes ``version`` affected by ``pkg`` ("listed in versions", ">=1.0, <1.2.3
    (ECOSYSTEM)" ...) or None. Raises ``VersionError`` when the version cannot be ordered and a
    usable range needs it, or when no ordering is known and there is no ``versions`` list."""
    order = pkg.ecosystem or ecosystem
    if pkg.versions and _listed(order, version, pkg.versions):
        return "listed in versions"
    for rng in pkg.ranges:
        if rng.kind is RangeKind.GIT:
            continue
        if rng.kind is RangeKind.ECOSYSTEM and not has_ordering(order):
            if pkg.versions:
                continue  # no ordering: trust the enumerated versions (OSV recommends them)
            raise VersionError(f"no version ordering known for ecosystem {order!r}")
        try:
            compiled = compile_range(order, rng)
        except VersionError:
            continue  # documented above: the explicit versions list decides
        hit = compiled.hit(version_key(_order_name(order, rng), version))
        if hit:
            return hit
    return None


def cpe_bounds_hit(version: str, m: CpeMatch) -> bool:
    """Does a component ``version`` satisfy the version part of an NVD ``cpeMatch``?

    - Any of versionStart/End Including/Excluding: the version must lie within them (generic
      NVD ordering); a criteria version other than ``*``/``-`` must then also be equal.
    - No bounds, criteria version ``*``: every version, including none.
    - No bounds, criteria version ``-`` (NA, "no version applies"): only a component without a
      version ("" or "-"), following CPE name matching (NISTIR 7696: NA vs a value is DISJOINT).
    - No bounds, concrete criteria version: equal after normalization ("v2.1" == "2.1.0");
      CPE wildcards inside the value ("1.2.*") match as patterns.
    Raises ``VersionError`` when the component version is needed but unknown (``*``) or
    cannot be ordered.
    """
    crit, pattern = criteria_version(m.criteria)
    lower, upper = match_bounds(m)
    has_bounds = lower is not None or upper is not None
    mine = version.strip().lower()
    if not has_bounds and crit in ("*", "-"):
        return crit == "*" or mine in ("", "-")
    if mine in ("", "-"):
        return False
    if mine == "*":
        raise VersionError("the component's version is unknown ('*')")
    if has_bounds and not _within(nvd_version_key(mine), lower, upper):
        return False
    if crit in ("*", "-"):
        return True
    return fnmatchcase(mine, pattern) if pattern else _same_version(mine, crit)


Bound = tuple[Key, bool] | None  # (key, inclusive)


@lru_cache(maxsize=1 << 16)
def match_bounds(m: CpeMatch) -> tuple[Bound, Bound]:
    """The cpeMatch's lower and upper bounds as keys, computed once per cpeMatch."""

    def bound(including: str | None, excluding: str | None) -> Bound:
        for value, inclusive in ((including, True), (excluding, False)):
            if value not in (None, "", "*", "-"):
                return (nvd_version_key(str(value)), inclusive)
        return None

    return (
        bound(m.version_start_including, m.version_start_excluding),
        bound(m.version_end_including, m.version_end_excluding),
    )


def _within(key: Key, lower: Bound, upper: Bound) -> bool:
    if lower is not None and (key < lower[0] or (key == lower[0] and not lower[1])):
        return False
    return upper is None or key < upper[0] or (key == upper[0] and upper[1])


def _same_version(a: str, b: str) -> bool:
    try:
        return nvd_version_key(a) == nvd_version_key(b)
    except VersionError:
        return a == b


_ESCAPED = re.compile(r"\\(.)")
_WILDCARD = re.compile(r"(?<!\\)[*?]")


@lru_cache(maxsize=1 << 16)
def criteria_version(criteria: str) -> tuple[str, str | None]:
    """(unescaped version, fnmatch pattern when the value carries CPE wildcards, else None)."""
    try:
        raw = parse_cpe(criteria).version
    except CpeError as exc:
        raise VersionError(f"invalid CPE criteria {criteria!r}: {exc}") from exc
    if raw in ("*", "-") or not _WILDCARD.search(raw):
        return _ESCAPED.sub(r"\1", raw), None
    parts = re.split(r"(\\.)", raw)  # escaped characters are literal, the rest may be wildcards
    pattern = "".join(
        "[" + p[1] + "]" if p.startswith("\\") else p.replace("[", "[[]") for p in parts
    )
    return _ESCAPED.sub(r"\1", raw), pattern
