"""purl → OSV: the component's package ecosystem and name looked up in the index, its version
evaluated against each advisory's ranges and explicit versions with OSV semantics."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import cast

from hemostat.domain.component import Component
from hemostat.domain.finding import (
    Confidence,
    Finding,
    MatchEvidence,
    MatchKind,
    new_evidence,
    new_finding,
)
from hemostat.domain.purl import PurlError, PurlParts, purl_parts
from hemostat.domain.vulnerability import (
    AffectedPackage,
    EpssScore,
    KevEntry,
    RangeKind,
)
from hemostat.match.findings import Template, enrichment, template
from hemostat.match.index import PackageEntry, VulnIndex, base_ecosystem
from hemostat.match.matcher import Hit, MatchOutcome, SbomContext, new_hit
from hemostat.match.osv_table import PackageTable, fixed_versions
from hemostat.match.versions import Key, VersionError, ecosystem_of_purl_type, version_key

__all__ = ["PurlMatcher", "osv_ecosystem", "osv_package_name"]

# purl types whose namespace is part of the package name, and how OSV joins the two.
_JOIN = {"npm": "/", "golang": "/", "composer": "/", "maven": ":", "swift": "/"}


_DEBIAN = {"trixie": "13", "bookworm": "12", "bullseye": "11", "buster": "10", "stretch": "9"}
_RELEASE = re.compile(r"(\d+(?:\.\d+)?)")


def _distro(parts: PurlParts) -> str:
    return next((v for k, v in parts.qualifiers if k == "distro"), "") if parts.qualifiers else ""


def osv_ecosystem(parts: PurlParts) -> str | None:
    """OSV ecosystem of a purl, with the release where OSV splits by it: a deb purl with
    ``distro=debian-12`` or ``bookworm`` is "Debian:12", an apk one with ``alpine-3.18``
    is "Alpine:v3.18"."""
    return _osv_ecosystem(parts.type, _distro(parts))


@lru_cache(maxsize=4096)
def _osv_ecosystem(purl_type: str, distro_qualifier: str) -> str | None:
    ecosystem = ecosystem_of_purl_type(purl_type, {"distro": distro_qualifier})
    distro = distro_qualifier.lower()
    if not distro or ecosystem not in ("Debian", "Alpine"):
        return ecosystem
    release = next((v for k, v in _DEBIAN.items() if k in distro), None)
    if ecosystem == "Alpine" or release is None:
        found = _RELEASE.search(distro)
        release = found.group(1) if found else None
    if release is None:
        return ecosystem
    if ecosystem == "Debian":
        return f"Debian:{release.split('.')[0]}"
    return f"Alpine:v{'.'.join(release.split('.')[:2])}"


def osv_package_name(parts: PurlParts) -> str:
    """The package name as OSV spells it: ``@scope/name`` (npm), the full module path (Go),
    ``group:artifact`` (Maven), ``vendor/name`` (Packagist); the name alone for distro packages,
    whose namespace is the distribution (``pkg:deb/debian/openssl``)."""
    sep = _JOIN.get(parts.type)
    if sep and parts.namespace:
        return f"{parts.namespace}{sep}{parts.name}"
    return parts.name


@dataclass(frozen=True, slots=True)
class _Target:
    parts: PurlParts
    ecosystem: str  # base ecosystem, OSV spelling
    release: str  # the purl's ecosystem, with a release where it names one ("Debian:12")
    table: PackageTable

    def entries(self) -> tuple[PackageEntry, ...]:
        """The package's entries for this release (entries of other releases never match)."""
        if self.release == self.ecosystem:
            return self.table.entries
        wanted = (self.release, self.ecosystem)
        return tuple(e for e in self.table.entries if e.package.ecosystem in wanted)

    def wants(self, entry: PackageEntry) -> bool:
        return self.release == self.ecosystem or entry.package.ecosystem in (
            self.release,
            self.ecosystem,
        )


_NOT_APPLICABLE = MatchOutcome(applicable=False)
_BY_VULNERABILITY = attrgetter("vulnerability")


_Start = tuple[str, str, str, PackageTable, str, Key]


def _direct_start(component: Component, index: VulnIndex) -> _Start | list[Finding] | None:
    """(purl, release, base, table, version, key) for ``direct_findings``; [] when no advisory
    names the package; None when the general path must decide. Kept to the bone: it runs once
    per component of a fleet re-evaluation."""
    purl = component.purl or ""
    try:
        parts = purl_parts(purl)  # no purl: PurlError too
    except PurlError:
        return None
    resolved = _resolve(parts, index)
    if resolved is _NONE_KNOWN:
        return []
    if not isinstance(resolved, tuple) or not resolved[3]:  # several records share a name
        return None
    release, base, table, _ = resolved
    version = parts.version or component.version
    if version is None:
        return None
    if base == "Go":  # Go writes module versions with a 'v' (go.mod, purls); OSV does not
        version = version.removeprefix("v")
    try:
        return purl, release, base, table, version, version_key(base, version)
    except VersionError:
        return None


def _keep_template(table: PackageTable, i: int) -> Template:
    found = table.templates[i] = template(table.entries[i].vuln, table.meta(i)[4])
    return found


_NONE_KNOWN = MatchOutcome(applicable=True)  # looked up: no advisory names this package


@lru_cache(maxsize=4096)
def _ecosystems(purl_type: str, distro_qualifier: str) -> tuple[str, str] | None:
    """(the purl's OSV ecosystem with its release, that ecosystem's base), or None."""
    ecosystem = _osv_ecosystem(purl_type, distro_qualifier)
    return None if ecosystem is None else (ecosystem, base_ecosystem(ecosystem))


# (the purl's release ecosystem, base, table, whether no two of its records share a name)
_Resolved = tuple[str, str, PackageTable, bool]


def _target(purl: str, index: VulnIndex) -> _Target | MatchOutcome:
    """The component's advisories, or the outcome that says why there are none to look at."""
    try:
        parts = purl_parts(purl)
    except PurlError as err:
        return MatchOutcome(applicable=False, problems=(f"invalid purl: {err}",))
    found = _resolve(parts, index)
    if isinstance(found, MatchOutcome):
        return found
    release, base, table, _ = found
    return _Target(parts, base, release, table)


def _resolve(parts: PurlParts, index: VulnIndex) -> _Resolved | MatchOutcome:
    """``_package`` once per package (purl without version) and index: a fleet has ~2.5
    components per package, and the answer never depends on the version."""
    key = (parts.type, parts.namespace, parts.name, parts.qualifiers)
    memo = index.purl_packages
    found = memo.get(key)
    if found is None:
        found = memo[key] = _package(parts, index)
    return cast("_Resolved | MatchOutcome", found)


def _package(parts: PurlParts, index: VulnIndex) -> _Resolved | MatchOutcome:
    found = _ecosystems(parts.type, _distro(parts))
    if found is None:
        return MatchOutcome(False, reason=f"purl type '{parts.type}' has no OSV ecosystem")
    release, base = found
    if base not in index.ecosystems:
        return MatchOutcome(False, reason=f"no advisories indexed for ecosystem {base}")
    table = index.table_of(base, osv_package_name(parts))
    if table is None or (
        release != base and not any(e.package.ecosystem in found for e in table.entries)
    ):
        return _NONE_KNOWN
    return release, base, table, table.unique_names()


def _listed_as_written(version: str, pkg: AffectedPackage) -> str | None:
    """For a version the ecosystem cannot order: only OSV's own enumeration can still decide."""
    wanted = version.lower()
    return "listed in versions" if any(v.lower() == wanted for v in pkg.versions) else None


def _has_ranges(pkg: AffectedPackage) -> bool:
    return any(r.kind is not RangeKind.GIT for r in pkg.ranges)


_KEY = "osv-purl"
_KIND = MatchKind.PURL_RANGE
_HIGH = Confidence.HIGH


class PurlMatcher:
    key = _KEY

    def match(self, component: Component, index: VulnIndex, sbom: SbomContext) -> MatchOutcome:
        if not component.purl:
            return _NOT_APPLICABLE
        target = _target(component.purl, index)
        if isinstance(target, MatchOutcome):
            return target
        parts, base = target.parts, target.ecosystem
        version = parts.version or component.version
        if version is None:
            return MatchOutcome(False, problems=(f"no version for {parts.to_string()}",))
        if base == "Go":  # Go writes module versions with a 'v' (go.mod, purls); OSV does not
            version = version.removeprefix("v")
        try:
            key = version_key(base, version)
        except VersionError:
            return self._unordered(component.purl, target, version)
        return self._evaluate(component.purl, target, target.table, version, key)

    def _evaluate(
        self, purl: str, target: _Target, table: PackageTable, version: str, key: Key
    ) -> MatchOutcome:
        """Every advisory of the package at once (``PackageTable``), with OSV semantics. The
        hits are built inline from the table's per-entry metadata: this is the innermost loop
        of a fleet re-evaluation (hundreds of thousands of hits)."""
        found, errors = table.lookup(version, key)
        entries, metas = table.entries, table.metas
        release, base = target.release, target.ecosystem
        every = release == base
        hits = []
        for i, (_, matched) in sorted(found.items()):
            eco, prefix, feed, snapshot, fixed = metas[i] or table.meta(i)
            if every or eco in (release, base):
                evidence = new_evidence(_KEY, _KIND, purl, prefix + matched, feed, snapshot, _HIGH)
                hits.append(new_hit(entries[i].vuln, evidence, fixed))
        if not errors:
            return MatchOutcome(True, tuple(hits)) if hits else _NONE_KNOWN
        failed = [(entries[i], err) for i, err in errors]
        if not every:
            failed = [f for f in failed if target.wants(f[0])]
        problems = tuple(
            dict.fromkeys(
                f"{e.vuln.id}: affected ranges not evaluable ({err})" for e, err in failed
            )
        )
        return MatchOutcome(bool(hits) or not problems, tuple(hits), problems)

    def direct_findings(
        self,
        component: Component,
        index: VulnIndex,
        kev: Mapping[str, KevEntry] | None,
        epss: Mapping[str, EpssScore] | None,
    ) -> list[Finding] | None:
        """The findings of a component no other matcher can hit (no CPE), built from the table
        without ``Hit`` objects or the alias merge, when that merge has nothing to do
        (``PackageTable.unique_names``) and nothing needs a Skipped record. None: take the
        general path (``run`` does). The same findings as the general path, in its order."""
        start = _direct_start(component, index)
        if start is None or isinstance(start, list):
            return start
        purl, release, base, table, version, key = start
        found, errors = table.lookup(version, key)
        if errors:
            return None
        if not found:
            return []
        metas, templates = table.metas, table.templates
        ref, identity = component.bom_ref, component.identity  # identity is computed: once
        every, enrich = release == base, bool(kev or epss)
        out = []
        k = e = None
        for i, (_, matched) in found.items():
            eco, prefix, feed, snapshot, _ = metas[i] or table.meta(i)
            if every or eco in (release, base):
                t = templates[i] or _keep_template(table, i)
                if enrich:
                    k, e = enrichment(t, kev, epss)
                evidence = new_evidence(_KEY, _KIND, purl, prefix + matched, feed, snapshot, _HIGH)
                out.append(
                    new_finding(
                        ref, identity, t[0], t[1], (evidence,), t[2], t[3], t[4], k, e, t[5]
                    )
                )
        out.sort(key=_BY_VULNERABILITY)
        return out

    def _unordered(self, purl: str, target: _Target, version: str) -> MatchOutcome:
        """A version the ecosystem cannot order is still found in explicit ``versions`` lists,
        and is reported as Skipped for the ranges it cannot enter."""
        hits: list[Hit] = []
        problems: list[str] = []
        for entry in target.entries():
            matched = _listed_as_written(version, entry.package)
            if matched is None and _has_ranges(entry.package):
                problems.append(f"version '{version}' is not a valid {target.ecosystem} version")
            if matched is not None:
                hits.append(self._hit(purl, entry, matched, fixed_versions(entry.package)))
        problems = list(dict.fromkeys(problems))
        return MatchOutcome(bool(hits) or not problems, tuple(hits), tuple(problems))

    def _hit(self, purl: str, entry: PackageEntry, matched: str, fixed: tuple[str, ...]) -> Hit:
        pkg, vuln = entry.package, entry.vuln
        evidence = MatchEvidence(
            self.key,
            MatchKind.PURL_RANGE,
            purl,
            f"{vuln.id} {pkg.ecosystem}/{pkg.name}: {matched}",
            vuln.provenance.feed.value,
            vuln.provenance.snapshot,
            Confidence.HIGH,
        )
        return Hit(vuln, evidence, fixed)
