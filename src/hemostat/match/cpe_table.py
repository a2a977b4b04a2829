"""The NVD records of one vendor:product, indexed by the versions their own entries can hit.

A configuration yields a finding only through a ``vulnerable`` cpeMatch naming the component's
own vendor:product whose version or bounds the component's version satisfies (``cpe_config``);
for any other version such an entry answers a clean "no" (it raises only without a readable
component version, or for bounds NVD wrote unreadably). So for a readable version, the records
worth evaluating are those with an own entry whose version span contains it: a product such as
``linux_kernel`` has thousands of records and a version falls in a few of them. The spans are
exact for bounds and supersets otherwise (wildcards, unreadable bounds and ``*``/``-`` versions
span everything), so the
evaluation that follows (``best_configuration``) still decides exactly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from hemostat.domain.cpe import Cpe
from hemostat.domain.vulnerability import CpeMatch
from hemostat.match.matcher import read_cpe
from hemostat.match.ranges import criteria_version, match_bounds
from hemostat.match.stab import Bound, KeyIntervals
from hemostat.match.versions import VersionError, nvd_version_key

if TYPE_CHECKING:
    from hemostat.match.index import CpeEntry

__all__ = ["CpeTable"]

_ANY = ("*", "-")
_BOUNDS = (
    "version_start_including",
    "version_start_excluding",
    "version_end_including",
    "version_end_excluding",
)


def _span(m: CpeMatch, crit: Cpe) -> tuple[Bound, Bound]:
    """Versions for which the entry can hold (None: unbounded), a superset."""
    if crit.version in _ANY and not any(getattr(m, name) for name in _BOUNDS):
        return None, None
    try:
        lower, upper = match_bounds(m)
        if lower is not None or upper is not None:
            return lower, upper
        version, pattern = criteria_version(m.criteria)
        if version in _ANY or pattern:
            return None, None
        key = nvd_version_key(version)
    except VersionError:
        return None, None
    return (key, True), (key, True)


def _own(entry: CpeEntry, vendor: str, product: str) -> Iterator[tuple[CpeMatch, Cpe]]:
    for config in entry.configurations:
        for node in config.nodes:
            for m in node.matches:
                crit = read_cpe(m.criteria) if m.vulnerable else None
                if isinstance(crit, Cpe) and (crit.vendor, crit.product) == (vendor, product):
                    yield m, crit


class CpeTable:
    """``index.cpe_entries(vendor, product)`` with their own entries' version spans."""

    def __init__(self, vendor: str, product: str, entries: Sequence[CpeEntry]) -> None:
        self.entries = tuple(entries)
        spans = [
            (*_span(m, crit), i)
            for i, entry in enumerate(self.entries)
            for m, crit in _own(entry, vendor, product)
        ]
        self._tree = KeyIntervals(spans)

    def candidates(self, version: str | None) -> tuple[CpeEntry, ...]:
        """The entries that can hit ``version`` (all of them when it is missing or unreadable,
        so that the evaluation reports them), in index order."""
        mine = version.strip().lower() if version is not None else ""
        if mine in ("", "-", "*"):
            return self.entries
        try:
            key = nvd_version_key(mine)
        except VersionError:
            return self.entries
        return tuple(self.entries[i] for i in sorted(set(self._tree.stab(key))))
