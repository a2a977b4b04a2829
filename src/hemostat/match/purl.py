"""purl → OSV: the component's package ecosystem and name looked up in the index, its version
evaluated against each advisory's ranges and explicit versions with OSV semantics."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hemostat.domain.component import Component
from hemostat.domain.finding import Confidence, MatchEvidence, MatchKind
from hemostat.domain.purl import PurlError, PurlParts, purl_parts
from hemostat.domain.vulnerability import AffectedPackage, RangeKind
from hemostat.match.index import PackageEntry, VulnIndex, base_ecosystem
from hemostat.match.matcher import Hit, MatchOutcome, SbomContext
from hemostat.match.ranges import osv_affected
from hemostat.match.versions import VersionError, ecosystem_of_purl_type, version_key

__all__ = ["PurlMatcher", "osv_ecosystem", "osv_package_name"]

# purl types whose namespace is part of the package name, and how OSV joins the two.
_JOIN = {"npm": "/", "golang": "/", "composer": "/", "maven": ":", "swift": "/"}


_DEBIAN = {"trixie": "13", "bookworm": "12", "bullseye": "11", "buster": "10", "stretch": "9"}
_RELEASE = re.compile(r"(\d+(?:\.\d+)?)")


def osv_ecosystem(parts: PurlParts) -> str | None:
    """OSV ecosystem of a purl, with the release where OSV splits by it: a deb purl with
    ``distro=debian-12`` or ``bookworm`` is "Debian:12", an apk one with ``alpine-3.18``
    is "Alpine:v3.18"."""
    ecosystem = ecosystem_of_purl_type(parts.type, dict(parts.qualifiers))
    distro = (parts.qualifier("distro") or "").lower()
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


def _fixed(pkg: AffectedPackage) -> tuple[str, ...]:
    return tuple(e.version for r in pkg.ranges for e in r.events if e.kind == "fixed")


def _valid(ecosystem: str, version: str) -> bool:
    try:
        version_key(ecosystem, version)
    except VersionError:
        return False
    return True


def _version(parts: PurlParts, component: Component, ecosystem: str) -> str | None:
    version = parts.version or component.version
    if version and ecosystem == "Go":
        # Go writes module versions with a 'v' (go.mod, purls); OSV's Go database does not.
        version = version.removeprefix("v")
    return version


@dataclass(frozen=True, slots=True)
class _Target:
    parts: PurlParts
    ecosystem: str  # base ecosystem, OSV spelling
    entries: tuple[PackageEntry, ...]


def _target(purl: str, index: VulnIndex) -> _Target | MatchOutcome:
    """The component's advisories, or the outcome that says why there are none to look at."""
    try:
        parts = purl_parts(purl)
    except PurlError as err:
        return MatchOutcome(applicable=False, problems=(f"invalid purl: {err}",))
    ecosystem = osv_ecosystem(parts)
    if ecosystem is None:
        return MatchOutcome(False, reason=f"purl type '{parts.type}' has no OSV ecosystem")
    base = base_ecosystem(ecosystem)
    if base not in index.ecosystems:
        return MatchOutcome(False, reason=f"no advisories indexed for ecosystem {base}")
    return _Target(parts, base, index.by_package(ecosystem, osv_package_name(parts)))


def _listed_as_written(version: str, pkg: AffectedPackage) -> str | None:
    """For a version the ecosystem cannot order: only OSV's own enumeration can still decide."""
    wanted = version.lower()
    return "listed in versions" if any(v.lower() == wanted for v in pkg.versions) else None


def _has_ranges(pkg: AffectedPackage) -> bool:
    return any(r.kind is not RangeKind.GIT for r in pkg.ranges)


class PurlMatcher:
    key = "osv-purl"

    def match(self, component: Component, index: VulnIndex, sbom: SbomContext) -> MatchOutcome:
        if not component.purl:
            return MatchOutcome(applicable=False)
        target = _target(component.purl, index)
        if isinstance(target, MatchOutcome):
            return target
        if not target.entries:
            return MatchOutcome(applicable=True)  # looked up: no advisory names this package
        version = _version(target.parts, component, target.ecosystem)
        if version is None:
            return MatchOutcome(False, problems=(f"no version for {target.parts.to_string()}",))
        return self._evaluate(component.purl, target, version)

    def _evaluate(self, purl: str, target: _Target, version: str) -> MatchOutcome:
        """Every advisory of the package; a version the ecosystem cannot order is still found in
        explicit ``versions`` lists, and is reported as Skipped for the ranges it cannot enter."""
        valid = _valid(target.ecosystem, version)
        hits: list[Hit] = []
        problems: list[str] = []
        for entry in target.entries:
            if not valid:
                matched = _listed_as_written(version, entry.package)
                if matched is None and _has_ranges(entry.package):
                    problems.append(
                        f"version '{version}' is not a valid {target.ecosystem} version"
                    )
            else:
                try:
                    matched = osv_affected(target.ecosystem, version, entry.package)
                except VersionError as err:
                    problems.append(f"{entry.vuln.id}: affected ranges not evaluable ({err})")
                    continue
            if matched is not None:
                hits.append(self._hit(purl, entry, matched))
        problems = list(dict.fromkeys(problems))
        return MatchOutcome(bool(hits) or not problems, tuple(hits), tuple(problems))

    def _hit(self, purl: str, entry: PackageEntry, matched: str) -> Hit:
        pkg, prov = entry.package, entry.vuln.provenance
        evidence = MatchEvidence(
            matcher=self.key,
            kind=MatchKind.PURL_RANGE,
            identifier=purl,
            matched=f"{entry.vuln.id} {pkg.ecosystem}/{pkg.name}: {matched}",
            feed=prov.feed.value,
            snapshot=prov.snapshot,
            confidence=Confidence.HIGH,
        )
        return Hit(entry.vuln, evidence, _fixed(pkg))
