"""The matcher seam: one matcher per identifier kind, a registry keyed by a stable string, and
the alias de-duplication that turns hits into findings (one finding per vulnerability per
component, whatever number of records and matchers found it: ``findings``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cache, lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from hemostat.domain.component import Component
from hemostat.domain.cpe import Cpe, CpeError, parse_cpe
from hemostat.domain.finding import Finding, MatchEvidence, Skipped
from hemostat.domain.vulnerability import EpssScore, KevEntry, Vulnerability
from hemostat.match.findings import findings_of
from hemostat.match.suggest import suggest_cpes

if TYPE_CHECKING:
    from hemostat.match.index import VulnIndex

__all__ = [
    "Hit",
    "MatchOutcome",
    "Matcher",
    "SbomContext",
    "findings_for",
    "new_hit",
    "read_cpe",
    "registry",
    "skipped_for",
]

# Component types that stand for an operating system or hardware when no CPE says so.
_TYPE_PART = {"operating-system": "o", "device": "h", "firmware": "o"}


@dataclass(frozen=True, slots=True)
class Hit:
    """One advisory record that one matcher found for one component."""

    vuln: Vulnerability
    evidence: MatchEvidence
    fixed: tuple[str, ...] = ()


_HIT_VULN, _HIT_EVIDENCE, _HIT_FIXED = (getattr(Hit, f.name).__set__ for f in fields(Hit))


def new_hit(vuln: Vulnerability, evidence: MatchEvidence, fixed: tuple[str, ...]) -> Hit:
    """``Hit(vuln, evidence, fixed)``, faster (as ``domain.finding.new_evidence``): a fleet
    re-evaluation builds ~400k."""
    hit = object.__new__(Hit)
    _HIT_VULN(hit, vuln)
    _HIT_EVIDENCE(hit, evidence)
    _HIT_FIXED(hit, fixed)
    return hit


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


def findings_for(
    component: Component,
    hits: Sequence[Hit],
    *,
    kev: Mapping[str, KevEntry] | None = None,
    epss: Mapping[str, EpssScore] | None = None,
) -> list[Finding]:
    """One finding per alias group, sorted by vulnerability id (``findings``)."""
    if not hits:
        return []
    return findings_of(component.bom_ref, component.identity, hits, kev, epss)


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
