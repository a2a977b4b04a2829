"""version_key per ecosystem: edge cases, NVD generic ordering, refusals, purl type mapping."""

from __future__ import annotations

from itertools import pairwise

import pytest

from hemostat.errors import HemostatError
from hemostat.match.versions import (
    VersionError,
    ecosystem_of_purl_type,
    has_ordering,
    nvd_version_key,
    version_key,
)


def _sorted(ecosystem: str, versions: list[str]) -> list[str]:
    return sorted(versions, key=lambda v: version_key(ecosystem, v))


@pytest.mark.parametrize(
    ("ecosystem", "ordered"),
    [
        ("PyPI", ["1.0.dev1", "1.0a1", "1.0rc1", "1.0", "1.0.post1", "1.1"]),
        ("npm", ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0"]),
        ("crates.io", ["0.9.9", "0.10.0-rc.1", "0.10.0", "1.0.0"]),
        ("Maven", ["1.0-alpha-1", "1.0-beta", "1.0-SNAPSHOT", "1.0", "1.0-sp1", "1.0.1"]),
        ("NuGet", ["1.0.0-alpha", "1.0.0", "1.0.0.1-alpha", "1.0.0.1", "1.1"]),
        ("Debian:12", ["1.0~rc1-1", "1.0-1", "1.0-1+deb12u1", "1.0-2", "1:0.9-1"]),
        ("Ubuntu:22.04:LTS", ["2.7.4-1ubuntu1", "2.7.4-1ubuntu1.1", "2.7.10-0ubuntu1"]),
        ("Alpine:v3.18", ["1.2.3_rc1-r0", "1.2.3-r0", "1.2.3-r1", "1.2.3a-r0", "1.2.4_p1-r0"]),
        ("Red Hat", ["1.0~rc1-1.el8", "1.0-1.el8", "1.0-1.el8_8", "1.0^git1-1", "1:0.1-1"]),
        ("RubyGems", ["1.0.0.a", "1.0.0.pre.2", "1.0.0", "1.0.1", "5.0.0.1"]),
        ("Packagist", ["1.0.0-dev", "1.0.0-alpha1", "1.0.0-beta2", "1.0.0-RC1", "1.0.0", "v1.0.1"]),
        ("Pub", ["1.0.0-dev", "1.0.0", "1.0.0+1", "1.0.1"]),
        ("Hex", ["0.9.0", "1.0.0-rc.0", "1.0.0"]),
    ],
)
def test_ecosystem_order(ecosystem: str, ordered: list[str]) -> None:
    assert _sorted(ecosystem, list(reversed(ordered))) == ordered
    keys = [version_key(ecosystem, v) for v in ordered]
    assert all(a < b for a, b in pairwise(keys))  # strictly increasing


@pytest.mark.parametrize(
    ("ecosystem", "a", "b"),
    [
        ("PyPI", "1.0", "1.0.0"),
        ("Go", "v1.2.3", "1.2.3"),
        ("Go", "1.2.3+incompatible", "1.2.3"),
        ("npm", "1.0.0+build.7", "1.0.0"),
        ("Maven", "1.0", "1.0.0-ga"),
        ("Debian", "1.0", "1.0-0"),
        ("Debian", "0:1.0-1", "1.0-1"),
        ("NuGet", "1.0.0-Beta", "1.0.0-beta"),
        ("RubyGems", "1.0", "1.0.0"),
        ("Packagist", "1.0", "1.0.0.0"),
    ],
)
def test_equal_spellings(ecosystem: str, a: str, b: str) -> None:
    assert version_key(ecosystem, a) == version_key(ecosystem, b)


def test_nvd_generic_ordering() -> None:
    ordered = [
        "0.9.8zh",
        "1.0.0-beta1",
        "1.0.0",
        "1.0.0a",
        "1.0.1",
        "1.1.1",
        "1.1.1k",
        "1.1.1w",
        "2.1",
        "v2.1.2",
        "3.0.0-alpha1",
        "3.0.0-rc1",
        "3.0.0",
    ]
    keys = [nvd_version_key(v) for v in ordered]
    assert all(a < b for a, b in pairwise(keys))
    assert nvd_version_key("2.1") == nvd_version_key("2.1.0") == nvd_version_key("V2.1")
    assert nvd_version_key("1.0-final") == nvd_version_key("1.0")
    assert nvd_version_key("1.0b2") < nvd_version_key("1.0")  # PEP 440-like beta
    assert nvd_version_key("1.0b") > nvd_version_key("1.0")  # OpenSSL-like letter release
    assert nvd_version_key("1.0.2zc") < nvd_version_key("1.0.2zc-dev") < nvd_version_key("1.0.2zd")


@pytest.mark.parametrize(
    ("ecosystem", "bad"),
    [
        ("PyPI", "1.0-bulbasaur"),
        ("npm", "1.2"),
        ("npm", "01.2.3"),
        ("crates.io", "1.0.0-01"),
        ("Debian", "abc"),
        ("Debian", "1.0-"),
        ("Alpine", "1.0-r"),
        ("NuGet", "1.0.0.0.0"),
        ("Red Hat", "x:1.0"),
        ("nvd", "-"),
        ("nvd", "*"),
        ("PyPI", ""),
        ("PyPI", "1.0 "),
        ("PyPI", "1" * 300),
        ("Hackage", "1.0"),
    ],
)
def test_unorderable_versions_raise(ecosystem: str, bad: str) -> None:
    with pytest.raises(VersionError):
        version_key(ecosystem, bad)


def test_version_error_is_a_hemostat_error_and_a_value_error() -> None:
    with pytest.raises(VersionError) as info:
        version_key("npm", "not-a-version")
    assert isinstance(info.value, HemostatError)
    assert isinstance(info.value, ValueError)
    assert info.value.code == "version_error"


def test_keys_are_cached_and_hashable() -> None:
    first = version_key("Maven", "1.2.3-beta-4")
    assert version_key("Maven", "1.2.3-beta-4") is first
    assert hash(first) == hash(version_key("Maven", "1.2.3-beta-4"))


def test_has_ordering_uses_the_base_ecosystem() -> None:
    assert has_ordering("Debian:11")
    assert has_ordering("Maven:https://maven.google.com")
    assert not has_ordering("GIT")
    assert not has_ordering("ConanCenter")


@pytest.mark.parametrize(
    ("ptype", "qualifiers", "expected"),
    [
        ("pypi", {}, "PyPI"),
        ("golang", {}, "Go"),
        ("cargo", {}, "crates.io"),
        ("maven", {}, "Maven"),
        ("nuget", {}, "NuGet"),
        ("gem", {}, "RubyGems"),
        ("composer", {}, "Packagist"),
        ("deb", {"distro": "ubuntu-22.04"}, "Ubuntu"),
        ("deb", {"distro": "bookworm"}, "Debian"),
        ("deb", {}, "Debian"),
        ("rpm", {"distro": "rocky-9"}, "Rocky Linux"),
        ("rpm", {}, "Red Hat"),
        ("apk", {"distro": "alpine-3.18"}, "Alpine"),
        ("apk", {"distro": "wolfi"}, "Wolfi"),
        ("generic", {}, None),
        ("github", {}, None),
    ],
)
def test_ecosystem_of_purl_type(ptype: str, qualifiers: dict[str, str], expected: str) -> None:
    assert ecosystem_of_purl_type(ptype, qualifiers) == expected
