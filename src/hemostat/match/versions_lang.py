"""Keys for language package managers with their own rules: PyPI (PEP 440), Maven, RubyGems.

Parsing is delegated to well-kept libraries (``packaging`` for PEP 440, univers' ports of Maven's
ComparableVersion and of Gem::Version); the key is derived from what they parse so that each
version string is parsed once and later comparisons are plain tuple compares.
"""

from __future__ import annotations

from packaging.version import InvalidVersion, Version
from univers import gem, maven

from hemostat.match.versions_common import Key, VersionError, padded


def pypi_key(version: str) -> Key:
    """PEP 440 ordering as ``packaging`` defines it (its cached comparison key; the Hypothesis
    oracle test in tests/unit/match guards against a change of that private attribute)."""
    try:
        parsed = Version(version)
    except InvalidVersion as exc:
        raise VersionError(f"not a PEP 440 version: {version!r}") from exc
    key: Key = parsed._key
    return key


# Maven ComparableVersion qualifiers in order; "" is the release, unknown ones sort after "sp".
_QUALIFIER_RANK = {q: str(i + 1) for i, q in enumerate(maven.QUALIFIERS)}
_RELEASE_RANK = _QUALIFIER_RANK[""]
_UNKNOWN_PREFIX = str(len(maven.QUALIFIERS)) + "-"


def _maven_item(item: object) -> tuple[int, Key]:
    """(comparison with a missing item, payload); payload ranks: string < list < integer."""
    if isinstance(item, int):
        return (1 if item else 0, (2, item))
    if isinstance(item, str):
        rank = _QUALIFIER_RANK.get(item) or _UNKNOWN_PREFIX + item
        return ((rank > _RELEASE_RANK) - (rank < _RELEASE_RANK), (0, rank))
    if isinstance(item, tuple):
        enc = padded([_maven_item(x) for x in item])
        # a sub-list compares with "missing" like its first significant item (MNG-6964)
        null_cmp: int = enc[0]
        return (null_cmp, (1, enc))
    raise VersionError(f"unexpected Maven version item {item!r}")


def maven_key(version: str) -> Key:
    """Maven ComparableVersion: items split on ``.``/``-`` and digit/letter transitions,
    qualifiers alpha < beta < milestone < rc < snapshot < release < sp < others."""
    if not version.isprintable() or version.strip() != version:
        raise VersionError(f"not a Maven version: {version!r}")
    try:
        parsed = maven.Version(version)._parsed  # type: ignore[no-untyped-call]
    except (ValueError, IndexError) as exc:  # univers' parser signals bad input this way
        raise VersionError(f"not a Maven version: {version!r}") from exc
    return padded([_maven_item(x) for x in parsed])


def rubygems_key(version: str) -> Key:
    """Gem::Version: canonical segments padded with 0, strings (pre-release) below numbers."""
    if not gem.GemVersion.is_correct(version):
        raise VersionError(f"not a RubyGems version: {version!r}")
    segments = gem.GemVersion(version).canonical_segments  # type: ignore[no-untyped-call]
    items: list[tuple[int, Key]] = []
    for seg in segments:
        if isinstance(seg, int):
            items.append((1 if seg else 0, (1, seg)))
        else:
            items.append((-1, (0, seg)))
    return padded(items)
