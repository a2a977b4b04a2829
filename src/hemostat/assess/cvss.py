"""CVSS v2 / v3.x / v4.0 base scores from vector strings, computed by the ``cvss`` library.

Feeds carry vectors, sometimes without a score (OSV ``severity``) and sometimes with one computed
by someone else. Every score Hemostat shows is recomputed here from the vector, so the numbers are
the specification's, rounded exactly as the specification rounds (the library works in Decimal).
Real feeds repeat a few thousand distinct vectors across hundreds of thousands of records, so
results are cached by vector string: scoring 250k advisories costs a few thousand computations.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from hemostat.domain.cvss import CvssVectorError, Scored, score_vector
from hemostat.domain.finding import Finding
from hemostat.domain.scan import RatedFinding
from hemostat.domain.vulnerability import CvssScore

__all__ = [
    "SEVERITY_ORDER",
    "CvssVectorError",
    "Scored",
    "band",
    "cache_info",
    "rate",
    "rescore",
    "rescore_all",
    "score_vector",
]

# Qualitative ratings, lowest first ("unknown": no usable CVSS at all).
SEVERITY_ORDER = ("unknown", "none", "low", "medium", "high", "critical")


def rescore(score: CvssScore) -> CvssScore:
    """``score`` with base score and severity recomputed from its vector.

    A vector the library rejects keeps the values the feed gave (it is the feed's word, not ours).
    """
    if not score.vector:
        return score
    values = _values(score.vector)
    if values is None or values == (score.version, score.base_score, score.severity):
        return score
    version, base, severity = values
    # the constructor, not dataclasses.replace: replace() costs 10x more on this hot path
    return CvssScore(version, score.vector, base, severity, score.source)


@lru_cache(maxsize=1 << 16)
def _values(vector: str) -> tuple[str, float, str] | None:
    """(version, base score as float, severity) of a vector; None if it is not one (cached)."""
    try:
        s = score_vector(vector)
    except CvssVectorError:
        return None
    return s.version, float(s.base_score), s.severity  # float(Decimal("9.8")) prints as 9.8


def rescore_all(scores: tuple[CvssScore, ...]) -> tuple[CvssScore, ...]:
    return tuple(rescore(s) for s in scores)


def band(score: float, version: str = "3.1") -> str:
    """The qualitative rating of a base score (lower-case), v2 bands for v2 scores."""
    if version.startswith("2"):
        return "low" if score < 4.0 else "medium" if score < 7.0 else "high"
    if score == 0.0:
        return "none"
    if score < 4.0:
        return "low"
    if score < 7.0:
        return "medium"
    return "high" if score < 9.0 else "critical"


def rate(finding: Finding) -> RatedFinding:
    """Rescore the finding's CVSS and rate it by its highest base score.

    v3.x/v4.0 scores rate the finding when there are any; v2 only when nothing newer exists (v2
    has no "critical" and scores the same flaw differently).
    """
    scores = rescore_all(finding.cvss)
    if scores != finding.cvss:
        finding = replace(finding, cvss=scores)
    usable = [c for c in scores if c.vector or c.base_score > 0]
    pool = [c for c in usable if not c.version.startswith("2")] or usable
    if not pool:
        return RatedFinding(finding, "unknown")
    best = max(pool, key=lambda c: c.base_score)
    return RatedFinding(finding, band(best.base_score, best.version), best.base_score, best.version)


def cache_info() -> str:
    """Cache statistics, for benchmarks."""
    return f"vectors {score_vector.cache_info()}; values {_values.cache_info()}"
