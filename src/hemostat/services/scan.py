"""Scan use cases: match an SBOM against the local vulnerability intelligence.

``scan_file`` is stateless (nothing about the SBOM is stored) but reads the local feed store,
loading the bundled snapshot first so that a fresh, air-gapped machine works. Stored findings
(``analyze_release``) live in services/findings.py; ``explain`` in services/explain.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hemostat.assess.cvss import rate
from hemostat.config import Settings
from hemostat.domain.component import Sbom
from hemostat.domain.scan import (
    THRESHOLDS,
    FeedSnapshot,
    SbomSummary,
    ScanReport,
    sort_key,
    threshold_met,
)
from hemostat.errors import UsageError
from hemostat.report.sarif import render_sarif
from hemostat.report.scan_json import render_json
from hemostat.report.vdr import render_vdr
from hemostat.services.checks import paused_gc, read_file

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hemostat.services.explain import Explanation
    from hemostat.services.feeds import Intel
    from hemostat.services.findings import Analysis

__all__ = [
    "FORMATS",
    "Output",
    "analyze_release",
    "build_report",
    "explain",
    "load_local_intel",
    "output",
    "scan_file",
    "session_intel",
]


@dataclass(frozen=True, slots=True)
class Output:
    render: Callable[[ScanReport], bytes]
    media_type: str
    suffix: str


FORMATS: dict[str, Output] = {
    "json": Output(render_json, "application/json", ".scan.json"),
    "sarif": Output(render_sarif, "application/sarif+json", ".sarif"),
    "cyclonedx-vdr": Output(render_vdr, "application/vnd.cyclonedx+json; version=1.6", ".vdr.json"),
}


def output(fmt: str) -> Output:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise UsageError(
            f"unknown scan output format {fmt!r}",
            code="unknown_output_format",
            hint="choose one of: " + ", ".join(["table", *sorted(FORMATS)]),
        ) from None


def check_threshold(fail_on: str | None) -> None:
    if fail_on is not None and fail_on not in THRESHOLDS:
        raise UsageError(
            f"unknown --fail-on threshold {fail_on!r}",
            hint="choose one of: " + ", ".join(THRESHOLDS),
        )


def session_intel(session: Session) -> Intel:
    """The feed store's intelligence in memory; loads the bundled snapshot into an empty store
    first, so a fresh, air-gapped machine works. Every scan path gets its intel through here."""
    from hemostat.services.feeds import ensure_bundled, load_intel  # noqa: PLC0415 - heavy

    ensure_bundled(session)
    return load_intel(session)


def load_local_intel(settings: Settings | None = None) -> Intel:
    """``session_intel`` in a unit of work of its own (for the stateless scan)."""
    from hemostat.services.uow import unit_of_work  # noqa: PLC0415

    with unit_of_work(settings) as s:
        return session_intel(s)


def scan_file(
    path: Path,
    *,
    settings: Settings | None = None,
    fail_on: str | None = None,
    intel: Intel | None = None,
) -> ScanReport:
    """Read ``path`` (any supported SBOM format), match every component, rate and sort."""
    check_threshold(fail_on)
    with paused_gc():
        sbom = read_file(path, settings=settings)  # bad input fails before intel is loaded
    if intel is None:
        intel = load_local_intel(settings)
    return build_report(sbom, source=str(path), intel=intel, fail_on=fail_on)


def build_report(sbom: Sbom, *, source: str, intel: Intel, fail_on: str | None) -> ScanReport:
    from hemostat.match.csaf import with_csaf  # noqa: PLC0415 - imports the version libraries
    from hemostat.match.run import run  # noqa: PLC0415

    with paused_gc():
        matchers = with_csaf(intel.advisories)  # built-in matchers + vendor CSAF product trees
        result = run(
            sbom.components, intel.index, kev=intel.kev, epss=intel.epss, matchers=matchers
        )
        rated = tuple(sorted((rate(f) for f in result.findings), key=sort_key))
    affected = {rf.finding.component for rf in rated}
    by_ref = {c.bom_ref: c for c in reversed(sbom.components) if c.bom_ref in affected}
    skipped = tuple(sorted(result.skipped, key=lambda k: (k.component, k.reason)))
    return ScanReport(
        sbom=summary(sbom, source),
        findings=rated,
        skipped=skipped,
        components=tuple(by_ref[r] for r in sorted(by_ref)),  # readers make bom-refs unique
        feeds=tuple(FeedSnapshot(k, v) for k, v in sorted(intel.snapshot.items())),
        fail_on=fail_on,
        threshold_met=threshold_met(rated, fail_on),
    )


def summary(sbom: Sbom, source: str) -> SbomSummary:
    subject = None
    if sbom.subject is not None:
        subject = f"{sbom.subject.name} {sbom.subject.version or ''}".strip()
    return SbomSummary(
        source=source,
        format=sbom.format.value,
        spec_version=sbom.spec_version,
        sha256=sbom.sha256,
        components=len(sbom.components),
        name=sbom.name,
        serial=sbom.serial,
        subject=subject,
    )


def analyze_release(
    session: Session, product: str, release: str, *, intel: Intel | None = None
) -> Analysis:
    """See ``services.findings.analyze_release`` (stores the findings)."""
    from hemostat.services.findings import analyze_release as analyze  # noqa: PLC0415

    return analyze(session, product, release, intel=intel)


def explain(
    vuln_id: str,
    *,
    settings: Settings | None = None,
    file: Path | None = None,
    release: tuple[str, str] | None = None,
) -> Explanation:
    """See ``services.explain.explain``."""
    from hemostat.services.explain import explain as run_explain  # noqa: PLC0415

    return run_explain(vuln_id, settings=settings, file=file, release=release)
