"""OSV range evaluation (https://ossf.github.io/osv-schema/#evaluation) and NVD cpeMatch bounds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from hemostat.domain.vulnerability import (
    AffectedPackage,
    AffectedRange,
    CpeMatch,
    RangeEvent,
    RangeKind,
)
from hemostat.match.ranges import compile_range, cpe_bounds_hit, osv_affected, unusable_ranges
from hemostat.match.versions import VersionError


def pkg(
    *events: tuple[str, str],
    ecosystem: str = "PyPI",
    kind: RangeKind = RangeKind.ECOSYSTEM,
    versions: tuple[str, ...] = (),
) -> AffectedPackage:
    rng = AffectedRange(kind, tuple(RangeEvent(k, v) for k, v in events)) if events else None
    return AffectedPackage(ecosystem, "demo", ranges=(rng,) if rng else (), versions=versions)


def test_introduced_zero_and_fixed_exclusive() -> None:
    p = pkg(("introduced", "0"), ("fixed", "1.2.3"))
    assert osv_affected("PyPI", "0.0.1", p) == "<1.2.3 (ECOSYSTEM)"
    assert osv_affected("PyPI", "1.2.3rc1", p) is not None
    assert osv_affected("PyPI", "1.2.3", p) is None
    assert osv_affected("PyPI", "2.0", p) is None


def test_introduced_only_affects_everything_from_there() -> None:
    p = pkg(("introduced", "1.0"))
    assert osv_affected("PyPI", "0.9", p) is None
    assert osv_affected("PyPI", "1.0", p) == ">=1.0 (ECOSYSTEM)"
    assert osv_affected("PyPI", "99", p) == ">=1.0 (ECOSYSTEM)"
    assert osv_affected("PyPI", "5", pkg(("introduced", "0"))) == "all versions (ECOSYSTEM)"


def test_last_affected_is_inclusive() -> None:
    p = pkg(("introduced", "0"), ("last_affected", "2.1.214"))
    assert osv_affected("PyPI", "2.1.214", p) == "<=2.1.214 (ECOSYSTEM)"
    assert osv_affected("PyPI", "2.1.214.post1", p) is None
    assert osv_affected("PyPI", "2.1.215", p) is None


def test_multiple_intervals_in_one_range_unsorted_as_written() -> None:
    p = pkg(
        ("introduced", "3.0.0"),
        ("fixed", "3.2.5"),
        ("introduced", "1.0.0"),
        ("fixed", "1.0.2"),
        kind=RangeKind.SEMVER,
        ecosystem="npm",
    )
    assert osv_affected("npm", "0.9.0", p) is None
    assert osv_affected("npm", "1.0.1", p) == ">=1.0.0, <1.0.2 (SEMVER)"
    assert osv_affected("npm", "2.0.0", p) is None
    assert osv_affected("npm", "3.2.4", p) == ">=3.0.0, <3.2.5 (SEMVER)"
    assert osv_affected("npm", "3.2.5", p) is None


def test_events_at_one_version_keep_their_written_order() -> None:
    # pyspark PYSEC-2023-72: adjacent intervals, osv.dev lists 3.1.1 as affected
    adjacent = pkg(
        ("introduced", "0"),
        ("fixed", "3.1.1"),
        ("introduced", "3.2.0"),
        ("fixed", "3.2.2"),
        ("introduced", "3.1.1"),
        ("fixed", "3.2.0"),
    )
    assert osv_affected("PyPI", "3.1.1", adjacent) == ">=3.1.1, <3.2.0 (ECOSYSTEM)"
    assert osv_affected("PyPI", "3.1.3", adjacent) is not None
    # ... and, as written, "introduced 3.2.0" is closed again by the later "fixed 3.2.0":
    # osv.dev's expanded versions list has no 3.2.x either
    assert osv_affected("PyPI", "3.2.0", adjacent) is None
    assert osv_affected("PyPI", "3.2.1", adjacent) is None
    # RUSTSEC-2022-0012: "introduced 0.10.0, fixed 0.10.0" is an empty interval
    empty = pkg(
        ("introduced", "0.0.0-0"),
        ("fixed", "0.9.2"),
        ("introduced", "0.10.0"),
        ("fixed", "0.10.0"),
        kind=RangeKind.SEMVER,
        ecosystem="crates.io",
    )
    assert osv_affected("crates.io", "0.10.0", empty) is None
    assert osv_affected("crates.io", "0.11.0", empty) is None
    assert osv_affected("crates.io", "0.9.1", empty) is not None


def test_limit_bounds_the_range() -> None:
    p = pkg(("introduced", "1.0"), ("limit", "2.0"))
    assert osv_affected("PyPI", "1.5", p) is not None
    assert osv_affected("PyPI", "2.0", p) is None
    assert osv_affected("PyPI", "3.0", pkg(("introduced", "1.0"), ("limit", "*"))) is not None


def test_versions_list_only_and_normalized_equality() -> None:
    p = pkg(versions=("1.0", "1.1"))
    assert osv_affected("PyPI", "1.1", p) == "listed in versions"
    assert osv_affected("PyPI", "1.0.0", p) == "listed in versions"  # PEP 440 equal
    assert osv_affected("PyPI", "1.2", p) is None
    go = pkg(versions=("1.2.3",), ecosystem="Go")
    assert osv_affected("Go", "v1.2.3", go) == "listed in versions"


def test_versions_or_ranges_either_hits() -> None:
    p = pkg(("introduced", "2.0"), ("fixed", "2.1"), versions=("1.0",))
    assert osv_affected("PyPI", "1.0", p) == "listed in versions"
    assert osv_affected("PyPI", "2.0.5", p) == ">=2.0, <2.1 (ECOSYSTEM)"


def test_git_ranges_are_ignored() -> None:
    git = pkg(("introduced", "0"), ("fixed", "2f53c851eaf9"), kind=RangeKind.GIT)
    assert osv_affected("PyPI", "1.0", git) is None
    assert unusable_ranges("PyPI", git) == ()


def test_unparseable_event_skips_the_range_and_versions_decide() -> None:
    p = pkg(("introduced", "0"), ("fixed", "abc123.patch"), versions=("1.0",))
    assert unusable_ranges("PyPI", p) == (
        "ECOSYSTEM range skipped: not a PEP 440 version: 'abc123.patch'",
    )
    assert osv_affected("PyPI", "1.0", p) == "listed in versions"
    assert osv_affected("PyPI", "0.5", p) is None
    with pytest.raises(VersionError):
        compile_range("PyPI", p.ranges[0])


def test_unparseable_component_version_raises() -> None:
    with pytest.raises(VersionError):
        osv_affected("PyPI", "not a version", pkg(("introduced", "0"), ("fixed", "1.0")))


def test_ecosystem_without_ordering() -> None:
    hackage = pkg(("introduced", "0"), ("fixed", "1.0"), ecosystem="Hackage")
    with pytest.raises(VersionError, match="no version ordering"):
        osv_affected("Hackage", "0.5", hackage)
    listed = pkg(("introduced", "0"), ("fixed", "1.0"), ecosystem="Hackage", versions=("0.5",))
    assert osv_affected("Hackage", "0.5", listed) == "listed in versions"
    assert osv_affected("Hackage", "0.6", listed) is None


def test_semver_range_in_a_non_semver_ecosystem_uses_semver_order() -> None:
    p = pkg(("introduced", "1.0.0"), ("fixed", "1.2.0"), kind=RangeKind.SEMVER, ecosystem="Go")
    assert osv_affected("Go", "v1.1.0", p) is not None
    assert osv_affected("Go", "v1.2.0", p) is None


def test_distro_ecosystem_with_release_suffix() -> None:
    p = pkg(("introduced", "0"), ("fixed", "1.1.1n-0+deb11u5"), ecosystem="Debian:11")
    assert osv_affected("Debian", "1.1.1n-0+deb11u4", p) is not None
    assert osv_affected("Debian", "1.1.1n-0+deb11u5", p) is None


def test_real_osv_records_listed_versions_fall_in_their_ranges(
    shared_data: Callable[[str], Path],
) -> None:
    """For RustSec records the fixed versions are outside every range; for a sample of PyPA
    records every listed version is inside the ranges alone (our order matches osv.dev's)."""
    folder = shared_data("osv-rustsec")
    checked = 0
    for path in sorted(folder.rglob("*.json"))[:400]:
        record = json.loads(path.read_text())
        for affected in record.get("affected", []):
            ranges = tuple(
                AffectedRange(
                    RangeKind(r["type"]),
                    tuple(RangeEvent(k, str(v)) for e in r["events"] for k, v in e.items()),
                )
                for r in affected.get("ranges", [])
            )
            p = AffectedPackage("crates.io", affected["package"]["name"], ranges=ranges)
            fixed = [e.version for r in ranges for e in r.events if e.kind == "fixed"]
            reopened = {e.version for r in ranges for e in r.events if e.kind == "introduced"}
            for version in fixed:
                if version not in reopened:
                    assert osv_affected("crates.io", version, p) is None, (path.name, version)
                    checked += 1
    assert checked > 300


# --- NVD cpeMatch -------------------------------------------------------------------------------
CPE_ANY = "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*"


def test_cpe_bounds_start_including_end_excluding() -> None:
    m = CpeMatch(CPE_ANY, version_start_including="1.1.1", version_end_excluding="1.1.1w")
    assert cpe_bounds_hit("1.1.1", m)
    assert cpe_bounds_hit("1.1.1k", m)
    assert not cpe_bounds_hit("1.1.1w", m)
    assert not cpe_bounds_hit("3.0.0", m)
    assert not cpe_bounds_hit("1.1.0l", m)


def test_cpe_bounds_start_excluding_end_including() -> None:
    m = CpeMatch(CPE_ANY, version_start_excluding="2.0", version_end_including="2.4.1")
    assert not cpe_bounds_hit("2.0", m)
    assert not cpe_bounds_hit("2.0.0", m)
    assert cpe_bounds_hit("2.0.1", m)
    assert cpe_bounds_hit("v2.4.1", m)
    assert not cpe_bounds_hit("2.4.2", m)
    assert cpe_bounds_hit("2.4.1-rc1", m)


def test_cpe_without_bounds() -> None:
    assert cpe_bounds_hit("anything", CpeMatch(CPE_ANY))
    assert cpe_bounds_hit("", CpeMatch(CPE_ANY))
    exact = CpeMatch("cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*")
    assert cpe_bounds_hit("1.0.2k", exact)
    assert cpe_bounds_hit("1.0.2K", exact)
    assert not cpe_bounds_hit("1.0.2l", exact)
    assert cpe_bounds_hit("2.1.0", CpeMatch("cpe:2.3:a:x:y:2.1:*:*:*:*:*:*:*"))
    escaped = CpeMatch("cpe:2.3:a:x:y:1.0\\(2\\):*:*:*:*:*:*:*")
    assert cpe_bounds_hit("1.0(2)", escaped)
    assert cpe_bounds_hit("1.2.7", CpeMatch("cpe:2.3:a:x:y:1.2.*:*:*:*:*:*:*:*"))
    assert not cpe_bounds_hit("1.3.0", CpeMatch("cpe:2.3:a:x:y:1.2.*:*:*:*:*:*:*:*"))


def test_cpe_na_version_matches_only_versionless_components() -> None:
    na = CpeMatch("cpe:2.3:h:vendor:pump:-:*:*:*:*:*:*:*")
    assert cpe_bounds_hit("", na)
    assert cpe_bounds_hit("-", na)
    assert not cpe_bounds_hit("1.0", na)


def test_cpe_unknown_component_version_raises() -> None:
    m = CpeMatch(CPE_ANY, version_end_excluding="2.0")
    with pytest.raises(VersionError):
        cpe_bounds_hit("*", m)
    with pytest.raises(VersionError):
        cpe_bounds_hit("***", m)
    assert not cpe_bounds_hit("", m)
