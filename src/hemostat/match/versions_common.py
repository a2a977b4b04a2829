"""Shared pieces of the version-key builders: the error, the key type and the padding encoder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hemostat.errors import HemostatError

Key = tuple[Any, ...]
"""A version sort key: hashable, and ordered with ``<`` against keys of the same ecosystem."""

MAX_VERSION_LENGTH = 256  # hostile-input guard: no real version string is longer


class VersionError(HemostatError, ValueError):
    """A version string (or ecosystem) that cannot be ordered; callers report it, never guess."""

    code = "version_error"


def check_text(version: str) -> str:
    """Reject empty, over-long or whitespace-carrying version strings before any parsing."""
    if not isinstance(version, str) or not version:
        raise VersionError("empty version")
    if len(version) > MAX_VERSION_LENGTH:
        raise VersionError(f"version longer than {MAX_VERSION_LENGTH} characters")
    if any(ch.isspace() for ch in version):
        raise VersionError(f"whitespace in version {version!r}")
    return version


def padded(items: Sequence[tuple[int, Key]]) -> Key:
    """Encode a sequence compared element-wise with "missing" padding as one plain tuple key.

    ``items`` are ``(null_cmp, payload)`` pairs: ``null_cmp`` is how the element compares with a
    missing element (-1, 0 or 1) and ``payload`` (a tuple of the same length for every element)
    orders two real elements. Many schemes (Maven, dpkg, RubyGems, "2.1" == "2.1.0") compare a
    shorter version as if padded with missing elements, which plain tuple comparison gets wrong.
    Each element is written as the sign of *the rest of the sequence* against padding followed by
    its payload, all flat in one tuple, and the key ends with a 0 terminator; tuple comparison then
    reproduces the padded comparison (a real element's sign is never 0: trailing elements equal to
    padding are dropped). Hand-written: no library offers this encoding.
    """
    out: list[object] = [0]
    rest = 0
    for null_cmp, payload in reversed(items):
        if null_cmp:
            rest = null_cmp
        if rest == 0:
            continue  # trailing elements that equal padding
        out.extend(reversed(payload))
        out.append(rest)
    out.reverse()
    return tuple(out)
