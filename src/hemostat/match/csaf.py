"""CSAF product trees → SBOM components: a component whose CPE (vendor:product) or purl (type,
namespace, name) is a product-tree leaf's ``product_identification_helper`` is affected when the
advisory lists that leaf as known/first/last affected and the component's version is within the
leaf's version (the CPE's or purl's own version, else the normalized range of the branch).

Unlike the NVD and OSV matchers it needs the advisories, so it is not in ``registry()``: build it
with ``CsafMatcher(advisories)`` and pass ``with_csaf(advisories)`` as ``run(..., matchers=)``.
A fixed or known_not_affected leaf never produces a finding. A component without a readable
version is reported as Skipped for the leaves that need one, never as "not affected".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hemostat.domain.component import Component
from hemostat.domain.cpe import Cpe
from hemostat.domain.finding import Confidence, MatchEvidence, MatchKind
from hemostat.domain.purl import PurlError, PurlParts, purl_parts
from hemostat.domain.vulnerability import CsafAdvisory, Vulnerability
from hemostat.match.csaf_common import (
    ALL_VERSIONS,
    AffectedLeaf,
    VersionError,
    affected_leaves,
    as_vulnerability,
    in_range,
)
from hemostat.match.index import VulnIndex
from hemostat.match.matcher import Hit, Matcher, MatchOutcome, SbomContext, read_cpe, registry

__all__ = ["CsafMatcher", "with_csaf"]

_ANY = ("*", "-", "")
_PurlKey = tuple[str, str | None, str]


@dataclass(frozen=True, slots=True)
class _Entry:
    leaf: AffectedLeaf
    vulns: tuple[Vulnerability, ...]
    target: str  # normalized version the component must be in ("*", "=1.2", "<4.2", "" unknown)
    part: str = "*"  # the advisory CPE's part, to note a different one


@dataclass(frozen=True, slots=True)
class _Probe:
    identifier: str  # the component's CPE or purl, as searched
    version: str | None
    scheme: str  # vers scheme ordering the versions ("generic" for CPEs)
    part: str = "*"


def _plain(value: str) -> str:
    return value.replace("\\", "")


def _target(leaf: AffectedLeaf, pinned: str | None) -> str:
    """The helper's own version wins ("cpe:…:4.1:…" is 4.1 exactly); then the branch range; a
    leaf with no version information at all stands for every version of the product."""
    if pinned:
        return pinned
    product = leaf.product
    if product.version or product.version_text:
        return product.version
    return ALL_VERSIONS


def _purl_key(parts: PurlParts) -> _PurlKey:
    return parts.type, parts.namespace, parts.name


class CsafMatcher:
    key = "csaf-product"

    def __init__(self, advisories: Iterable[CsafAdvisory]) -> None:
        self._cpes: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
        self._purls: dict[_PurlKey, list[_Entry]] = defaultdict(list)
        for advisory in advisories:
            for leaf in affected_leaves(advisory):
                self._add(leaf)

    def __len__(self) -> int:
        return sum(map(len, self._cpes.values())) + sum(map(len, self._purls.values()))

    def _add(self, leaf: AffectedLeaf) -> None:
        if not (leaf.product.cpe or leaf.product.purl):
            return  # named only (most ICSMA leaves): for device models, see csaf_products
        vulns = tuple(as_vulnerability(leaf.advisory, v) for v in leaf.vulnerabilities)
        if leaf.product.cpe and isinstance(cpe := read_cpe(leaf.product.cpe), Cpe):
            pinned = None if cpe.version in _ANY else "=" + _plain(cpe.version)
            entry = _Entry(leaf, vulns, _target(leaf, pinned), cpe.part)
            self._cpes[(cpe.vendor, cpe.product)].append(entry)
        if leaf.product.purl:
            try:
                parts = purl_parts(leaf.product.purl)
            except PurlError:  # the feed reader normalized it; a bad one was dropped there
                return
            pinned = "=" + parts.version if parts.version else None
            self._purls[_purl_key(parts)].append(_Entry(leaf, vulns, _target(leaf, pinned)))

    def match(self, component: Component, index: VulnIndex, sbom: SbomContext) -> MatchOutcome:
        hits: list[Hit] = []
        problems: list[str] = []
        applicable = False
        for probe, entries in self._lookups(component):
            applicable = True
            for entry in entries:
                hits.extend(self._evaluate(probe, entry, problems))
        return MatchOutcome(applicable, tuple(hits), tuple(dict.fromkeys(problems)))

    def _lookups(self, component: Component) -> Iterator[tuple[_Probe, list[_Entry]]]:
        for text in component.cpes:
            cpe = read_cpe(text)  # an invalid CPE is reported by the NVD matcher
            if isinstance(cpe, Cpe) and (entries := self._cpes.get((cpe.vendor, cpe.product))):
                version = _plain(cpe.version) if cpe.version not in _ANY else component.version
                yield _Probe(cpe.to_string(), version or None, "generic", cpe.part), entries
        if component.purl:
            try:
                parts = purl_parts(component.purl)
            except PurlError:  # reported by the purl matcher
                return
            if entries := self._purls.get(_purl_key(parts)):
                version = parts.version or component.version
                yield _Probe(parts.to_string(), version or None, parts.type), entries

    def _evaluate(self, probe: _Probe, entry: _Entry, problems: list[str]) -> list[Hit]:
        leaf = entry.leaf
        notes: list[str] = []
        confidence = Confidence.HIGH
        if entry.target != ALL_VERSIONS:
            where = f"{leaf.advisory.id} {leaf.product.name or leaf.product.product_id}"
            if not entry.target:
                notes.append(f"version not interpretable: {leaf.product.version_text}")
                confidence = Confidence.LOW
            elif probe.version is None:
                problems.append(f"no version for {probe.identifier}: CSAF {where} not evaluated")
                return []
            else:
                try:
                    if not in_range(entry.target, probe.version, probe.scheme):
                        return []
                except VersionError as err:
                    problems.append(
                        f"version '{probe.version}' of {probe.identifier} not comparable with "
                        f"CSAF {where} '{entry.target}': {err}"
                    )
                    return []
        if "*" not in (entry.part, probe.part) and entry.part != probe.part:
            notes.append(f"part '{probe.part}' vs advisory '{entry.part}'")
            confidence = Confidence.MEDIUM if confidence is Confidence.HIGH else confidence
        evidence = self._evidence(probe, leaf, confidence, "; ".join(notes))
        return [Hit(v, evidence) for v in entry.vulns]

    def _evidence(
        self, probe: _Probe, leaf: AffectedLeaf, confidence: Confidence, note: str
    ) -> MatchEvidence:
        product = leaf.product
        version = product.version_text or product.version or "all versions"
        return MatchEvidence(
            matcher=self.key,
            kind=MatchKind.CSAF_PRODUCT,
            identifier=probe.identifier,
            matched=f"{leaf.advisory.id} {product.name or product.product_id} {version} "
            f"({leaf.status})",
            feed=leaf.advisory.provenance.feed.value,
            snapshot=leaf.advisory.provenance.snapshot,
            confidence=confidence,
            note=note,
        )


def with_csaf(advisories: Iterable[CsafAdvisory]) -> tuple[Matcher, ...]:
    """The built-in matchers plus a CSAF matcher over ``advisories``, for ``run(matchers=)``."""
    return (*registry().values(), CsafMatcher(advisories))
