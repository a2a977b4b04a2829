"""Hits → findings: one finding per vulnerability per component, whatever number of records
and matchers found it (records are merged by the union of their ids and aliases).

A fleet re-evaluation builds hundreds of thousands of findings, nearly all from one record
each, so that case has its own path (``_single``) that skips the merging work; it gives the
same finding as the general path (``_merged``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

from hemostat.domain.finding import Finding, new_finding
from hemostat.domain.vulnerability import CvssScore, EpssScore, KevEntry, Vulnerability

if TYPE_CHECKING:
    from hemostat.match.matcher import Hit

__all__ = ["Template", "enrichment", "findings_of", "template"]

T = TypeVar("T")
_BY_VULNERABILITY = attrgetter("vulnerability")


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


def _is_cve(name: str) -> bool:
    # only 'c' and 'C' upper-case to 'C': the first test skips most non-CVE ids cheaply
    return name[:1] in "cC" and name.upper().startswith("CVE-")


def _primary(ids: set[str]) -> str:
    cves = sorted(i for i in ids if _is_cve(i))
    return cves[0] if cves else min(ids)


def _names(vuln: Vulnerability) -> tuple[str, tuple[str, ...]]:
    """(primary id, the other ids sorted) of one record; a record with no alias or one alias
    (nearly all of them) without building a set."""
    vid, aliases = vuln.id, vuln.aliases
    if not aliases or (len(aliases) == 1 and aliases[0] == vid):
        return vid, ()
    if len(aliases) == 1:
        other = aliases[0]
        cve, other_cve = _is_cve(vid), _is_cve(other)
        if cve is other_cve:
            return (vid, (other,)) if vid < other else (other, (vid,))
        return (vid, (other,)) if cve else (other, (vid,))
    ids = {vid, *aliases}
    primary = _primary(ids)
    return primary, tuple(sorted(ids - {primary}))


def _lookup(ids: Iterable[str], table: Mapping[str, T] | None) -> T | None:
    """The entry of the first CVE id (in order) that the table knows."""
    if not table:
        return None
    cves = sorted(i for i in ids if _is_cve(i))
    return next((table[c] for c in cves if c in table), None)


def _scores(records: Sequence[Vulnerability]) -> tuple[CvssScore, ...]:
    if len(records) == 1 and len(records[0].cvss) < 2:
        return records[0].cvss
    cvss: dict[tuple[str, str, str], CvssScore] = {}
    for v in records:
        for score in v.cvss:
            cvss.setdefault((score.version, score.vector, score.source), score)
    return tuple(cvss.values())


Template = tuple[str, tuple[str, ...], str, tuple[CvssScore, ...], tuple[str, ...], tuple[str, ...]]
"""What a finding of one record's hit takes from the record and the hit's fixed versions:
(primary id, other ids, summary, CVSS, CWEs, fixed versions), all normalized."""


def template(vuln: Vulnerability, fixed: tuple[str, ...]) -> Template:
    primary, others = _names(vuln)
    cwes = vuln.cwes
    return (
        primary,
        others,
        vuln.summary,
        vuln.cvss if len(vuln.cvss) < 2 else _scores((vuln,)),
        cwes if len(cwes) < 2 else tuple(sorted(set(cwes))),
        fixed if len(fixed) < 2 else tuple(sorted(set(fixed))),
    )


def enrichment(
    t: Template, kev: Mapping[str, KevEntry] | None, epss: Mapping[str, EpssScore] | None
) -> tuple[KevEntry | None, EpssScore | None]:
    """The KEV entry and EPSS score of a one-record finding (of its first CVE id known)."""
    ids = (t[0], *t[1])
    return _lookup(ids, kev) if kev else None, _lookup(ids, epss) if epss else None


def _single(
    ref: str,
    identity: str,
    hit: Hit,
    kev: Mapping[str, KevEntry] | None,
    epss: Mapping[str, EpssScore] | None,
) -> Finding:
    t = template(hit.vuln, hit.fixed)
    k, e = enrichment(t, kev, epss) if kev or epss else (None, None)
    return new_finding(ref, identity, t[0], t[1], (hit.evidence,), t[2], t[3], t[4], k, e, t[5])


def _merged(
    ref: str,
    identity: str,
    group: list[Hit],
    kev: Mapping[str, KevEntry] | None,
    epss: Mapping[str, EpssScore] | None,
) -> Finding:
    ids = {h.vuln.id for h in group} | {a for h in group for a in h.vuln.aliases}
    primary = _primary(ids)
    records = sorted(
        {h.vuln.id: h.vuln for h in group}.values(), key=lambda v: (v.id != primary, v.id)
    )
    return Finding(
        component=ref,
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


def findings_of(
    ref: str,
    identity: str,
    hits: Sequence[Hit],
    kev: Mapping[str, KevEntry] | None,
    epss: Mapping[str, EpssScore] | None,
) -> list[Finding]:
    """One finding per alias group of ``hits`` (at least one), sorted by vulnerability id."""
    if len(hits) == 1:
        return [_single(ref, identity, hits[0], kev, epss)]
    groups = _groups(hits)
    if len(groups) == len(hits):  # no two hits merge
        found = [_single(ref, identity, h, kev, epss) for h in hits]
    else:
        found = [
            _single(ref, identity, g[0], kev, epss)
            if len(g) == 1
            else _merged(ref, identity, g, kev, epss)
            for g in groups
        ]
    found.sort(key=_BY_VULNERABILITY)
    return found
