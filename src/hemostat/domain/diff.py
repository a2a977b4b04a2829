"""Differences between two SBOMs, keyed by stable component identity."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from hemostat.domain.component import Component

_COMPARED = ("version", "purl", "cpes", "hashes", "licenses", "supplier", "type", "scope")
_SUPPORT = ("level_of_support", "end_of_support", "support_note")


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class ComponentChange:
    identity: str
    name: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class SbomDiff:
    added: tuple[Component, ...]
    removed: tuple[Component, ...]
    changed: tuple[ComponentChange, ...]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(before: tuple[Component, ...], after: tuple[Component, ...]) -> SbomDiff:
    """Pair components by identity (then by version when an identity repeats) and compare."""
    old = _group(before)
    new = _group(after)
    added: list[Component] = []
    removed: list[Component] = []
    changed: list[ComponentChange] = []
    unchanged = 0
    for ident in sorted(old.keys() | new.keys()):
        a, b = _pair(old.get(ident, []), new.get(ident, []))
        removed += a
        added += b
        for x, y in _matched(old.get(ident, []), new.get(ident, []), a, b):
            ch = _compare(x, y)
            if ch:
                changed.append(ComponentChange(ident, y.name, ch))
            else:
                unchanged += 1
    key = _sort_key
    return SbomDiff(
        tuple(sorted(added, key=key)), tuple(sorted(removed, key=key)), tuple(changed), unchanged
    )


def _sort_key(c: Component) -> tuple[str, str]:
    return (c.identity, c.version or "")


def _group(cs: tuple[Component, ...]) -> dict[str, list[Component]]:
    out: dict[str, list[Component]] = defaultdict(list)
    for c in cs:
        out[c.identity].append(c)
    for v in out.values():
        v.sort(key=lambda c: (c.version or "", c.bom_ref))
    return out


def _pair(a: list[Component], b: list[Component]) -> tuple[list[Component], list[Component]]:
    """Leftovers after pairing: single entries pair directly, repeats pair by equal version."""
    if len(a) <= 1 and len(b) <= 1:
        return ([], []) if a and b else (list(a), list(b))
    bv = [c.version for c in b]
    av = [c.version for c in a]
    left = [c for c in a if c.version not in bv]
    right = [c for c in b if c.version not in av]
    n = min(len(left), len(right))  # same identity, versions moved: pair them in order
    return left[n:], right[n:]


def _matched(
    a: list[Component], b: list[Component], la: list[Component], lb: list[Component]
) -> list[tuple[Component, Component]]:
    if len(a) <= 1 and len(b) <= 1:
        return [(a[0], b[0])] if a and b else []
    pairs = [(x, y) for x in a for y in b if x.version == y.version]
    used_a = {id(x) for x, _ in pairs}
    used_b = {id(y) for _, y in pairs}
    rest_a = [x for x in a if id(x) not in used_a and x not in la]
    rest_b = [y for y in b if id(y) not in used_b and y not in lb]
    return pairs + list(zip(rest_a, rest_b, strict=False))


def _compare(x: Component, y: Component) -> tuple[FieldChange, ...]:
    """Field changes; with a version change, the purl/CPE/hash changes it implies are implied."""
    upgraded = x.version != y.version
    out = []
    for f in _COMPARED + _SUPPORT:
        if upgraded and _implied_by_version(f, x, y):
            continue
        va, vb = getattr(x, f), getattr(y, f)
        if f == "hashes":
            va, vb = sorted(va, key=str), sorted(vb, key=str)
        if va != vb:
            out.append(FieldChange(f, _fmt(va), _fmt(vb)))
    return tuple(out)


def _implied_by_version(field: str, x: Component, y: Component) -> bool:
    if field == "hashes":
        return True  # new version, new bits: only a hash change *without* a version change is news
    if field == "purl":
        return bool(x.purl and y.purl) and x.identity == y.identity
    if field == "cpes":
        return [_cpe_sans_version(c) for c in x.cpes] == [_cpe_sans_version(c) for c in y.cpes]
    return False


def _cpe_sans_version(cpe: str) -> str:
    parts = cpe.split(":")
    return ":".join(parts[:5] + parts[6:]) if len(parts) > 5 else cpe


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, tuple | list):
        return ", ".join(_fmt(i) for i in v)
    if hasattr(v, "alg") and hasattr(v, "value"):
        return f"{v.alg}:{v.value}"
    return str(v)
