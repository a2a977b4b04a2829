"""`hemostat explain`: why a vulnerability is on each component, for a person to read.

Three scopes: an SBOM file (matched now), a release (its stored analysis, or matched now when it
was never analysed), or every stored release (stored findings only).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hemostat.config import Settings
from hemostat.domain.component import Component
from hemostat.domain.scan import FeedSnapshot, RatedFinding, ScanReport
from hemostat.domain.vulnerability import EpssScore, KevEntry
from hemostat.errors import UsageError


@dataclass(frozen=True, slots=True)
class ExplainHit:
    where: str  # the SBOM file, or product@release#revision
    component: Component | None
    finding: RatedFinding


@dataclass(frozen=True, slots=True)
class Explanation:
    query: str
    scope: str  # what was searched, for the reader
    basis: str  # "matched now" | "stored analysis"
    hits: tuple[ExplainHit, ...]
    feeds: tuple[FeedSnapshot, ...] = ()

    @property
    def kev(self) -> KevEntry | None:
        return next((h.finding.finding.kev for h in self.hits if h.finding.finding.kev), None)

    @property
    def epss(self) -> EpssScore | None:
        return next((h.finding.finding.epss for h in self.hits if h.finding.finding.epss), None)


def _wanted(query: str, rf: RatedFinding) -> bool:
    q = query.strip().upper()
    f = rf.finding
    return f.vulnerability.upper() == q or any(a.upper() == q for a in f.aliases)


def hits_in(query: str, report: ScanReport) -> tuple[ExplainHit, ...]:
    comps = report.components_by_ref()
    return tuple(
        ExplainHit(report.sbom.source, comps.get(rf.finding.component), rf)
        for rf in report.findings
        if _wanted(query, rf)
    )


def explain(
    vuln_id: str,
    *,
    settings: Settings | None = None,
    file: Path | None = None,
    release: tuple[str, str] | None = None,
) -> Explanation:
    if not vuln_id.strip():
        raise UsageError("give a vulnerability id, e.g. CVE-2022-25638")
    if file is not None and release is not None:
        raise UsageError("give either --file or --release, not both")
    if file is not None:
        from hemostat.services.scan import scan_file  # noqa: PLC0415

        report = scan_file(file, settings=settings)
        return Explanation(
            vuln_id, f"file {file}", "matched now", hits_in(vuln_id, report), report.feeds
        )
    if release is not None:
        return _explain_release(vuln_id, release, settings)
    return _explain_stored(vuln_id, settings)


def _explain_release(
    vuln_id: str, release: tuple[str, str], settings: Settings | None
) -> Explanation:
    from hemostat.services import findings  # noqa: PLC0415
    from hemostat.services.uow import unit_of_work  # noqa: PLC0415

    product, version = release
    with unit_of_work(settings) as s:
        report = findings.stored_report(s, product, version)
        basis = "stored analysis"
        if report is None:
            from hemostat.services import scan  # noqa: PLC0415
            from hemostat.services.sboms import find_sbom, load  # noqa: PLC0415

            revision = find_sbom(s, product=product, release=version, revision=None).revision
            sbom = load(s, product=product, release=version)
            source = f"{product}@{version}#{revision}"
            intel = scan.session_intel(s)
            report = scan.build_report(sbom, source=source, intel=intel, fail_on=None)
            basis = "matched now (the release was never analysed)"
    scope = f"release {product} {version}"
    return Explanation(vuln_id, scope, basis, hits_in(vuln_id, report), report.feeds)


def _explain_stored(vuln_id: str, settings: Settings | None) -> Explanation:
    from hemostat.services.uow import unit_of_work  # noqa: PLC0415
    from hemostat.store import finding_repositories as frepo  # noqa: PLC0415

    with unit_of_work(settings) as s:
        rows = frepo.findings_for_vulnerability(s, [vuln_id.strip().upper()])
    hits = tuple(ExplainHit(f"{p}@{r}#{rev}", c, rf) for p, r, rev, c, rf in rows)
    return Explanation(vuln_id, "every analysed release", "stored analysis", hits)
