"""What both CSAF matchers (SBOM components, device models) read from an advisory: its affected
product-tree leaves with their vulnerabilities and remediations, and version containment in the
normalized CSAF ranges of ``CsafProduct.version`` ("", "*", "9.7", "<=9.33", ">=4.01|<=4.34")."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from hemostat.domain.advisory import AFFECTED_STATUSES
from hemostat.domain.vulnerability import (
    CsafAdvisory,
    CsafProduct,
    CsafRemediation,
    CsafVulnerability,
    Vulnerability,
)
from hemostat.match.versions import VersionError, has_ordering
from hemostat.match.versions_vers import Vers, parse_vers, vers_contains

__all__ = [
    "ALL_VERSIONS",
    "AffectedLeaf",
    "VersionError",
    "affected_leaves",
    "as_vulnerability",
    "in_range",
    "vuln_id",
]

ALL_VERSIONS = "*"


@dataclass(frozen=True, slots=True)
class AffectedLeaf:
    """A product-tree leaf that an advisory lists as affected by at least one vulnerability."""

    advisory: CsafAdvisory
    product: CsafProduct
    status: str  # the first affected category it is listed in
    vulnerabilities: tuple[CsafVulnerability, ...]  # only those it is affected by

    def remediations(self) -> tuple[CsafRemediation, ...]:
        """Remediations of its vulnerabilities that name it (or name no product at all)."""
        pid = self.product.product_id
        found: dict[tuple[str, str, str | None], CsafRemediation] = {}
        for v in self.vulnerabilities:
            for r in v.remediations:
                if not r.product_ids or pid in r.product_ids:
                    found.setdefault((r.category, r.details, r.url), r)
        return tuple(found.values())

    def vulnerability_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(vuln_id(self.advisory, v) for v in self.vulnerabilities))

    def max_cvss(self) -> float | None:
        return max((s.base_score for v in self.vulnerabilities for s in v.cvss), default=None)


def _statuses(vuln: CsafVulnerability) -> Iterator[tuple[str, str]]:
    """(product id, category) for each affected listing of ``vuln``."""
    for category, ids in vuln.product_status:
        if category in AFFECTED_STATUSES:
            for pid in ids:
                yield pid, category


def affected_leaves(advisory: CsafAdvisory) -> tuple[AffectedLeaf, ...]:
    """The advisory's affected leaves, in product-tree order. A product listed as fixed or
    known_not_affected (and never as affected) is not one; an id the tree does not define is
    skipped (the feed reader already warned about it, CSAF test 6.1.1)."""
    status: dict[str, str] = {}
    vulns: dict[str, list[CsafVulnerability]] = {}
    for vuln in advisory.vulnerabilities:
        for pid, category in _statuses(vuln):
            status.setdefault(pid, category)
            listed = vulns.setdefault(pid, [])
            if not listed or listed[-1] is not vuln:
                listed.append(vuln)
    return tuple(
        AffectedLeaf(advisory, p, status[p.product_id], tuple(vulns[p.product_id]))
        for p in advisory.products
        if p.product_id in status
    )


def vuln_id(advisory: CsafAdvisory, vuln: CsafVulnerability) -> str:
    """CVE id, else the advisory's own id for it, else ``<advisory>#<n>``."""
    if vuln.cve:
        return vuln.cve
    if vuln.ids:
        return vuln.ids[0]
    return f"{advisory.id}#{advisory.vulnerabilities.index(vuln) + 1}"


def as_vulnerability(advisory: CsafAdvisory, vuln: CsafVulnerability) -> Vulnerability:
    """The CSAF vulnerability as a ``Vulnerability`` record, so that alias de-duplication merges
    it with the NVD/OSV records of the same CVE into one finding."""
    primary = vuln_id(advisory, vuln)
    return Vulnerability(
        id=primary,
        provenance=replace(advisory.provenance, record=advisory.id),
        aliases=tuple(i for i in vuln.ids if i != primary),
        summary=vuln.title or advisory.title,
        published=advisory.initial_release,
        modified=advisory.current_release,
        cvss=vuln.cvss,
        cwes=vuln.cwes,
    )


@lru_cache(maxsize=1 << 14)
def _vers(scheme: str, normalized: str) -> Vers:
    return parse_vers(f"vers:{scheme}/{normalized}", strict=False)


def in_range(normalized: str, version: str, scheme: str = "generic") -> bool:
    """Is ``version`` within a normalized CSAF version (vers semantics, ``scheme`` ordering)?

    Raises ``VersionError`` when either side cannot be read ("" is never a range)."""
    if normalized == ALL_VERSIONS:
        return True
    if not normalized:
        raise VersionError("the advisory's version is not interpretable")
    if not has_ordering(scheme):
        scheme = "generic"
    return vers_contains(_vers(scheme, normalized), version)
