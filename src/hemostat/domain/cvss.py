"""CVSS v2 / v3.x / v4.0 base scores from vector strings, computed by the ``cvss`` library and
cached by vector. One scorer for every stage: feeds score OSV vectors at import, assess rescores
what feeds claim (a pure function of the vector, so it lives with the domain values)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from cvss import CVSS2, CVSS3, CVSS4, CVSSError


class CvssVectorError(ValueError):
    """A vector string that is not a valid CVSS v2, v3.0, v3.1 or v4.0 base vector."""


@dataclass(frozen=True, slots=True)
class Scored:
    """A vector's version, exact base score and upper-case qualitative severity."""

    version: str  # "2.0" | "3.0" | "3.1" | "4.0"
    vector: str  # the library's canonical form of the vector
    base_score: Decimal
    severity: str  # NONE | LOW | MEDIUM | HIGH | CRITICAL


@lru_cache(maxsize=1 << 16)
def score_vector(vector: str) -> Scored:
    """Score one vector; raise ``CvssVectorError`` when the library rejects it (cached)."""
    text = vector.strip()
    try:
        if text.startswith("CVSS:4.0/"):
            v4 = CVSS4(text)
            return Scored(
                "4.0", v4.clean_vector(), Decimal(str(v4.base_score)), v4.severity.upper()
            )
        if text.startswith(("CVSS:3.0/", "CVSS:3.1/")):
            v3 = CVSS3(text)
            return Scored(text[5:8], v3.clean_vector(), v3.base_score, v3.severities()[0].upper())
        v2 = CVSS2(text.removeprefix("(").removesuffix(")"))  # NVD 1.x wrote "(AV:N/...)"
        return Scored("2.0", v2.clean_vector(), v2.base_score, v2.severities()[0].upper())
    except (CVSSError, ValueError, KeyError, IndexError) as exc:
        raise CvssVectorError(f"not a CVSS base vector: {vector!r} ({exc})") from None
