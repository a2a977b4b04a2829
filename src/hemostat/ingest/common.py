"""Normalization shared by the format readers: hashes, support properties, identifiers."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache

from hemostat.domain import component as _component
from hemostat.domain.component import Hash, Sbom, SupportLevel
from hemostat.domain.cpe import CpeError, normalize_cpe
from hemostat.domain.purl import PurlError, normalize_purl
from hemostat.errors import IngestError

# The hemostat: property names live in the domain (exporters need them too); re-exported here.
PROP_LEVEL = _component.PROP_LEVEL
PROP_EOS = _component.PROP_EOS
PROP_NOTE = _component.PROP_NOTE
PROP_CPE = _component.PROP_CPE

_LEVEL_ALIASES = {
    "actively_maintained": SupportLevel.ACTIVELY_MAINTAINED,
    "actively maintained": SupportLevel.ACTIVELY_MAINTAINED,
    "active": SupportLevel.ACTIVELY_MAINTAINED,
    "maintained": SupportLevel.ACTIVELY_MAINTAINED,
    "no_longer_maintained": SupportLevel.NO_LONGER_MAINTAINED,
    "no longer maintained": SupportLevel.NO_LONGER_MAINTAINED,
    "unmaintained": SupportLevel.NO_LONGER_MAINTAINED,
    "abandoned": SupportLevel.ABANDONED,
    "unknown": SupportLevel.UNKNOWN,
}

_HASH_ALGS = {
    re.sub(r"[^a-z0-9]", "", a.lower()): a
    for a in (
        "MD5",
        "SHA-1",
        "SHA-256",
        "SHA-384",
        "SHA-512",
        "SHA3-256",
        "SHA3-384",
        "SHA3-512",
        "BLAKE2b-256",
        "BLAKE2b-384",
        "BLAKE2b-512",
        "BLAKE3",
        "SHA-224",
        "MD2",
        "MD4",
        "MD6",
        "ADLER32",
    )
}


def norm_hash(alg: str, value: str) -> Hash:
    return Hash(_hash_alg(alg), value.strip().lower())


@lru_cache(maxsize=256)
def _hash_alg(alg: str) -> str:
    key = re.sub(r"[^a-z0-9]", "", alg.lower())
    return _HASH_ALGS.get(key, alg.upper())


def parse_level(text: str) -> SupportLevel | None:
    return _LEVEL_ALIASES.get(text.strip().lower().replace("-", "_").replace("  ", " "))


def parse_eos(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def support_from_properties(
    props: tuple[tuple[str, str], ...], *, where: str
) -> tuple[SupportLevel | None, date | None, str | None, list[str]]:
    """Read level of support / end of support from ``hemostat:`` properties."""
    level: SupportLevel | None = None
    eos: date | None = None
    note: str | None = None
    warnings: list[str] = []
    for name, value in props:
        if name == PROP_LEVEL:
            level = parse_level(value)
            if level is None:
                warnings.append(
                    f"{where}: {PROP_LEVEL}={value!r} is not one of "
                    + ", ".join(s.value for s in SupportLevel)
                )
        elif name == PROP_EOS:
            eos = parse_eos(value)
            if eos is None:
                note = note or value
                if value.strip().lower() not in ("unknown", "none", "n/a"):
                    warnings.append(f"{where}: {PROP_EOS}={value!r} is not an ISO date")
        elif name == PROP_NOTE:
            note = value
    return level, eos, note, warnings


def clean_purl(text: str | None, *, where: str, warnings: list[str]) -> str | None:
    """Canonical purl, or None with a warning naming the component (never an exception)."""
    if not text:
        return None
    try:
        return normalize_purl(text.strip())
    except PurlError as exc:
        warnings.append(f"{where}: invalid purl {text!r} ({exc}); kept without purl")
        return None


def clean_cpe(text: str | None, *, where: str, warnings: list[str]) -> str | None:
    """Lower-case CPE 2.3 formatted string (2.2 URIs converted), or None with a warning."""
    if not text:
        return None
    try:
        return normalize_cpe(text.strip())
    except CpeError as exc:
        warnings.append(f"{where}: invalid CPE {text!r} ({exc}); kept without it")
        return None


def short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def normalize_safely(build: Callable[[], Sbom], *, source: str, code: str) -> Sbom:
    """Defence in depth: the schema (or XML mapping) has vetted the shape, so a lookup error here
    is a bug of ours or a hole in the schema; it still must reach the user as an IngestError."""
    try:
        return build()
    except IngestError:
        raise
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise IngestError(
            f"unexpected document structure ({type(exc).__name__}: {short(str(exc), 80)})",
            file=source,
            code=code,
        ) from None
