"""Small builders for matcher tests: advisories and components as the feeds/ingest would give."""

from __future__ import annotations

from datetime import date, datetime

from hemostat.domain.component import Component
from hemostat.domain.vulnerability import (
    AffectedPackage,
    AffectedRange,
    ConfigNode,
    Configuration,
    CpeMatch,
    CvssScore,
    FeedKind,
    Provenance,
    RangeEvent,
    RangeKind,
    Vulnerability,
)

SNAPSHOT = date(2025, 8, 25)


def osv(
    vid: str,
    ecosystem: str,
    name: str,
    *events: tuple[str, str],
    versions: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
    withdrawn: bool = False,
    summary: str = "",
    kind: RangeKind = RangeKind.ECOSYSTEM,
) -> Vulnerability:
    ranges = (AffectedRange(kind, tuple(RangeEvent(k, v) for k, v in events)),) if events else ()
    return Vulnerability(
        id=vid,
        provenance=Provenance(FeedKind.OSV, "test:osv", SNAPSHOT, vid),
        aliases=aliases,
        summary=summary,
        withdrawn=datetime(2024, 1, 1) if withdrawn else None,
        cwes=("CWE-79",),
        packages=(AffectedPackage(ecosystem, name, None, ranges, versions),),
    )


def node(*matches: CpeMatch, operator: str = "OR", negate: bool = False) -> ConfigNode:
    return ConfigNode(operator, negate, matches)


def vulnerable(criteria: str, **bounds: str) -> CpeMatch:
    return CpeMatch(criteria, True, **bounds)


def platform(criteria: str) -> CpeMatch:
    return CpeMatch(criteria, False)


def nvd(
    cve: str, *configs: Configuration, summary: str = "", cvss: tuple[CvssScore, ...] = ()
) -> Vulnerability:
    return Vulnerability(
        id=cve,
        provenance=Provenance(FeedKind.NVD, "test:nvd", SNAPSHOT, cve),
        summary=summary,
        cvss=cvss,
        cwes=("CWE-787",),
        configurations=configs,
    )


def simple(cve: str, criteria: str, **bounds: str) -> Vulnerability:
    """One configuration, one node, one vulnerable cpeMatch."""
    return nvd(cve, Configuration((node(vulnerable(criteria, **bounds)),)))


def on_platform(cve: str, app: CpeMatch, *platforms: CpeMatch) -> Vulnerability:
    """NVD's "app running on one of these platforms": AND of two OR nodes."""
    return nvd(cve, Configuration((node(app), node(*platforms)), operator="AND"))


def comp(
    ref: str,
    name: str | None = None,
    *,
    version: str | None = None,
    purl: str | None = None,
    cpes: tuple[str, ...] = (),
    supplier: str | None = None,
    type: str = "library",
) -> Component:
    return Component(
        bom_ref=ref,
        name=name or ref,
        version=version,
        purl=purl,
        cpes=cpes,
        supplier=supplier,
        type=type,
    )


def cpe(vendor: str, product: str, version: str = "*", part: str = "a", hw: str = "*") -> str:
    return f"cpe:2.3:{part}:{vendor}:{product}:{version}:*:*:*:*:*:{hw}:*"
