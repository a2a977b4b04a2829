"""Stored findings: analyse a release's latest SBOM and keep one row per (SBOM, component,
vulnerability), replacing that SBOM's previous findings in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from hemostat.domain.finding import Confidence, CpeSuggestion, Skipped
from hemostat.domain.scan import FeedSnapshot, ScanReport, sort_key
from hemostat.services import scan
from hemostat.services.sboms import find_sbom
from hemostat.services.scan import build_report, summary
from hemostat.store import finding_repositories as frepo
from hemostat.store import repositories as repo

if TYPE_CHECKING:
    from hemostat.services.feeds import Intel


@dataclass(frozen=True, slots=True)
class Analysis:
    product: str
    release: str
    revision: int
    report: ScanReport
    stored: int  # finding rows written
    replaced: int  # finding rows the previous analysis of this SBOM had


def analyze_release(
    session: Session, product: str, release: str, *, intel: Intel | None = None
) -> Analysis:
    """Match the release's latest SBOM revision and store its findings (replacing old ones)."""
    row = find_sbom(session, product=product, release=release, revision=None)
    sbom = repo.load_sbom(session, row)
    if intel is None:
        intel = scan.session_intel(session)
    source = f"{product}@{release}#{row.revision}"
    report = build_report(sbom, source=source, intel=intel, fail_on=None)
    previous = frepo.count_findings(session, row.id)
    stored = frepo.replace_findings(
        session, sbom_id=row.id, findings=report.findings, analysis=analysis_doc(report)
    )
    return Analysis(product, release, row.revision, report, stored, previous)


def analysis_doc(report: ScanReport) -> dict[str, Any]:
    return {
        "feeds": {f.feed: f.snapshot.isoformat() for f in report.feeds},
        "findings": len(report.findings),
        "counts": report.counts(),
        "skipped": [skipped_doc(k) for k in report.skipped],
    }


def skipped_doc(k: Skipped) -> dict[str, Any]:
    return {
        "component": k.component,
        "name": k.name,
        "reason": k.reason,
        "suggestions": [[s.cpe, s.confidence.value, s.reason] for s in k.suggestions],
    }


def _skipped(d: dict[str, Any]) -> Skipped:
    sugg = tuple(CpeSuggestion(c, Confidence(conf), r) for c, conf, r in d["suggestions"])
    return Skipped(d["component"], d["name"], d["reason"], sugg)


def stored_report(
    session: Session, product: str, release: str, *, revision: int | None = None
) -> ScanReport | None:
    """The stored analysis of a release's SBOM revision (latest by default); None if never
    analysed."""
    row = find_sbom(session, product=product, release=release, revision=revision)
    analysis = frepo.analysis_of(session, row.id)
    if analysis is None:
        return None
    sbom = repo.load_sbom(session, row)
    findings = tuple(sorted(frepo.findings_of(session, row.id), key=sort_key))
    affected = {f.finding.component for f in findings}
    by_ref = {c.bom_ref: c for c in sbom.components if c.bom_ref in affected}
    return ScanReport(
        sbom=summary(sbom, f"{product}@{release}#{row.revision}"),
        findings=findings,
        skipped=tuple(_skipped(d) for d in analysis.skipped),
        components=tuple(by_ref[r] for r in sorted(by_ref)),
        feeds=tuple(
            FeedSnapshot(k, date.fromisoformat(v)) for k, v in sorted(analysis.feeds.items())
        ),
    )
