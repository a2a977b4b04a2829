"""``PackageTable`` (all advisories of a package compiled at once) must answer exactly as
``osv_affected`` does advisory by advisory: same hits, same descriptions, same errors."""

from __future__ import annotations

import random
from datetime import date
from itertools import product

import pytest

from hemostat.domain.vulnerability import (
    AffectedPackage,
    AffectedRange,
    FeedKind,
    Provenance,
    RangeEvent,
    RangeKind,
    Vulnerability,
)
from hemostat.match.index import PackageEntry
from hemostat.match.osv_table import PackageTable, _intervals
from hemostat.match.ranges import build_range, osv_affected, two_event_interval
from hemostat.match.versions import VersionError, version_key

PROV = Provenance(FeedKind.OSV, "test", date(2026, 1, 1))
# PyPI versions incl. ones semver cannot read (epoch, post, pre), and one nothing can read
VERSIONS = ("0.1", "0.9", "1.0", "1.0.0", "1.0.1", "1.2", "1.5.3", "2.0", "2.0.0a1", "2.0.post1",
            "2.1", "3.0", "3.0.1", "4.0", "1!0.5", "10.0")  # fmt: skip
EVENTS = ("introduced", "introduced", "fixed", "fixed", "last_affected", "limit")


def _range(rnd: random.Random) -> AffectedRange:
    events = [RangeEvent("introduced", "0")] if rnd.random() < 0.3 else []
    for _ in range(rnd.randint(1, 4)):
        kind = rnd.choice(EVENTS)
        version = rnd.choice(VERSIONS) if rnd.random() > 0.03 else "<sha>.patch"
        events.append(RangeEvent(kind, "*" if kind == "limit" and rnd.random() < 0.2 else version))
    kind = rnd.choice((RangeKind.ECOSYSTEM, RangeKind.ECOSYSTEM, RangeKind.SEMVER, RangeKind.GIT))
    return AffectedRange(kind, tuple(events))


def _entry(rnd: random.Random, n: int) -> PackageEntry:
    pkg = AffectedPackage(
        rnd.choice(("PyPI", "PyPI", "")),
        "demo",
        ranges=tuple(_range(rnd) for _ in range(rnd.choice((0, 1, 1, 2, 3)))),
        versions=tuple(rnd.sample(VERSIONS, rnd.choice((0, 0, 1, 3)))),
    )
    return PackageEntry(Vulnerability(f"V-{n}", PROV, packages=(pkg,)), pkg)


def _expected(version: str, entries: list[PackageEntry]) -> tuple[list, list]:
    hits, errors = [], []
    for i, e in enumerate(entries):
        try:
            found = osv_affected("PyPI", version, e.package)
        except VersionError as err:
            errors.append((i, str(err)))
            continue
        if found is not None:
            hits.append((i, found))
    return hits, errors


@pytest.mark.parametrize("seed", range(150))
def test_table_agrees_with_osv_affected(seed: int) -> None:
    rnd = random.Random(seed)
    entries = [_entry(rnd, n) for n in range(rnd.choice((1, 5, 60)))]
    table = PackageTable("PyPI", entries)
    for version in VERSIONS:
        result = table.evaluate(version, version_key("PyPI", version))
        got = list(result.hits), [(i, str(err)) for i, err in result.errors]
        assert got == _expected(version, entries), (seed, version)


def test_many_advisories_only_hits_are_returned() -> None:
    """A kernel-sized package: 2,000 disjoint ranges, each version inside exactly one."""
    entries = []
    for n in range(2000):
        rng = AffectedRange(
            RangeKind.ECOSYSTEM, (RangeEvent("introduced", f"{n}.0"), RangeEvent("fixed", f"{n}.5"))
        )
        pkg = AffectedPackage("PyPI", "linux", ranges=(rng,))
        entries.append(PackageEntry(Vulnerability(f"V-{n}", PROV, packages=(pkg,)), pkg))
    table = PackageTable("PyPI", entries)
    assert table.evaluate("1234.2", version_key("PyPI", "1234.2")).hits == (
        (1234, ">=1234.0, <1234.5 (ECOSYSTEM)"),
    )
    assert table.evaluate("1234.5", version_key("PyPI", "1234.5")).hits == ()


def test_two_event_ranges_compile_straight_to_the_same_intervals() -> None:
    """``osv_table`` turns [introduced, fixed|last_affected] ranges into their interval without
    ``build_range``: the same intervals (or the same VersionError) for every combination."""
    versions = ("0", "1.0", "1.0.0", "1.2.3", "2.0.0-rc1", "1:2.3-4", "v1.0", "not a version!")
    kinds = ("introduced", "fixed", "last_affected", "limit")
    checked = direct = 0
    for eco, rkind, (k1, k2), (v1, v2) in product(
        ("PyPI", "npm", "Go", "Debian", "Maven"),
        (RangeKind.ECOSYSTEM, RangeKind.SEMVER),
        product(kinds, kinds),
        product(versions, versions),
    ):
        rng = AffectedRange(rkind, (RangeEvent(k1, v1), RangeEvent(k2, v2)))
        order = "semver" if rkind is RangeKind.SEMVER else eco
        try:
            expected = list(_intervals(build_range(eco, rng)))
        except VersionError:
            expected = None
        try:
            got = two_event_interval(order, rng)
        except VersionError:
            assert expected is None, (eco, rng)
            checked += 1
            continue
        if got is False:
            continue  # not the two-event shape: the table takes build_range
        direct += 1
        assert expected == ([] if got is None else [got]), (eco, rng)
        checked += 1
    assert checked > 1_000 and direct > 600, (checked, direct)
