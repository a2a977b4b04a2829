"""Keys for SemVer-family ecosystems: npm, crates.io, Go, Hex, Pub, SwiftURL, NuGet, Packagist.

Hand-written parsers (a regex per ecosystem) because univers' semver classes coerce loosely
("1.2" → "1.2.0") and order build metadata, which SemVer 2.0 ignores; univers is the test oracle.
"""

from __future__ import annotations

import re

from hemostat.match.versions_common import Key, VersionError

_NUM = r"0|[1-9]\d*"
_IDENT = r"[0-9A-Za-z-]+"
_SEMVER = re.compile(
    rf"^(?P<major>{_NUM})\.(?P<minor>{_NUM})\.(?P<patch>{_NUM})"
    rf"(?:-(?P<pre>{_IDENT}(?:\.{_IDENT})*))?(?:\+(?P<build>{_IDENT}(?:\.{_IDENT})*))?$"
)
_NUGET = re.compile(
    r"^[vV]?(?P<nums>\d+(?:\.\d+){0,3})"
    rf"(?:-(?P<pre>{_IDENT}(?:\.{_IDENT})*))?(?:\+(?P<build>{_IDENT}(?:\.{_IDENT})*))?$"
)
_RELEASE: Key = (1,)  # sorts after every pre-release tuple, which starts with 0


def _idents(text: str, *, fold: bool = False, strict: bool = True) -> Key:
    """Pre-release identifiers: numbers compare numerically, below alphanumerics (SemVer §11)."""
    out: list[tuple[int, int | str]] = []
    for ident in text.split("."):
        if ident.isdigit():
            if strict and len(ident) > 1 and ident[0] == "0":
                raise VersionError(f"leading zero in pre-release identifier {ident!r}")
            out.append((0, int(ident)))
        else:
            out.append((1, ident.lower() if fold else ident))
    return tuple(out)


def _semver_match(version: str) -> re.Match[str]:
    m = _SEMVER.match(version)
    if m is None:
        raise VersionError(f"not a SemVer 2.0 version: {version!r}")
    return m


def semver_key(version: str) -> Key:
    """SemVer 2.0 precedence: build metadata ignored, pre-releases before the release."""
    m = _semver_match(version)
    pre = m["pre"]
    tail = (0, *_idents(pre)) if pre else _RELEASE
    return (int(m["major"]), int(m["minor"]), int(m["patch"]), tail)


def npm_key(version: str) -> Key:
    """npm (node-semver ``clean``): a leading ``v`` or ``=`` is tolerated."""
    return semver_key(version.lstrip("=vV") if version[:1] in "=vV" else version)


def go_key(version: str) -> Key:
    """Go modules: SemVer with an optional ``v``; pseudo-versions are ordinary pre-releases and
    ``+incompatible`` is build metadata."""
    return semver_key(version[1:] if version[:1] == "v" else version)


def pub_key(version: str) -> Key:
    """Dart pub: SemVer, except that build metadata orders after the plain release."""
    m = _semver_match(version)
    pre, build = m["pre"], m["build"]
    tail = (0, *_idents(pre)) if pre else _RELEASE
    extra = _idents(build, strict=False) if build else ()
    return (int(m["major"]), int(m["minor"]), int(m["patch"]), tail, extra)


def nuget_key(version: str) -> Key:
    """NuGet: 1–4 numeric parts (missing ones are 0), case-insensitive pre-release labels."""
    m = _NUGET.match(version)
    if m is None:
        raise VersionError(f"not a NuGet version: {version!r}")
    nums = [int(n) for n in m["nums"].split(".")]
    nums += [0] * (4 - len(nums))
    pre = m["pre"]
    tail = (0, *_idents(pre, fold=True, strict=False)) if pre else _RELEASE
    return (*nums, tail)


_COMPOSER = re.compile(
    r"^[vV]?(?P<nums>\d+(?:\.\d+){0,3})"
    r"(?:[-_.]?(?P<stab>stable|beta|b|rc|alpha|a|patch|pl|p|dev)(?:[.-]?(?P<n>\d+))?)?"
    r"(?:\+[0-9A-Za-z.-]+)?$",
    re.IGNORECASE,
)
_STABILITY = {"dev": 0, "alpha": 1, "a": 1, "beta": 2, "b": 2, "rc": 3, "stable": 4}
_STABILITY.update(patch=5, pl=5, p=5)


def composer_key(version: str) -> Key:
    """Packagist (Composer ``VersionParser::normalize`` + ``version_compare``): four numeric
    parts, then the stability flag dev < alpha < beta < RC < stable < patch and its number."""
    m = _COMPOSER.match(version)
    if m is None:
        raise VersionError(f"not a Composer version: {version!r}")
    nums = [int(n) for n in m["nums"].split(".")]
    nums += [0] * (4 - len(nums))
    stab = _STABILITY[m["stab"].lower()] if m["stab"] else 4
    return (*nums, stab, int(m["n"] or 0))


def loose_semver_key(version: str) -> Key:
    """SemVer ordering for ``vers:semver`` / SEMVER ranges written with fewer than three parts
    (e.g. ``1.2`` → ``1.2.0``); other deviations from SemVer are still refused."""
    head = version[1:] if version[:1] in "vV" else version
    core = re.split(r"[-+]", head, maxsplit=1)[0]
    parts = core.split(".")
    if 1 <= len(parts) < 3 and all(p.isdigit() for p in parts):
        head = ".".join(parts + ["0"] * (3 - len(parts))) + head[len(core) :]
    return semver_key(head)
