"""Version ordering per ecosystem: ``version_key(ecosystem, version)`` → a cached tuple key.

Keys of one ecosystem compare with ``<``/``==`` exactly as that ecosystem orders versions, so a
range check after the first parse is a handful of tuple compares (≥ 1M checks/s, bench/w4).
Ecosystem names use OSV spelling ("PyPI", "Debian:12", "crates.io" ...); vers schemes ("pypi",
"deb", "golang" ...) and "semver", "generic"/"nvd" (CPE versions), "lexicographic" work too.

Which code orders what (the tests compare each one with univers or packaging):
- PyPI: ``packaging``; Maven, RubyGems: univers' parsers (versions_lang)
- npm, crates.io, Go, Hex, Pub, SwiftURL, NuGet, Packagist, SEMVER (versions_semver)
- Debian/Ubuntu (dpkg), RPM distributions (rpmvercmp), Alpine/Wolfi (apk) (versions_distro)
- NVD/CPE and OpenSSL: a generic ordering (versions_generic)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from hemostat.match import versions_distro as distro
from hemostat.match import versions_generic as generic
from hemostat.match import versions_lang as lang
from hemostat.match import versions_semver as sv
from hemostat.match.versions_common import Key, VersionError, check_text

__all__ = [
    "Key",
    "VersionError",
    "canonical_ecosystem",
    "ecosystem_of_purl_type",
    "has_ordering",
    "nvd_version_key",
    "version_key",
]

KeyFunc = Callable[[str], Key]

_BY_NAME: dict[str, KeyFunc] = {
    "pypi": lang.pypi_key,
    "maven": lang.maven_key,
    "rubygems": lang.rubygems_key,
    "gem": lang.rubygems_key,
    "npm": sv.npm_key,
    "crates.io": sv.semver_key,
    "cargo": sv.semver_key,
    "go": sv.go_key,
    "golang": sv.go_key,
    "hex": sv.semver_key,
    "pub": sv.pub_key,
    "swifturl": sv.go_key,
    "swift": sv.go_key,
    "bitnami": sv.loose_semver_key,
    "semver": sv.loose_semver_key,
    "nginx": sv.semver_key,
    "nuget": sv.nuget_key,
    "packagist": sv.composer_key,
    "composer": sv.composer_key,
    "debian": distro.debian_key,
    "deb": distro.debian_key,
    "ubuntu": distro.debian_key,
    "alpine": distro.alpine_key,
    "gentoo": distro.alpine_key,  # the same pkgcore-derived algorithm (vers-spec gentoo tests)
    "apk": distro.alpine_key,
    "wolfi": distro.alpine_key,
    "chainguard": distro.alpine_key,
    "rpm": distro.rpm_key,
    "red hat": distro.rpm_key,
    "rocky linux": distro.rpm_key,
    "almalinux": distro.rpm_key,
    "opensuse": distro.rpm_key,
    "suse": distro.rpm_key,
    "mageia": distro.rpm_key,
    "openeuler": distro.rpm_key,
    "photon os": distro.rpm_key,
    "azure linux": distro.rpm_key,
    "generic": generic.nvd_version_key,
    "nvd": generic.nvd_version_key,
    "openssl": generic.nvd_version_key,
    "lexicographic": generic.lexicographic_key,
}


def _key_func(ecosystem: str) -> KeyFunc | None:
    # "Debian:12", "Alpine:v3.18", "Ubuntu:22.04:LTS" order like their base ecosystem
    return _BY_NAME.get(ecosystem.partition(":")[0].strip().lower())


def has_ordering(ecosystem: str) -> bool:
    """True when ``version_key`` can order versions of ``ecosystem``."""
    return _key_func(ecosystem) is not None


def canonical_ecosystem(ecosystem: str) -> str:
    """The ordering family name ("Debian:12" → "debian"), for cache keys and messages."""
    return ecosystem.partition(":")[0].strip().lower()


@lru_cache(maxsize=1 << 18)
def version_key(ecosystem: str, version: str) -> Key:
    """The sort key of ``version`` in ``ecosystem``; raises ``VersionError`` if unparseable or if
    the ecosystem has no known ordering. Cached per (ecosystem, version) string."""
    func = _key_func(ecosystem)
    if func is None:
        raise VersionError(f"no version ordering known for ecosystem {ecosystem!r}")
    if func is not generic.lexicographic_key:
        check_text(version)
    return func(version)


@lru_cache(maxsize=1 << 18)
def nvd_version_key(version: str) -> Key:
    """Generic ordering for NVD/CPE versions (cached): "1.1.1k" < "1.1.1w" < "3.0.0"."""
    return generic.nvd_version_key(version)


_PURL_TYPES = {
    "pypi": "PyPI",
    "npm": "npm",
    "golang": "Go",
    "cargo": "crates.io",
    "maven": "Maven",
    "nuget": "NuGet",
    "gem": "RubyGems",
    "composer": "Packagist",
    "hex": "Hex",
    "pub": "Pub",
    "swift": "SwiftURL",
    "hackage": "Hackage",
    "cran": "CRAN",
    "conan": "ConanCenter",
}
_DISTROS = {
    "deb": (("ubuntu", "Ubuntu"), ("debian", "Debian")),
    "rpm": (
        ("rocky", "Rocky Linux"),
        ("alma", "AlmaLinux"),
        ("opensuse", "openSUSE"),
        ("sles", "SUSE"),
        ("suse", "SUSE"),
        ("mageia", "Mageia"),
        ("openeuler", "openEuler"),
        ("photon", "Photon OS"),
        ("azurelinux", "Azure Linux"),
        ("", "Red Hat"),
    ),
    "apk": (("wolfi", "Wolfi"), ("chainguard", "Chainguard"), ("", "Alpine")),
}


def ecosystem_of_purl_type(purl_type: str, qualifiers: Mapping[str, str]) -> str | None:
    """The OSV ecosystem (base name, without a release such as ":12") of a purl type, using the
    ``distro`` qualifier for deb/rpm/apk; None for types OSV has no ecosystem for."""
    ptype = purl_type.lower()
    if ptype in _PURL_TYPES:
        return _PURL_TYPES[ptype]
    choices = _DISTROS.get(ptype)
    if choices is None:
        return None
    distro_name = qualifiers.get("distro", "").lower()
    for needle, name in choices:
        if needle in distro_name:
            return name
    return choices[-1][1]
