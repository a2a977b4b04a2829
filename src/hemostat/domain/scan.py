"""The result of matching one SBOM against the local vulnerability intelligence.

One value feeds every output (table, JSON, SARIF, CycloneDX VDR) and the stored findings, so the
outputs cannot disagree. Findings come sorted: KEV first, then by CVSS score (highest first), then
by vulnerability id and component.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from hemostat.domain.component import Component
from hemostat.domain.finding import Finding, Skipped

# Qualitative ratings from the most to the least severe ("unknown": no usable CVSS).
SEVERITIES = ("critical", "high", "medium", "low", "none", "unknown")
# --fail-on thresholds: "kev" (any known-exploited finding) or a rating and everything above it.
THRESHOLDS = ("kev", "critical", "high", "medium", "low")


@dataclass(frozen=True, slots=True)
class SbomSummary:
    source: str  # the file as given, or "product@release#revision"
    format: str
    spec_version: str
    sha256: str
    components: int
    name: str | None = None
    serial: str | None = None
    subject: str | None = None  # "name version" of the device the SBOM describes


@dataclass(frozen=True, slots=True)
class RatedFinding:
    """A finding with the rating that orders it: the highest CVSS base score it carries."""

    finding: Finding
    severity: str  # one of SEVERITIES
    score: float | None = None
    score_version: str | None = None  # CVSS version of ``score``


@dataclass(frozen=True, slots=True)
class FeedSnapshot:
    feed: str
    snapshot: date


@dataclass(frozen=True, slots=True)
class ScanReport:
    sbom: SbomSummary
    findings: tuple[RatedFinding, ...]
    skipped: tuple[Skipped, ...]
    components: tuple[Component, ...]  # every component a finding names, sorted by bom-ref
    feeds: tuple[FeedSnapshot, ...]
    fail_on: str | None = None
    threshold_met: bool = False

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present (zero when none)."""
        seen = Counter(f.severity for f in self.findings)
        return {s: seen.get(s, 0) for s in SEVERITIES}

    def kev_count(self) -> int:
        return sum(1 for f in self.findings if f.finding.kev is not None)

    def components_by_ref(self) -> dict[str, Component]:
        return {c.bom_ref: c for c in self.components}


def threshold_met(findings: tuple[RatedFinding, ...], fail_on: str | None) -> bool:
    """Whether any finding reaches ``fail_on`` (None: never)."""
    if fail_on is None:
        return False
    if fail_on == "kev":
        return any(f.finding.kev is not None for f in findings)
    limit = SEVERITIES.index(fail_on)
    return any(SEVERITIES.index(f.severity) <= limit for f in findings)


def sort_key(f: RatedFinding) -> tuple[bool, float, str, str]:
    """KEV first, then the highest score, then vulnerability id, then component."""
    score = f.score if f.score is not None else -1.0
    return (f.finding.kev is None, -score, f.finding.vulnerability, f.finding.component)
