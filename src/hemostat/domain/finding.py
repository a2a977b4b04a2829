"""Findings: a component × a vulnerability, with the evidence for the match."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any

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


# Fast constructors for the matcher's innermost loop (a fleet re-evaluation builds ~400k of
# each). A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; these
# set the same slots through their descriptors, about twice as fast, and give an equal object
# (no ``__post_init__`` is skipped: neither class has one).
_new = object.__new__


def _setters(cls: type) -> tuple[Callable[[object, Any], None], ...]:
    return tuple(getattr(cls, f.name).__set__ for f in fields(cls))


_EV = _setters(MatchEvidence)
_FI = _setters(Finding)


def new_evidence(  # noqa: PLR0917 - the dataclass's own fields, positionally
    matcher: str,
    kind: MatchKind,
    identifier: str,
    matched: str,
    feed: str,
    snapshot: date,
    confidence: Confidence = Confidence.HIGH,
    note: str = "",
) -> MatchEvidence:
    """``MatchEvidence(...)`` with the same positional arguments, faster."""
    e = _new(MatchEvidence)
    s0, s1, s2, s3, s4, s5, s6, s7 = _EV
    s0(e, matcher)
    s1(e, kind)
    s2(e, identifier)
    s3(e, matched)
    s4(e, feed)
    s5(e, snapshot)
    s6(e, confidence)
    s7(e, note)
    return e


def new_finding(  # noqa: PLR0917 - the dataclass's own fields, positionally
    component: str,
    identity: str,
    vulnerability: str,
    aliases: tuple[str, ...],
    evidence: tuple[MatchEvidence, ...],
    summary: str,
    cvss: tuple[CvssScore, ...],
    cwes: tuple[str, ...],
    kev: KevEntry | None,
    epss: EpssScore | None,
    fixed_versions: tuple[str, ...],
) -> Finding:
    """``Finding(...)`` with every field given positionally, faster."""
    f = _new(Finding)
    s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10 = _FI
    s0(f, component)
    s1(f, identity)
    s2(f, vulnerability)
    s3(f, aliases)
    s4(f, evidence)
    s5(f, summary)
    s6(f, cvss)
    s7(f, cwes)
    s8(f, kev)
    s9(f, epss)
    s10(f, fixed_versions)
    return f


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
