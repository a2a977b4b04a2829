"""The matching stage in one call: components × index → findings + skipped, nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hemostat.domain.component import Component
from hemostat.domain.finding import Finding, Skipped
from hemostat.domain.vulnerability import EpssScore, KevEntry
from hemostat.match.findings import findings_of
from hemostat.match.index import VulnIndex
from hemostat.match.matcher import Hit, Matcher, SbomContext, registry, skipped_for
from hemostat.match.purl import PurlMatcher

__all__ = ["MatchResult", "run"]

_PURL = PurlMatcher()


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
    # The built-in matchers only: a component without CPEs can be hit by the purl matcher alone,
    # which then builds its findings directly (the fleet re-evaluation's common case).
    direct = _PURL if matchers is None else None
    sbom = SbomContext.of(components)
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    for component in components:
        if direct is not None and not component.cpes:
            found = direct.direct_findings(component, index, kev, epss)
            if found is not None:
                findings.extend(found)
                continue
        outcomes = [m.match(component, index, sbom) for m in chosen]
        hits: list[Hit] = []
        applicable = problems = False
        for o in outcomes:
            if o.hits:
                hits.extend(o.hits)
            applicable = applicable or o.applicable
            problems = problems or bool(o.problems)
        if hits:
            findings.extend(findings_of(component.bom_ref, component.identity, hits, kev, epss))
        if problems or not applicable:  # else skipped_for has nothing to say
            skipped.extend(skipped_for(component, outcomes, index))
    return MatchResult(tuple(findings), tuple(skipped))
