"""One package's OSV advisories compiled for fast matching (``VulnIndex.package_table``).

``ranges.osv_affected`` evaluates one advisory at a time; a package such as Debian's ``linux``
has ~15k advisories, so a fleet re-evaluation spent most of its time there. A ``PackageTable``
compiles every usable SEMVER/ECOSYSTEM range of the package once into a ``CompiledRange`` plus
then into the exact intervals of versions it affects (each with its description), kept in an
interval tree (``stab``) per ordering: the package's ecosystem, and "semver" for SEMVER ranges.
Matching a version is then a bisect and a walk down the tree that touches only the intervals
containing it; explicit ``versions`` are a dict lookup by version key. The answers are those of
``osv_affected`` for every advisory (the unit tests compare the two): "listed in versions"
first, then the first range (in written order) that hits; a range that cannot be compiled is
skipped; an unparseable SEMVER key makes an advisory unevaluable only where ``osv_affected``
would reach that range.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from hemostat.domain.vulnerability import AffectedPackage, AffectedRange, RangeKind
from hemostat.match.ranges import CompiledRange, build_range, two_event_interval
from hemostat.match.stab import Bound, KeyIntervals
from hemostat.match.versions import Key, VersionError, has_ordering, version_key

if TYPE_CHECKING:
    from hemostat.match.findings import Template
    from hemostat.match.index import PackageEntry

__all__ = ["EntryMeta", "PackageTable", "TableResult", "fixed_versions"]

LISTED = "listed in versions"

EntryMeta = tuple[str, str, str, date, tuple[str, ...]]
"""What a hit on an entry reports: (package ecosystem, "<id> <ecosystem>/<name>: ", feed,
snapshot, fixed versions)."""


@dataclass(frozen=True, slots=True)
class TableResult:
    """Hits as (entry index, description) in entry order, and entries not evaluable (+ why)."""

    hits: tuple[tuple[int, str], ...]
    errors: tuple[tuple[int, VersionError], ...]


def _segments(c: CompiledRange) -> Iterator[tuple[str | None, Bound, Bound]]:
    """The range as consecutive (description, lower, upper) pieces covering every version."""
    if not c.keys:
        yield c.from_start, None, None
        return
    yield c.from_start, None, (c.keys[0], False)
    for i, key in enumerate(c.keys):
        yield c.at[i], (key, True), (key, True)
        yield c.above[i], (key, False), (c.keys[i + 1], False) if i + 1 < len(c.keys) else None


def _intervals(c: CompiledRange) -> Iterator[tuple[Bound, Bound, str]]:
    """Maximal runs of versions with one (non-None) description: exactly where ``c.hit`` is
    that description, the ``limit`` events included (a version must be below the largest)."""
    cap: Bound = (max(c.limits), False) if c.limits else None
    run: tuple[str, Bound, Bound] | None = None
    for desc, lo, hi in _segments(c):
        if run is not None and desc == run[0]:
            run = (run[0], run[1], hi)
            continue
        if run is not None:
            yield run[1], _lower_of(run[2], cap), run[0]
        run = (desc, lo, hi) if desc is not None else None
    if run is not None:
        yield run[1], _lower_of(run[2], cap), run[0]


def _lower_of(a: Bound, b: Bound) -> Bound:
    """The tighter of two upper bounds (None: unbounded; exclusive is tighter at one key)."""
    if a is None or b is None:
        return b if a is None else a
    return min(a, b)


_Span = tuple[Bound, Bound, tuple[int, tuple[int, str]]]  # (lo, hi, (entry, (position, desc)))


def _spans(order: str, rng: AffectedRange, where: tuple[int, int]) -> list[_Span]:
    """The range's intervals: straight from the events for the common two-event shape (most of
    a fleet's first pass is spent here), else through ``build_range``. Raises VersionError."""
    entry, pos = where
    direct = two_event_interval("semver" if rng.kind is RangeKind.SEMVER else order, rng)
    if direct is None:
        return []
    if direct is not False:
        return [(direct[0], direct[1], (entry, (pos, direct[2])))]
    return [(lo, hi, (entry, (pos, desc))) for lo, hi, desc in _intervals(build_range(order, rng))]


class _Ranges:
    """The compiled ranges of one ordering as exact intervals in an interval tree."""

    def __init__(self, spans: list[_Span]) -> None:
        self.tree = KeyIntervals(spans)
        self.empty = self.tree.size == 0

    def stab(self, key: Key, found: dict[int, tuple[int, str]]) -> None:
        """Record in ``found`` (entry → (position, description)) each entry's earliest hit."""
        hits = self.tree.stab(key)
        if not found:  # the common case: one dict update, unless an entry hit twice
            found.update(hits)
            if len(found) == len(hits):
                return
            found.clear()
        self.keep_earliest(hits, found)

    @staticmethod
    def keep_earliest(
        hits: Sequence[tuple[int, tuple[int, str]]], found: dict[int, tuple[int, str]]
    ) -> None:
        for entry, hit in hits:
            seen = found.get(entry)
            if seen is None or seen[0] > hit[0]:
                found[entry] = hit


def fixed_versions(pkg: AffectedPackage) -> tuple[str, ...]:
    return tuple(e.version for r in pkg.ranges for e in r.events if e.kind == "fixed")


class PackageTable:
    """All advisories of one (base ecosystem, package name), compiled once."""

    def __init__(self, ecosystem: str, entries: Sequence[PackageEntry]) -> None:
        self.entries = tuple(entries)
        eco: list[_Span] = []
        sem: list[_Span] = []
        self._first_semver: dict[int, int] = {}  # entry → position of its first usable SEMVER
        listed: dict[Key, list[int]] = defaultdict(list)
        self._ordered = has_ordering(ecosystem)
        for i, entry in enumerate(self.entries):
            pkg = entry.package
            order = pkg.ecosystem or ecosystem
            for v in dict.fromkeys(pkg.versions) if self._ordered else ():
                try:
                    listed[version_key(order, v)].append(i)
                except VersionError:
                    continue
            for pos, rng in enumerate(pkg.ranges):
                if rng.kind is RangeKind.GIT:
                    continue
                try:
                    found = _spans(order, rng, (i, pos))
                except VersionError:
                    continue  # as osv_affected: the explicit versions list decides
                if rng.kind is RangeKind.SEMVER:
                    self._first_semver.setdefault(i, pos)
                (sem if rng.kind is RangeKind.SEMVER else eco).extend(found)
        self._listed = {k: tuple(dict.fromkeys(v)) for k, v in listed.items()}
        self.metas: list[EntryMeta | None] = [None] * len(self.entries)  # see ``meta``
        # per entry, what a finding of its hit reports (``findings.template``), kept by the purl
        # matcher's direct path on the entry's first hit
        self.templates: list[Template | None] = [None] * len(self.entries)
        self._unique: bool | None = None
        self._eco = _Ranges(eco)
        self._sem = _Ranges(sem)

    def unique_names(self) -> bool:
        """No id or alias belongs to two of the package's entries, so no two hits on it can be
        one vulnerability (the alias merge of ``findings`` has nothing to do)."""
        if self._unique is None:
            names = [n for e in self.entries for n in {e.vuln.id, *e.vuln.aliases}]
            self._unique = len(names) == len(set(names))
        return self._unique

    def fixed(self, entry: int) -> tuple[str, ...]:
        """The entry's ``fixed`` versions (for a hit's remediation), computed once."""
        return self.meta(entry)[4]

    def meta(self, entry: int) -> EntryMeta:
        """What a hit on the entry reports, computed on its first hit and kept in ``metas``
        (only entries that are hit: the per-hit work of a fleet re-evaluation is then a read)."""
        found = self.metas[entry]
        if found is None:
            e = self.entries[entry]
            pkg, prov = e.package, e.vuln.provenance
            prefix = f"{e.vuln.id} {pkg.ecosystem}/{pkg.name}: "
            found = (pkg.ecosystem, prefix, prov.feed.value, prov.snapshot, fixed_versions(pkg))
            self.metas[entry] = found
        return found

    def evaluate(self, version: str, key: Key) -> TableResult:
        """``key`` is ``version_key(ecosystem, version)`` (the caller has checked it parses)."""
        found, errors = self.lookup(version, key)
        hits = tuple((i, found[i][1]) for i in sorted(found))
        return TableResult(hits, tuple(errors))

    def lookup(
        self, version: str, key: Key
    ) -> tuple[dict[int, tuple[int, str]], list[tuple[int, VersionError]]]:
        """``evaluate`` before sorting: entry → (range position, description), and errors."""
        found: dict[int, tuple[int, str]] = {}
        if not self._eco.empty:  # ``_Ranges.stab`` into an empty dict, one call less
            hits = self._eco.tree.stab(key)
            found = dict(hits)
            if len(found) != len(hits):  # an entry hit by two ranges: keep its earliest
                found.clear()
                self._eco.keep_earliest(hits, found)
        if self._listed and key in self._listed:
            found.update(dict.fromkeys(self._listed[key], (-1, LISTED)))  # listed ones come first
        errors: list[tuple[int, VersionError]] = []
        if self._first_semver:
            try:
                semver = version_key("semver", version)
            except VersionError as err:
                errors = self._semver_failed(found, err)
            else:
                self._sem.stab(semver, found)
        return found, errors

    def _semver_failed(
        self, found: dict[int, tuple[int, str]], err: VersionError
    ) -> list[tuple[int, VersionError]]:
        """osv_affected raises at an entry's first usable SEMVER range unless an earlier one hit."""
        errors = []
        for entry, first in sorted(self._first_semver.items()):
            if entry not in found or found[entry][0] > first:
                found.pop(entry, None)
                errors.append((entry, err))
        return errors
