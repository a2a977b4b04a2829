"""Stabbing queries over version-key intervals: which of many ranges can contain one version.

Version keys are tuples ordered per ecosystem, so the intervals are first mapped to integer
codes (boundary key i → 2i+1, a key between boundaries i-1 and i → 2i) and put in a centered
interval tree: a query is a bisect plus a walk down the tree that touches only the intervals
containing the version (hand-written: no interval library on PyPI indexes arbitrary ordered
keys, and ``intervaltree`` is slower than this for point queries).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Generic, TypeVar

from hemostat.match.versions import Key

__all__ = ["Bound", "KeyIntervals"]

T = TypeVar("T")
_Span = tuple[int, int, T]  # (lo code, hi code, payload), both ends inclusive


class _Node(Generic[T]):
    __slots__ = ("by_hi", "by_lo", "center", "left", "right")

    def __init__(self, spans: list[tuple[int, int, T]]) -> None:
        ends = sorted(e for s in spans for e in (s[0], s[1]))
        self.center = center = ends[len(ends) // 2]
        here = [s for s in spans if s[0] <= center <= s[1]]
        self.by_lo = sorted(here, key=lambda s: s[0])
        self.by_hi = sorted(here, key=lambda s: -s[1])
        left = [s for s in spans if s[1] < center]
        right = [s for s in spans if s[0] > center]
        self.left: _Node[T] | None = _Node(left) if left else None
        self.right: _Node[T] | None = _Node(right) if right else None


Bound = tuple[Key, bool] | None
"""An interval end: (key, inclusive), or None for unbounded."""


class KeyIntervals(Generic[T]):
    """Intervals ``(lo, hi, payload)`` of version keys, each end a ``Bound``."""

    def __init__(self, intervals: Sequence[tuple[Bound, Bound, T]]) -> None:
        bounds = {b[0] for lo, hi, _ in intervals for b in (lo, hi) if b is not None}
        self._bounds: list[Key] = sorted(bounds)
        top = 2 * len(self._bounds) + 2
        spans = [
            (
                -1 if lo is None else self.code(lo[0]) + (not lo[1]),
                top if hi is None else self.code(hi[0]) - (not hi[1]),
                payload,
            )
            for lo, hi, payload in intervals
        ]
        spans = [s for s in spans if s[0] <= s[1]]
        self._root: _Node[T] | None = _Node(spans) if spans else None
        self.size = len(spans)

    def code(self, key: Key) -> int:
        i = bisect_left(self._bounds, key)
        return 2 * i + 1 if i < len(self._bounds) and self._bounds[i] == key else 2 * i

    def stab(self, key: Key) -> list[T]:
        """Payloads of the intervals containing ``key`` (in no particular order)."""
        i = bisect_left(self._bounds, key)  # ``code``, inlined: one call per look-up
        bounds = self._bounds
        c = 2 * i + 1 if i < len(bounds) and bounds[i] == key else 2 * i
        node, out = self._root, []
        while node is not None:
            if c < node.center:
                for lo, _, payload in node.by_lo:
                    if lo > c:
                        break
                    out.append(payload)
                node = node.left
            elif c > node.center:
                for _, hi, payload in node.by_hi:
                    if hi < c:
                        break
                    out.append(payload)
                node = node.right
            else:
                out.extend(s[2] for s in node.by_lo)
                node = None
        return out
