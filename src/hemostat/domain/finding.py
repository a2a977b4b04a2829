"""Findings: a component × a vulnerability, with the evidence for the match."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from hemostat.domain.vulnerability import CvssScore, EpssScore, KevEntry


class MatchKind(StrEnum):
    PURL_RANGE = "purl-range"  # purl -> OSV range or explicit versions list
    CPE_EXACT = "cpe-exact"  # CPE -> NVD configuration, vendor/product exactly as NVD spells them
    # CPE close to NVD's (part letter, spelling, version prefix): lower confidence
    CPE_NEAR = "cpe-near"
    CSAF_PRODUCT = "csaf-product"  # vendor advisory product tree


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class MatchEvidence:
    """Enough to answer an FDA reviewer's "why is this CVE on this device?"."""

    matcher: str  # registry key of the matcher, e.g. "osv-purl", "nvd-cpe"
    kind: MatchKind
    identifier: str  # the purl or CPE that was searched
    matched: str  # the range / configuration / product that hit, human-readable
    feed: str
    snapshot: date
    confidence: Confidence = Confidence.HIGH
    note: str = ""  # for near misses: exactly what differed

    def to_dict(self) -> dict[str, str]:
        """The JSON form used by the scan output and the stored findings alike."""
        return {
            "matcher": self.matcher,
            "kind": self.kind.value,
            "identifier": self.identifier,
            "matched": self.matched,
            "feed": self.feed,
            "snapshot": self.snapshot.isoformat(),
            "confidence": self.confidence.value,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    component: str  # bom-ref
    identity: str  # component identity (version-free)
    vulnerability: str  # primary id (CVE when known)
    aliases: tuple[str, ...]
    evidence: tuple[MatchEvidence, ...]
    summary: str = ""
    cvss: tuple[CvssScore, ...] = ()
    cwes: tuple[str, ...] = ()
    kev: KevEntry | None = None
    epss: EpssScore | None = None
    fixed_versions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CpeSuggestion:
    cpe: str
    confidence: Confidence
    reason: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """A component that could not be matched, and why (never silence, never "not affected")."""

    component: str  # bom-ref
    name: str
    reason: str
    suggestions: tuple[CpeSuggestion, ...] = ()
