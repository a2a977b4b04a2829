"""The matching stage in one call: components × index → findings + skipped, nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hemostat.domain.component import Component
from hemostat.domain.finding import Finding, Skipped
from hemostat.domain.vulnerability import EpssScore, KevEntry
from hemostat.match.index import VulnIndex
from hemostat.match.matcher import Matcher, SbomContext, findings_for, registry, skipped_for

__all__ = ["MatchResult", "run"]


@dataclass(frozen=True, slots=True)
class MatchResult:
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]


def run(
    components: Sequence[Component],
    index: VulnIndex,
    *,
    kev: Mapping[str, KevEntry] | None = None,
    epss: Mapping[str, EpssScore] | None = None,
    matchers: Iterable[Matcher] | None = None,
) -> MatchResult:
    """Match one SBOM's components (they are also each other's "running on" platforms)."""
    chosen = tuple(matchers if matchers is not None else registry().values())
    sbom = SbomContext.of(components)
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    for component in components:
        outcomes = [m.match(component, index, sbom) for m in chosen]
        hits = [h for o in outcomes for h in o.hits]
        findings.extend(findings_for(component, hits, kev=kev, epss=epss))
        skipped.extend(skipped_for(component, outcomes, index))
    return MatchResult(tuple(findings), tuple(skipped))
