"""CycloneDX 1.6 VDR (vulnerability disclosure report) for a scan.

One ``vulnerabilities[]`` entry per vulnerability, its ``affects[]`` pointing at the bom-refs of
the scanned components it hits; those components are listed (with purl and CPE) in
``components``. KEV, EPSS and the match evidence travel as ``hemostat:`` properties, since
CycloneDX has no field for them. Deterministic: no clock, a serial derived from the content.

With ``analyses`` (the decisions in force, as CycloneDX ``analysis`` objects keyed by
(vulnerability, bom-ref)) it is a combined VDR + VEX: one entry per (vulnerability, component),
since CycloneDX holds one analysis per vulnerability entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import orjson

from hemostat import __version__
from hemostat.domain.finding import Finding
from hemostat.domain.scan import RatedFinding, ScanReport
from hemostat.domain.vulnerability import CvssScore
from hemostat.report.cyclonedx import component
from hemostat.report.sarif import advisory_url

Doc = dict[str, Any]
SPEC_VERSION = "1.6"
_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/hemostat/hemostat/vdr")
_METHOD = {"2.0": "CVSSv2", "3.0": "CVSSv3", "3.1": "CVSSv31", "4.0": "CVSSv4"}
_SEVERITY = {"critical", "high", "medium", "low", "info", "none", "unknown"}
Analyses = Mapping[tuple[str, str], Doc]  # (vulnerability, bom-ref) -> CycloneDX analysis


def render_vdr(report: ScanReport, analyses: Analyses | None = None) -> bytes:
    return orjson.dumps(build(report, analyses), option=orjson.OPT_INDENT_2) + b"\n"


def build(report: ScanReport, analyses: Analyses | None = None) -> Doc:
    doc: Doc = {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": serial(report, analyses),
        "version": 1,
        "metadata": _metadata(report),
    }
    if report.components:
        doc["components"] = [component(c, c.bom_ref) for c in report.components]
    vulns = _grouped(report.findings, per_component=analyses is not None)
    versions = {c.bom_ref: c.version for c in report.components}
    if vulns:
        doc["vulnerabilities"] = [_vulnerability(group, versions, analyses) for group in vulns]
    return doc


def serial(report: ScanReport, analyses: Analyses | None = None) -> str:
    """Same SBOM, same feed snapshots, same findings (and decisions) → same serial number."""
    feeds = ",".join(f"{f.feed}={f.snapshot.isoformat()}" for f in report.feeds)
    found = ",".join(f"{f.finding.vulnerability}@{f.finding.component}" for f in report.findings)
    name = f"{report.sbom.sha256}|{feeds}|{found}"
    if analyses is not None:
        name += "|" + orjson.dumps(sorted(analyses.items())).decode()
    return "urn:uuid:" + str(uuid.uuid5(_NS, name))


def _metadata(report: ScanReport) -> Doc:
    s = report.sbom
    props = [("hemostat:sbom:sha256", s.sha256), ("hemostat:sbom:source", s.source)]
    if s.serial:
        props.append(("hemostat:sbom:serial", s.serial))
    props += [(f"hemostat:feed:{f.feed}", f.snapshot.isoformat()) for f in report.feeds]
    return {
        "tools": {
            "components": [{"type": "application", "name": "hemostat", "version": __version__}]
        },
        "properties": _props(props),
    }


def _grouped(findings: Sequence[RatedFinding], *, per_component: bool) -> list[list[RatedFinding]]:
    """Findings of one vulnerability (and component) together, in the order of each one's first
    (worst) finding."""
    groups: dict[tuple[str, str], list[RatedFinding]] = {}
    for rf in findings:
        key = (rf.finding.vulnerability, rf.finding.component if per_component else "")
        groups.setdefault(key, []).append(rf)
    return list(groups.values())


def _vulnerability(
    group: list[RatedFinding], versions: dict[str, str | None], analyses: Analyses | None
) -> Doc:
    f = max((rf.finding for rf in group), key=lambda x: (len(x.cvss), len(x.summary)))
    ref = f"vuln:{f.vulnerability}" + (f"@{group[0].finding.component}" if analyses else "")
    v: Doc = {"bom-ref": ref, "id": f.vulnerability, "source": _source(f)}
    refs = [
        {"id": a, "source": {"name": _source_name(a), "url": advisory_url(a)}} for a in f.aliases
    ]
    if refs:
        v["references"] = refs
    ratings = [_rating(c) for c in f.cvss]
    if ratings:
        v["ratings"] = ratings
    cwes = sorted({n for n in (_cwe_number(c) for c in f.cwes) if n is not None})
    if cwes:
        v["cwes"] = cwes
    if f.summary:
        v["description"] = f.summary
    fixed = sorted({x for rf in group for x in rf.finding.fixed_versions})
    if fixed:
        v["recommendation"] = "Upgrade to a fixed version: " + ", ".join(fixed)
    hit = sorted({rf.finding.component for rf in group})
    if analyses is not None and (f.vulnerability, hit[0]) in analyses:
        v["analysis"] = analyses[(f.vulnerability, hit[0])]
    v["affects"] = [_affects(ref, versions.get(ref)) for ref in hit]
    props = _vuln_properties(group)
    if props:
        v["properties"] = props
    return v


def _source(f: Finding) -> Doc:
    return {"name": _source_name(f.vulnerability), "url": advisory_url(f.vulnerability)}


def _source_name(vid: str) -> str:
    if vid.startswith("CVE-"):
        return "NVD"
    if vid.startswith("GHSA-"):
        return "GitHub"
    return "OSV"


def _rating(c: CvssScore) -> Doc:
    r: Doc = {
        "score": float(Decimal(str(c.base_score)).quantize(Decimal("0.1"))),
        "severity": c.severity.lower() if c.severity.lower() in _SEVERITY else "unknown",
        "method": _METHOD.get(c.version, "other"),
        "vector": c.vector,
    }
    if c.source:
        r["source"] = {"name": c.source}
    return r


def _cwe_number(cwe: str) -> int | None:
    """``"CWE-79"`` → 79; NVD's ``NVD-CWE-noinfo`` / ``NVD-CWE-Other`` have no number."""
    digits = cwe.upper().removeprefix("CWE-")
    return int(digits) if digits.isdigit() else None


def _affects(ref: str, version: str | None) -> Doc:
    d: Doc = {"ref": ref}
    if version:
        d["versions"] = [{"version": version, "status": "affected"}]
    return d


def _vuln_properties(group: list[RatedFinding]) -> list[Doc]:
    f = group[0].finding
    props: list[tuple[str, str]] = []
    if f.kev is not None:
        props += [
            ("hemostat:kev", "true"),
            ("hemostat:kev:date_added", f.kev.date_added.isoformat()),
            ("hemostat:kev:required_action", f.kev.required_action),
            ("hemostat:kev:ransomware", f.kev.ransomware),
        ]
        if f.kev.due_date:
            props.append(("hemostat:kev:due_date", f.kev.due_date.isoformat()))
    if f.epss is not None:
        props += [
            ("hemostat:epss:score", repr(f.epss.epss)),
            ("hemostat:epss:percentile", repr(f.epss.percentile)),
            ("hemostat:epss:date", f.epss.date.isoformat()),
        ]
    for rf in group:
        for e in rf.finding.evidence:
            text = f"{rf.finding.component}: {e.matcher} {e.identifier} → {e.matched}"
            text += f" ({e.feed} {e.snapshot.isoformat()}, {e.confidence.value} confidence)"
            props.append(("hemostat:evidence", text + (f"; {e.note}" if e.note else "")))
    return _props(props)


def _props(pairs: list[tuple[str, str]]) -> list[Doc]:
    return [{"name": n, "value": v} for n, v in pairs]
