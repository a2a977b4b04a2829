"""`hemostat scan --format json`: the documented scan result (schema: scan-result.schema.json).

Deterministic: keys sorted, findings in report order, no clock. Dates are ISO 8601 strings.
"""

from __future__ import annotations

from typing import Any

import orjson

from hemostat.domain.component import Component
from hemostat.domain.finding import Finding, MatchEvidence, Skipped
from hemostat.domain.scan import RatedFinding, ScanReport
from hemostat.domain.vulnerability import CvssScore, EpssScore, KevEntry

SCHEMA_ID = "urn:hemostat:schema:scan-result:1"
Doc = dict[str, Any]


def render_json(report: ScanReport) -> bytes:
    return orjson.dumps(build(report), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def build(report: ScanReport) -> Doc:
    comps = report.components_by_ref()
    s = report.sbom
    return {
        "$schema": SCHEMA_ID,
        "sbom": {
            "source": s.source,
            "format": s.format,
            "spec_version": s.spec_version,
            "sha256": s.sha256,
            "components": s.components,
            "name": s.name,
            "serial": s.serial,
            "subject": s.subject,
        },
        "feeds": {f.feed: f.snapshot.isoformat() for f in report.feeds},
        "summary": {
            "findings": len(report.findings),
            "vulnerabilities": len({f.finding.vulnerability for f in report.findings}),
            "components_affected": len(comps),
            "skipped": len(report.skipped),
            "kev": report.kev_count(),
            "by_severity": report.counts(),
            "fail_on": report.fail_on,
            "threshold_met": report.threshold_met,
        },
        "findings": [finding(f, comps.get(f.finding.component)) for f in report.findings],
        "skipped": [skipped(k) for k in report.skipped],
    }


def finding(rf: RatedFinding, comp: Component | None) -> Doc:
    f: Finding = rf.finding
    return {
        "id": f.vulnerability,
        "aliases": list(f.aliases),
        "summary": f.summary,
        "severity": rf.severity,
        "score": rf.score,
        "score_version": rf.score_version,
        "component": component_ref(f, comp),
        "cvss": [cvss(c) for c in f.cvss],
        "cwes": list(f.cwes),
        "kev": kev(f.kev) if f.kev else None,
        "epss": epss(f.epss) if f.epss else None,
        "fixed_versions": list(f.fixed_versions),
        "evidence": [evidence(e) for e in f.evidence],
    }


def component_ref(f: Finding, comp: Component | None) -> Doc:
    return {
        "bom_ref": f.component,
        "identity": f.identity,
        "name": comp.name if comp else None,
        "version": comp.version if comp else None,
        "purl": comp.purl if comp else None,
        "cpes": list(comp.cpes) if comp else [],
    }


def cvss(c: CvssScore) -> Doc:
    return {
        "version": c.version,
        "vector": c.vector,
        "base_score": c.base_score,
        "severity": c.severity,
        "source": c.source,
    }


def kev(k: KevEntry) -> Doc:
    return {
        "date_added": k.date_added.isoformat(),
        "due_date": k.due_date.isoformat() if k.due_date else None,
        "required_action": k.required_action,
        "ransomware": k.ransomware,
        "name": k.name,
    }


def epss(e: EpssScore) -> Doc:
    return {"score": e.epss, "percentile": e.percentile, "date": e.date.isoformat()}


def evidence(e: MatchEvidence) -> Doc:
    return e.to_dict()


def skipped(k: Skipped) -> Doc:
    return {
        "component": k.component,
        "name": k.name,
        "reason": k.reason,
        "suggestions": [
            {"cpe": s.cpe, "confidence": s.confidence.value, "reason": s.reason}
            for s in k.suggestions
        ],
    }
