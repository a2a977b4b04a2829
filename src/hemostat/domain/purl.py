"""Package URL normalization (placeholder using packageurl-python; a fast path replaces it)."""

from __future__ import annotations

from functools import lru_cache

from packageurl import PackageURL


class PurlError(ValueError):
    """A string that is not a valid purl."""


@lru_cache(maxsize=262_144)
def normalize_purl(text: str) -> str:
    """Return the canonical form of ``text`` or raise ``PurlError`` saying what is wrong."""
    try:
        return str(PackageURL.from_string(text).to_string())
    except ValueError as exc:
        raise PurlError(str(exc)) from None
