"""SARIF 2.1.0 for a scan: one rule per vulnerability, one result per finding.

Code-scanning services (GitHub, GitLab, Azure DevOps) read SARIF. Each result sits at the SBOM file
(the only physical artifact a component has here) with a logical location naming the component by
its purl or CPE. ``security-severity`` carries the CVSS score the way GitHub expects it. Output is
deterministic: rules sorted by id, results in report order, no timestamps.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

import orjson

from hemostat import __version__
from hemostat.domain.component import Component
from hemostat.domain.finding import Finding, MatchEvidence
from hemostat.domain.scan import RatedFinding, ScanReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/hemostat/hemostat"
Doc = dict[str, Any]
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "none": "note"}


def render_sarif(report: ScanReport) -> bytes:
    return orjson.dumps(build(report), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def build(report: ScanReport) -> Doc:
    rules = _rules(report.findings)
    index = {r["id"]: i for i, r in enumerate(rules)}
    comps = report.components_by_ref()
    uri = artifact_uri(report.sbom.source)
    results = [
        _result(rf, comps.get(rf.finding.component), uri, index[rf.finding.vulnerability])
        for rf in report.findings
    ]
    run: Doc = {
        "tool": {
            "driver": {
                "name": "hemostat",
                "version": __version__,
                "informationUri": INFO_URI,
                "rules": rules,
            }
        },
        "artifacts": [
            {
                "location": {"uri": uri},
                "hashes": {"sha-256": report.sbom.sha256},
                "roles": ["analysisTarget"],
            }
        ],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "feeds": {f.feed: f.snapshot.isoformat() for f in report.feeds},
            "skipped": [{"component": s.component, "reason": s.reason} for s in report.skipped],
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def artifact_uri(source: str) -> str:
    """A URI reference for the SBOM path: relative stays relative, absolute becomes file://."""
    path = PurePath(source)
    posix = path.as_posix()
    if path.is_absolute():
        return "file://" + quote(posix)
    return quote(posix)


def _rules(findings: tuple[RatedFinding, ...]) -> list[Doc]:
    best: dict[str, RatedFinding] = {}
    for rf in findings:  # the richest record of each vulnerability describes its rule
        vid = rf.finding.vulnerability
        if vid not in best or _richness(rf) > _richness(best[vid]):
            best[vid] = rf
    return [_rule(best[v]) for v in sorted(best)]


def _richness(rf: RatedFinding) -> tuple[int, int, int]:
    f = rf.finding
    return (len(f.cvss), len(f.summary), len(f.cwes))


def _rule(rf: RatedFinding) -> Doc:
    f = rf.finding
    summary = f.summary.strip() or f.vulnerability
    tags = ["security", "vulnerability", *f.cwes]
    props: Doc = {"tags": tags, "precision": "high"}
    if rf.score is not None:
        props["security-severity"] = f"{rf.score:.1f}"
    if f.cvss:
        props["cvss"] = [{"version": c.version, "vector": c.vector} for c in f.cvss]
    return {
        "id": f.vulnerability,
        "name": _name(f.vulnerability),
        "shortDescription": {"text": _first_line(summary)},
        "fullDescription": {"text": summary},
        "help": {"text": _help_text(rf), "markdown": _help_markdown(rf)},
        "helpUri": advisory_url(f.vulnerability),
        "defaultConfiguration": {"level": _LEVEL.get(rf.severity, "warning")},
        "properties": props,
    }


def _name(vid: str) -> str:
    """SARIF rule names are identifier-like: ``CVE-2022-25638`` → ``CVE_2022_25638``."""
    return "".join(ch if ch.isalnum() else "_" for ch in vid)


def _first_line(text: str, limit: int = 200) -> str:
    line = text.splitlines()[0] if text else text
    return line if len(line) <= limit else line[: limit - 1] + "…"


def advisory_url(vid: str) -> str:
    if vid.startswith("CVE-"):
        return f"https://nvd.nist.gov/vuln/detail/{vid}"
    if vid.startswith("GHSA-"):
        return f"https://github.com/advisories/{vid}"
    return f"https://osv.dev/vulnerability/{vid}"


def _help_lines(rf: RatedFinding) -> list[str]:
    f = rf.finding
    lines = [f.summary.strip() or f.vulnerability]
    if f.aliases:
        lines.append("Aliases: " + ", ".join(f.aliases))
    lines.extend(f"CVSS {c.version} {c.base_score:.1f} {c.severity}: {c.vector}" for c in f.cvss)
    if f.cwes:
        lines.append("Weaknesses: " + ", ".join(f.cwes))
    if f.kev is not None:
        lines.append(
            f"CISA KEV since {f.kev.date_added.isoformat()}: {f.kev.required_action}"
            + (f" (due {f.kev.due_date.isoformat()})" if f.kev.due_date else "")
        )
    if f.fixed_versions:
        lines.append("Fixed in: " + ", ".join(f.fixed_versions))
    return lines


def _help_text(rf: RatedFinding) -> str:
    return "\n".join(_help_lines(rf))


def _help_markdown(rf: RatedFinding) -> str:
    lines = _help_lines(rf)
    head = f"**{rf.finding.vulnerability}**: {lines[0]}"
    return "\n\n".join([head, *(f"- {line}" for line in lines[1:])]) + (
        f"\n\n[Advisory]({advisory_url(rf.finding.vulnerability)})"
    )


def _result(rf: RatedFinding, comp: Component | None, uri: str, rule_index: int) -> Doc:
    f = rf.finding
    target = _identifier(f, comp)
    logical: Doc = {"name": comp.name if comp else f.component, "kind": "module"}
    if target:
        logical["fullyQualifiedName"] = target
    return {
        "ruleId": f.vulnerability,
        "ruleIndex": rule_index,
        "level": _LEVEL.get(rf.severity, "warning"),
        "message": {"text": message(rf, comp)},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": uri}}, "logicalLocations": [logical]}
        ],
        "partialFingerprints": {"hemostat/finding/v1": fingerprint(f)},
        "properties": _result_properties(rf),
    }


def _identifier(f: Finding, comp: Component | None) -> str | None:
    if f.evidence:
        return f.evidence[0].identifier
    if comp is not None:
        return comp.purl or (comp.cpes[0] if comp.cpes else None)
    return None


def message(rf: RatedFinding, comp: Component | None) -> str:
    f = rf.finding
    who = f"{comp.name} {comp.version or ''}".strip() if comp else f.component
    rating = f" ({rf.severity.upper()} {rf.score:.1f})" if rf.score is not None else ""
    fixed = f"; fixed in {', '.join(f.fixed_versions)}" if f.fixed_versions else ""
    kev = "; in CISA KEV" if f.kev else ""
    how = f"; {_evidence_text(f.evidence[0])}" if f.evidence else ""
    return f"{who} is affected by {f.vulnerability}{rating}{kev}{fixed}{how}"


def _evidence_text(e: MatchEvidence) -> str:
    note = f" — {e.note}" if e.note else ""
    return (
        f"{e.matcher} matched {e.identifier} against {e.matched} "
        f"({e.feed} {e.snapshot.isoformat()}, {e.confidence.value} confidence){note}"
    )


def fingerprint(f: Finding) -> str:
    """Stable across runs and SBOM revisions: the component's identity and the vulnerability."""
    return hashlib.sha256(f"{f.identity}|{f.vulnerability}".encode()).hexdigest()[:32]


def _result_properties(rf: RatedFinding) -> Doc:
    f = rf.finding
    props: Doc = {
        "component": f.component,
        "confidence": max((e.confidence.value for e in f.evidence), default="high", key=_conf),
        "evidence": [_evidence_text(e) for e in f.evidence],
        "kev": f.kev is not None,
    }
    if f.epss is not None:
        props["epss"] = {"score": f.epss.epss, "percentile": f.epss.percentile}
    return props


def _conf(value: str) -> int:
    """Order confidences: a finding is as certain as its strongest piece of evidence."""
    return {"low": 0, "medium": 1, "high": 2}.get(value, 2)
