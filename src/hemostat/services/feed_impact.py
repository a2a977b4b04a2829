"""Which stored releases a feed change affects: index keys shared by vulnerabilities and
components (or a component CPE that is a near miss of a changed record's, by the matcher's own
rules), then a match run before and after the change over only those components (the
fleet-scale shortcut: most of the fleet is never touched)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from hemostat.domain.component import Component
from hemostat.domain.purl import PurlError, purl_parts
from hemostat.domain.vulnerability import Vulnerability
from hemostat.match.index import VulnIndex, base_ecosystem, cpe_key, package_name_key
from hemostat.match.purl import osv_package_name
from hemostat.match.run import run
from hemostat.match.versions import ecosystem_of_purl_type
from hemostat.store import feed_repositories as frepo


@dataclass(frozen=True, slots=True)
class ReleaseImpact:
    """A stored release whose findings changed with a feed update."""

    product: str
    release: str
    became: tuple[str, ...]  # vulnerabilities that now affect the release
    cleared: tuple[str, ...]  # vulnerabilities that no longer do


def vuln_keys(v: Vulnerability) -> frozenset[str]:
    """Index keys a vulnerability lives under, spelled exactly as the match index spells them."""
    return frozenset(VulnIndex.keys_of(v))


def component_keys(purl: str | None, cpes: Iterable[object]) -> set[str]:
    """The keys under which a component would look for vulnerabilities (purl and CPEs)."""
    keys: set[str] = set()
    if purl:
        try:
            parts = purl_parts(purl)
        except PurlError:
            parts = None
        eco = ecosystem_of_purl_type(parts.type, dict(parts.qualifiers)) if parts else None
        if parts and eco:
            base = base_ecosystem(eco)
            keys.add(f"pkg:{base}/{package_name_key(base, osv_package_name(parts))}")
    for cpe in cpes:
        key = cpe_key(cpe) if isinstance(cpe, str) else None
        if key:
            keys.add(f"cpe:{key[1]}:{key[2]}")
    return keys


@dataclass(frozen=True, slots=True)
class Candidates:
    """Latest SBOMs with a component sharing a key with a changed vulnerability, captured before
    the change is written (the "before" vulnerabilities are read at the same moment)."""

    keys: frozenset[str]
    sboms: dict[int, tuple[str, str]]  # sbom id -> (product, release)
    before: tuple[Vulnerability, ...]


def candidates(
    s: Session, changed_keys: frozenset[str], changed: Sequence[Vulnerability] = ()
) -> Candidates | None:
    """``changed``: the changed records (old and new versions), so that a component whose CPE is
    a near miss of theirs (the matcher's own rules, ``VulnIndex.products_like``) is found too."""
    if not changed_keys:
        return None
    latest = {x.sbom_id: x for x in frepo.latest_sboms(s)}
    if not latest:
        return None
    near = _NearMisses(changed)
    hit_keys: set[str] = set()
    hit_sboms: set[int] = set()
    for sbom_id, _, purl, cpes in frepo.component_identifiers(s, latest):
        own = component_keys(purl, cpes or ())
        shared = (own & changed_keys) | near.keys(own - changed_keys)
        if shared:
            hit_keys |= shared
            hit_sboms.add(sbom_id)
    if not hit_sboms:
        return None
    sboms = {i: (latest[i].product, latest[i].release) for i in sorted(hit_sboms)}
    before = frepo.decode_vulnerabilities(frepo.vuln_blobs_for_keys(s, hit_keys))
    return Candidates(frozenset(hit_keys), sboms, tuple(before))


class _NearMisses:
    """CPE keys of the changed records a component key is a near miss of (cached per key)."""

    def __init__(self, changed: Sequence[Vulnerability]) -> None:
        self._changed = [v for v in changed if v.configurations]  # only NVD records name CPEs
        self._index: VulnIndex | None = None  # built on the first CPE key asked about
        self._seen: dict[str, set[str]] = {}

    def keys(self, component_keys: set[str]) -> set[str]:
        """The near keys, plus the component's own key: re-matched against its exact records
        too, the matcher only falls back to a near miss when those do not exist."""
        out: set[str] = set()
        for key in component_keys:
            if key not in self._seen:
                self._seen[key] = self._near(key)
            out |= self._seen[key]
        return out

    def _near(self, key: str) -> set[str]:
        if not self._changed or not key.startswith("cpe:"):
            return set()
        if self._index is None:
            self._index = VulnIndex.build(self._changed)
        _, vendor, product = key.split(":", 2)
        found = {f"cpe:{n.vendor}:{n.product}" for n in self._index.products_like(vendor, product)}
        return found | {key} if found else set()


def impacts(s: Session, cand: Candidates | None) -> tuple[ReleaseImpact, ...]:
    """Call after the change is flushed: compare findings before and after per release. Every
    component of a hit SBOM takes part (an NVD AND-configuration needs its platform too); only the
    vulnerabilities under the shared keys are indexed."""
    if cand is None:
        return ()
    after = frepo.decode_vulnerabilities(frepo.vuln_blobs_for_keys(s, cand.keys))
    out: list[ReleaseImpact] = []
    for sbom_id, (product, release) in cand.sboms.items():
        comps = frepo.components_of(s, sbom_id)
        old = affecting_ids(comps, cand.before)
        new = affecting_ids(comps, after)
        if old != new:
            became, cleared = tuple(sorted(new - old)), tuple(sorted(old - new))
            out.append(ReleaseImpact(product, release, became, cleared))
    return tuple(out)


def affecting_ids(components: Sequence[Component], vulns: Sequence[Vulnerability]) -> set[str]:
    """Ids of the vulnerabilities that affect any of ``components`` (the MATCH stage decides)."""
    if not components or not vulns:
        return set()
    result = run(components, VulnIndex.build(vulns))
    return {f.vulnerability for f in result.findings}
