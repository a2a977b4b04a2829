"""CVSS in CSAF ``vulnerabilities[].scores[]`` (2.0) or ``metrics[].content`` (2.1): the scores
as ``CvssScore`` values plus the CSAF mandatory tests on them, 6.1.8 (invalid CVSS object),
6.1.9 (score or severity that the vector does not give) and 6.1.10 (properties that contradict the
vector), computed with the ``cvss`` library (cached by vector)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from cvss import CVSS2, CVSS3
from cvss.exceptions import CVSSError

from hemostat.domain.vulnerability import CvssScore
from hemostat.feeds.csaf_tree import arr, obj, text

_SEVERITIES = frozenset({"NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"})
_REQUIRED = {
    "cvss_v3": ("version", "vectorString", "baseScore", "baseSeverity"),
    "cvss_v2": ("version", "vectorString", "baseScore"),
}
_LEVEL = {"N": "NONE", "L": "LOW", "H": "HIGH"}
# CVSS JSON property -> (vector metric, vector value -> property value), base metrics only.
_V3_PROPERTIES: dict[str, tuple[str, dict[str, str]]] = {
    "attackVector": (
        "AV",
        {"N": "NETWORK", "A": "ADJACENT_NETWORK", "L": "LOCAL", "P": "PHYSICAL"},
    ),
    "attackComplexity": ("AC", {"L": "LOW", "H": "HIGH"}),
    "privilegesRequired": ("PR", _LEVEL),
    "userInteraction": ("UI", {"N": "NONE", "R": "REQUIRED"}),
    "scope": ("S", {"U": "UNCHANGED", "C": "CHANGED"}),
    "confidentialityImpact": ("C", _LEVEL),
    "integrityImpact": ("I", _LEVEL),
    "availabilityImpact": ("A", _LEVEL),
}
_V2_IMPACT = {"N": "NONE", "P": "PARTIAL", "C": "COMPLETE"}
_V2_PROPERTIES: dict[str, tuple[str, dict[str, str]]] = {
    "accessVector": ("AV", {"L": "LOCAL", "A": "ADJACENT_NETWORK", "N": "NETWORK"}),
    "accessComplexity": ("AC", {"H": "HIGH", "M": "MEDIUM", "L": "LOW"}),
    "authentication": ("Au", {"M": "MULTIPLE", "S": "SINGLE", "N": "NONE"}),
    "confidentialityImpact": ("C", _V2_IMPACT),
    "integrityImpact": ("I", _V2_IMPACT),
    "availabilityImpact": ("A", _V2_IMPACT),
}


@dataclass(frozen=True, slots=True)
class _Computed:
    version: str
    score: float
    severity: str
    metrics: Mapping[str, str]


def read_scores(
    vuln: Mapping[str, Any], pointer: str, source: str
) -> tuple[tuple[CvssScore, ...], list[str]]:
    """The CVSS scores of one vulnerability (de-duplicated by vector) and the test warnings."""
    scores: dict[str, CvssScore] = {}
    warnings: list[str] = []
    for where, key, raw in _cvss_objects(vuln, pointer):
        score = _score(key, raw, f"{where}/{key}", source, warnings)
        if score is not None:
            scores.setdefault(score.vector, score)
    return tuple(scores.values()), warnings


def _cvss_objects(vuln: Mapping[str, Any], pointer: str) -> Iterator[tuple[str, str, Any]]:
    for i, item in enumerate(arr(vuln.get("scores"))):
        for key in ("cvss_v3", "cvss_v2"):
            if key in obj(item):
                yield f"{pointer}/scores/{i}", key, obj(item)[key]
    for i, item in enumerate(arr(vuln.get("metrics"))):  # CSAF 2.1
        content = obj(obj(item).get("content"))
        for key in ("cvss_v3", "cvss_v2"):
            if key in content:
                yield f"{pointer}/metrics/{i}/content", key, content[key]


def _score(
    key: str, raw: object, pointer: str, source: str, warnings: list[str]
) -> CvssScore | None:
    cvss = obj(raw)
    vector = text(cvss.get("vectorString"))
    computed = _compute(vector) if vector else None
    problems = _invalid(key, cvss, computed)
    if problems:
        warnings.append(f"6.1.8: {pointer}: invalid CVSS object ({'; '.join(problems)})")
    if computed is None:
        return None
    given_score = _number(cvss.get("baseScore"))
    given_severity = text(cvss.get("baseSeverity")).upper()
    if given_score is not None and Decimal(str(given_score)) != Decimal(str(computed.score)):
        warnings.append(
            f"6.1.9: {pointer}: baseScore {given_score} but the vector gives {computed.score}"
        )
    if key == "cvss_v3" and given_severity and given_severity != computed.severity:
        warnings.append(
            f"6.1.9: {pointer}: baseSeverity {given_severity} but the vector gives "
            f"{computed.severity}"
        )
    warnings.extend(_inconsistent(key, cvss, computed, pointer))
    return CvssScore(
        version=computed.version,
        vector=vector,
        base_score=given_score if given_score is not None else computed.score,
        severity=given_severity if given_severity in _SEVERITIES else computed.severity,
        source=source,
    )


def _invalid(key: str, cvss: Mapping[str, Any], computed: _Computed | None) -> list[str]:
    problems = [f"{name} missing" for name in _REQUIRED[key] if name not in cvss]
    version = cvss.get("version")
    allowed = ("3.0", "3.1") if key == "cvss_v3" else ("2.0",)
    if "version" in cvss and version not in allowed:
        problems.append(f"version {version!r} is not one of {', '.join(allowed)}")
    if "vectorString" in cvss and computed is None:
        problems.append(f"vectorString {cvss.get('vectorString')!r} is not a CVSS vector")
    elif computed is not None and version in allowed and computed.version != version:
        problems.append(f"vectorString is CVSS {computed.version}, version says {version}")
    score = _number(cvss.get("baseScore"))
    if "baseScore" in cvss and (score is None or not 0 <= score <= 10):
        problems.append(f"baseScore {cvss.get('baseScore')!r} is not a number from 0 to 10")
    if "baseSeverity" in cvss and text(cvss.get("baseSeverity")) not in _SEVERITIES:
        problems.append(f"baseSeverity {cvss.get('baseSeverity')!r} is not a CVSS severity")
    return problems


def _inconsistent(
    key: str, cvss: Mapping[str, Any], computed: _Computed, pointer: str
) -> Iterator[str]:
    table = _V3_PROPERTIES if key == "cvss_v3" else _V2_PROPERTIES
    for prop, (metric, values) in table.items():
        given = cvss.get(prop)
        expected = values.get(computed.metrics.get(metric, ""))
        if given is not None and expected is not None and given != expected:
            yield f"6.1.10: {pointer}: {prop} {given} contradicts {metric} in the vector"


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


@lru_cache(maxsize=16_384)
def _compute(vector: str) -> _Computed | None:
    """Base score and severity of a CVSS v2/v3.x vector; None if it is not a valid vector."""
    try:
        if vector.startswith("CVSS:3."):
            v3 = CVSS3(vector)
            return _Computed(
                vector[5:8], float(v3.base_score), v3.severities()[0].upper(), v3.metrics
            )
        v2 = CVSS2(vector)
    except CVSSError:
        return None
    score = float(v2.base_score)
    severity = "LOW" if score < 4 else "MEDIUM" if score < 7 else "HIGH"
    return _Computed("2.0", score, severity, v2.metrics)
