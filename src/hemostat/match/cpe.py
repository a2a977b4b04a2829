"""CPE → NVD: the component's CPEs looked up by vendor:product and evaluated against each
record's configurations (``cpe_config``).

Near misses (vendor:product not in the index but close, wrong part letter, version with a
prefix) are evaluated against the NVD product and reported as ``CPE_NEAR`` with a lower
confidence and a note saying exactly what differed ("vendor 'lwip' vs NVD 'lwip_project'").
A component version that is missing or unreadable never means "not affected": the records that
needed it are named in a Skipped reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from hemostat.domain.component import Component
from hemostat.domain.cpe import Cpe
from hemostat.domain.finding import Confidence, MatchKind, new_evidence
from hemostat.domain.vulnerability import Vulnerability
from hemostat.match.cpe_config import (
    BadBounds,
    NeedsVersion,
    Probe,
    Verdict,
    best_configuration,
    plain,
)
from hemostat.match.index import VulnIndex
from hemostat.match.matcher import Hit, MatchOutcome, SbomContext, new_hit, read_cpe
from hemostat.match.suggest import NearProduct
from hemostat.match.versions import VersionError, nvd_version_key

__all__ = ["CpeMatcher"]

_PREFIX = re.compile(r"^(?:v|r|rel|release|version)[-_.]?(?=\d)", re.IGNORECASE)
_RANK = {Confidence.HIGH: 0, Confidence.MEDIUM: 1, Confidence.LOW: 2}
_ANY = ("*", "-", "")
_NOT_APPLICABLE = MatchOutcome(applicable=False)


@dataclass(frozen=True, slots=True)
class _Candidate:
    probe: Probe
    notes: tuple[str, ...]
    confidence: Confidence
    near: bool


def _strip_prefix(version: str | None) -> tuple[str | None, str]:
    if version and (m := _PREFIX.match(version)):
        bare = version[m.end() :]
        return bare, f"version '{version}' read as '{bare}'"
    return version, ""


def _candidates(cpe: Cpe, version: str | None, index: VulnIndex) -> list[_Candidate]:
    """The NVD products to evaluate the component against, exact spelling first."""
    bare, version_note = _strip_prefix(version)
    base = [version_note] if version_note else []
    if index.has_product(cpe.vendor, cpe.product):
        near = [NearProduct(cpe.vendor, cpe.product, "", Confidence.HIGH)]
    else:
        near = list(index.products_like(cpe.vendor, cpe.product))
    out = []
    for n in near:
        notes = [*base, n.note] if n.note else list(base)
        parts = index.parts_of(n.vendor, n.product)
        part = cpe.part
        if part not in parts and part != "*" and parts:
            part = min(parts)
            notes.append(f"part '{cpe.part}' vs NVD '{part}'")
        probe = Probe(replace(cpe, part=part, vendor=n.vendor, product=n.product), bare)
        confidence = (
            Confidence.MEDIUM if notes and n.confidence is Confidence.HIGH else n.confidence
        )
        out.append(_Candidate(probe, tuple(notes), confidence, bool(notes)))
    return out


def _component_version(cpe: Cpe, component: Component) -> str | None:
    if cpe.version not in _ANY:
        return plain(cpe.version)
    return component.version or None


class CpeMatcher:
    key = "nvd-cpe"

    def match(self, component: Component, index: VulnIndex, sbom: SbomContext) -> MatchOutcome:
        if not component.cpes:
            return _NOT_APPLICABLE
        hits: list[Hit] = []
        problems: list[str] = []
        applicable = False
        for text in component.cpes:
            cpe = read_cpe(text)
            if isinstance(cpe, str):
                problems.append(f"invalid CPE: {cpe}")
                continue
            applicable = True
            found, issues = self._match_cpe(cpe, _component_version(cpe, component), index, sbom)
            hits.extend(found)
            problems.extend(issues)
        return MatchOutcome(applicable, tuple(hits), tuple(dict.fromkeys(problems)))

    def _match_cpe(
        self, cpe: Cpe, version: str | None, index: VulnIndex, sbom: SbomContext
    ) -> tuple[list[Hit], list[str]]:
        valid = _valid_version(version)
        identifier = cpe.to_string()
        hits: list[Hit] = []
        unevaluated: set[str] = set()
        broken: set[str] = set()
        for cand in _candidates(cpe, version, index):
            probe = cand.probe if valid else replace(cand.probe, version=None)
            table = index.cpe_table(probe.cpe.vendor, probe.cpe.product)
            for entry in table.candidates(probe.version):
                vuln = entry.vuln
                try:
                    verdict = best_configuration(entry.configurations, probe, sbom)
                except NeedsVersion:
                    unevaluated.add(vuln.id)
                    continue
                except BadBounds:
                    broken.add(vuln.id)
                    continue
                if verdict is not None:
                    hits.append(self._hit(identifier, vuln, cand, verdict))
        what = f"version '{version}' is not a valid CPE version" if version else "no version"
        problems = [
            f"{why} for {identifier}: {len(ids)} NVD record(s) not evaluated ({_some(ids)})"
            for why, ids in ((what, unevaluated), ("unreadable NVD version bounds", broken))
            if ids
        ]
        return hits, problems

    def _hit(self, identifier: str, vuln: Vulnerability, cand: _Candidate, verdict: Verdict) -> Hit:
        caveats = cand.notes + verdict.caveats
        confidence = cand.confidence
        if verdict.caveats and _RANK[confidence] < _RANK[Confidence.MEDIUM]:
            confidence = Confidence.MEDIUM
        kind = MatchKind.CPE_NEAR if cand.near else MatchKind.CPE_EXACT
        prov = vuln.provenance
        matched = f"{vuln.id}: {verdict.matched}"
        evidence = new_evidence(
            self.key, kind, identifier, matched, prov.feed.value, prov.snapshot, confidence,
            "; ".join(caveats),
        )  # fmt: skip
        return new_hit(vuln, evidence, verdict.fixed)


def _some(ids: set[str]) -> str:
    return ", ".join(sorted(ids)[:3]) + (", …" if len(ids) > 3 else "")


def _valid_version(version: str | None) -> bool:
    if version is None:
        return False
    try:
        nvd_version_key(_strip_prefix(version)[0] or version)
    except VersionError:
        return False
    return True
