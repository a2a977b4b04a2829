"""The matcher seam: one matcher per identifier kind, a registry keyed by a stable string, and
the alias de-duplication that turns hits into findings (one finding per vulnerability per
component, whatever number of records and matchers found it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, TypeVar

from hemostat.domain.component import Component
from hemostat.domain.cpe import Cpe, CpeError, parse_cpe
from hemostat.domain.finding import Finding, MatchEvidence, Skipped
from hemostat.domain.vulnerability import CvssScore, EpssScore, KevEntry, Vulnerability
from hemostat.match.suggest import suggest_cpes

if TYPE_CHECKING:
    from hemostat.match.index import VulnIndex

__all__ = [
    "Hit",
    "MatchOutcome",
    "Matcher",
    "SbomContext",
    "findings_for",
    "read_cpe",
    "registry",
    "skipped_for",
]

T = TypeVar("T")

# Component types that stand for an operating system or hardware when no CPE says so.
_TYPE_PART = {"operating-system": "o", "device": "h", "firmware": "o"}


@dataclass(frozen=True, slots=True)
class Hit:
    """One advisory record that one matcher found for one component."""

    vuln: Vulnerability
    evidence: MatchEvidence
    fixed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """What a matcher did with a component.

    ``applicable``: it could look the component up (an empty ``hits`` then means "none known").
    ``reason``: why not, when the component has the identifier but it cannot be used.
    ``problems``: what could not be evaluated (bad version, bad CPE): always reported as Skipped.
    """

    applicable: bool
    hits: tuple[Hit, ...] = ()
    problems: tuple[str, ...] = ()
    reason: str = ""


@lru_cache(maxsize=1 << 16)
def read_cpe(text: str) -> Cpe | str:
    """The parsed CPE, or the parser's message (cached: a fleet's SBOMs repeat their CPEs)."""
    try:
        return parse_cpe(text)
    except CpeError as err:
        return str(err)


@dataclass(frozen=True, slots=True)
class PlatformEntry:
    cpe: Cpe
    version: str | None
    component: str  # name, for evidence


@dataclass(frozen=True, slots=True)
class SbomContext:
    """What the whole SBOM says about its platform, for NVD "running on" conditions."""

    platforms: Mapping[tuple[str, str], tuple[PlatformEntry, ...]] = field(default_factory=dict)
    parts: frozenset[str] = frozenset()  # CPE parts present: 'o' = an OS is listed, 'h' = hardware
    by_vendor: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # vendor -> products

    @classmethod
    def of(cls, components: Iterable[Component]) -> SbomContext:
        table: dict[tuple[str, str], list[PlatformEntry]] = defaultdict(list)
        parts: set[str] = set()
        for c in components:
            if c.type in _TYPE_PART:
                parts.add(_TYPE_PART[c.type])
            for text in c.cpes:
                cpe = read_cpe(text)
                if isinstance(cpe, Cpe):
                    parts.add(cpe.part)
                    table[(cpe.vendor, cpe.product)].append(PlatformEntry(cpe, c.version, c.name))
        vendors: dict[str, list[str]] = defaultdict(list)
        for vendor, product in sorted(table):
            vendors[vendor].append(product)
        return cls(
            {k: tuple(v) for k, v in table.items()},
            frozenset(parts),
            {k: tuple(v) for k, v in vendors.items()},
        )

    def of_vendor(self, vendor: str) -> Iterator[tuple[str, tuple[PlatformEntry, ...]]]:
        """(product, its entries) of one vendor, by product."""
        return ((p, self.platforms[(vendor, p)]) for p in self.by_vendor.get(vendor, ()))


class Matcher(Protocol):
    """Finds advisory records for one kind of component identifier."""

    key: str

    def match(self, component: Component, index: VulnIndex, sbom: SbomContext) -> MatchOutcome: ...


@cache
def registry() -> Mapping[str, Matcher]:
    """The built-in matchers by key ("osv-purl", "nvd-cpe"); pass others to ``run`` directly."""
    from hemostat.match.cpe import CpeMatcher  # noqa: PLC0415 - both import this module
    from hemostat.match.purl import PurlMatcher  # noqa: PLC0415

    matchers: list[Matcher] = [PurlMatcher(), CpeMatcher()]
    return MappingProxyType({m.key: m for m in matchers})


def _groups(hits: Sequence[Hit]) -> list[list[Hit]]:
    """Union of id + aliases across hits (union-find, per component: groups stay small)."""
    names = [n for h in hits for n in (h.vuln.id, *h.vuln.aliases)]
    if len(set(names)) == len(names):  # the common case: no two hits share a name
        return [[h] for h in hits]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for hit in hits:
        first = find(hit.vuln.id)
        for alias in hit.vuln.aliases:
            parent[find(alias)] = first
    grouped: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        grouped[find(hit.vuln.id)].append(hit)
    return list(grouped.values())


def _primary(ids: set[str]) -> str:
    cves = sorted(i for i in ids if i.upper().startswith("CVE-"))
    return cves[0] if cves else min(ids)


def _lookup(ids: Iterable[str], table: Mapping[str, T] | None) -> T | None:
    """The entry of the first CVE id (in order) that the table knows."""
    if not table:
        return None
    cves = sorted(i for i in ids if i.upper().startswith("CVE-"))
    return next((table[c] for c in cves if c in table), None)


def _scores(records: Sequence[Vulnerability]) -> tuple[CvssScore, ...]:
    if len(records) == 1 and len(records[0].cvss) < 2:
        return records[0].cvss
    cvss: dict[tuple[str, str, str], CvssScore] = {}
    for v in records:
        for score in v.cvss:
            cvss.setdefault((score.version, score.vector, score.source), score)
    return tuple(cvss.values())


def _sorted_set(items: tuple[str, ...]) -> tuple[str, ...]:
    return items if len(items) < 2 else tuple(sorted(set(items)))


def _finding(
    component: Component,
    identity: str,
    group: list[Hit],
    kev: Mapping[str, KevEntry] | None,
    epss: Mapping[str, EpssScore] | None,
) -> Finding:
    if len(group) == 1:  # the common case, without the merging work
        hit = group[0]
        vuln = hit.vuln
        ids = {vuln.id, *vuln.aliases}
        primary = vuln.id if len(ids) == 1 else _primary(ids)
        return Finding(
            component.bom_ref,
            identity,
            primary,
            tuple(sorted(ids - {primary})),
            (hit.evidence,),
            vuln.summary,
            _scores((vuln,)),
            _sorted_set(vuln.cwes),
            _lookup(ids, kev),
            _lookup(ids, epss),
            _sorted_set(hit.fixed),
        )
    ids = {h.vuln.id for h in group} | {a for h in group for a in h.vuln.aliases}
    primary = _primary(ids)
    records = sorted(
        {h.vuln.id: h.vuln for h in group}.values(), key=lambda v: (v.id != primary, v.id)
    )
    return Finding(
        component=component.bom_ref,
        identity=identity,
        vulnerability=primary,
        aliases=tuple(sorted(ids - {primary})),
        evidence=tuple(dict.fromkeys(h.evidence for h in group)),
        summary=next((v.summary for v in records if v.summary), ""),
        cvss=_scores(records),
        cwes=tuple(sorted({c for v in records for c in v.cwes})),
        kev=_lookup(ids, kev),
        epss=_lookup(ids, epss),
        fixed_versions=tuple(sorted({f for h in group for f in h.fixed})),
    )


def findings_for(
    component: Component,
    hits: Sequence[Hit],
    *,
    kev: Mapping[str, KevEntry] | None = None,
    epss: Mapping[str, EpssScore] | None = None,
) -> list[Finding]:
    """One finding per alias group, sorted by vulnerability id."""
    if not hits:
        return []
    identity = component.identity
    found = [_finding(component, identity, group, kev, epss) for group in _groups(hits)]
    return sorted(found, key=lambda f: f.vulnerability)


def skipped_for(
    component: Component, outcomes: Sequence[MatchOutcome], index: VulnIndex
) -> list[Skipped]:
    """Every problem is a Skipped; a component no matcher could look up is one too; either way
    such a component gets CPE suggestions (never silence, never "not affected")."""
    out = [Skipped(component.bom_ref, component.name, p) for o in outcomes for p in o.problems]
    if any(o.applicable for o in outcomes):
        return out
    if out:
        return [replace(out[0], suggestions=suggest_cpes(component, index)), *out[1:]]
    reasons = [o.reason for o in outcomes if o.reason]
    if not component.purl and not component.cpes:
        reasons = ["no purl or CPE"]
    reason = "; ".join(dict.fromkeys(reasons)) or "no matcher applies"
    return [Skipped(component.bom_ref, component.name, reason, suggest_cpes(component, index))]
