"""Stored findings: replace an SBOM's findings in bulk, read them back as domain values.

A finding is kept as a few queryable columns (vulnerability, severity, score, KEV, EPSS) plus its
evidence and the rest of the record as JSON. Repositories never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from hemostat.domain.component import Component
from hemostat.domain.finding import Confidence, Finding, MatchEvidence, MatchKind
from hemostat.domain.scan import RatedFinding
from hemostat.domain.vulnerability import CvssScore, EpssScore, KevEntry
from hemostat.store.finding_tables import AnalysisRow, FindingRow
from hemostat.store.mapping import component_from_row
from hemostat.store.tables import ComponentRow, ProductRow, ReleaseRow, SbomRow

_CHUNK = 5_000
Doc = dict[str, Any]


def component_ids(s: Session, sbom_id: int) -> dict[str, int]:
    q = select(ComponentRow.bom_ref, ComponentRow.id).where(ComponentRow.sbom_id == sbom_id)
    return dict(s.execute(q).tuples().all())


def replace_findings(
    s: Session, *, sbom_id: int, findings: Sequence[RatedFinding], analysis: Doc
) -> int:
    """Delete the SBOM's findings and analysis, insert the new ones; returns rows written."""
    ids = component_ids(s, sbom_id)
    s.execute(delete(FindingRow).where(FindingRow.sbom_id == sbom_id))
    s.execute(delete(AnalysisRow).where(AnalysisRow.sbom_id == sbom_id))
    rows = [finding_row(rf, sbom_id, ids[rf.finding.component]) for rf in findings]
    for i in range(0, len(rows), _CHUNK):
        s.execute(insert(FindingRow), rows[i : i + _CHUNK])
    s.add(AnalysisRow(sbom_id=sbom_id, analyzed_at=datetime.now(UTC), **analysis))
    s.flush()
    return len(rows)


def finding_row(rf: RatedFinding, sbom_id: int, component_id: int) -> Doc:
    f = rf.finding
    return {
        "sbom_id": sbom_id,
        "component_id": component_id,
        "vuln_id": f.vulnerability,
        "aliases": list(f.aliases),
        "severity": rf.severity,
        "score": rf.score,
        "kev": f.kev is not None,
        "epss": f.epss.epss if f.epss else None,
        "confidence": _confidence(f),
        "evidence": [evidence_doc(e) for e in f.evidence],
        "record": record_doc(rf),
    }


def _confidence(f: Finding) -> str:
    order = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}
    return max((e.confidence for e in f.evidence), key=order.__getitem__, default=Confidence.HIGH)


def evidence_doc(e: MatchEvidence) -> Doc:
    return e.to_dict()


def record_doc(rf: RatedFinding) -> Doc:
    f = rf.finding
    kev = f.kev
    return {
        "identity": f.identity,
        "summary": f.summary,
        "score_version": rf.score_version,
        "cvss": [[c.version, c.vector, c.base_score, c.severity, c.source] for c in f.cvss],
        "cwes": list(f.cwes),
        "fixed_versions": list(f.fixed_versions),
        "kev": None
        if kev is None
        else {
            "cve": kev.cve,
            "vendor": kev.vendor,
            "product": kev.product,
            "name": kev.name,
            "date_added": kev.date_added.isoformat(),
            "due_date": kev.due_date.isoformat() if kev.due_date else None,
            "required_action": kev.required_action,
            "ransomware": kev.ransomware,
            "notes": kev.notes,
            "cwes": list(kev.cwes),
        },
        "epss": None
        if f.epss is None
        else [f.epss.epss, f.epss.percentile, f.epss.date.isoformat(), f.epss.model_version],
    }


def rated_from_row(row: FindingRow, bom_ref: str) -> RatedFinding:
    r = row.record
    finding = Finding(
        component=bom_ref,
        identity=r["identity"],
        vulnerability=row.vuln_id,
        aliases=tuple(row.aliases),
        evidence=tuple(_evidence(e) for e in row.evidence),
        summary=r["summary"],
        cvss=tuple(CvssScore(v, vec, float(sc), sev, src) for v, vec, sc, sev, src in r["cvss"]),
        cwes=tuple(r["cwes"]),
        kev=_kev(r["kev"]),
        epss=_epss(row.vuln_id, r["epss"]),
        fixed_versions=tuple(r["fixed_versions"]),
    )
    return RatedFinding(finding, row.severity, row.score, r.get("score_version"))


def _evidence(d: Doc) -> MatchEvidence:
    return MatchEvidence(
        matcher=d["matcher"],
        kind=MatchKind(d["kind"]),
        identifier=d["identifier"],
        matched=d["matched"],
        feed=d["feed"],
        snapshot=date.fromisoformat(d["snapshot"]),
        confidence=Confidence(d["confidence"]),
        note=d["note"],
    )


def _kev(d: Doc | None) -> KevEntry | None:
    if d is None:
        return None
    due = d["due_date"]
    return KevEntry(
        cve=d["cve"],
        vendor=d["vendor"],
        product=d["product"],
        name=d["name"],
        date_added=date.fromisoformat(d["date_added"]),
        due_date=date.fromisoformat(due) if due else None,
        required_action=d["required_action"],
        ransomware=d["ransomware"],
        notes=d["notes"],
        cwes=tuple(d["cwes"]),
    )


def _epss(cve: str, v: list[Any] | None) -> EpssScore | None:
    if v is None:
        return None
    return EpssScore(cve, float(v[0]), float(v[1]), date.fromisoformat(v[2]), v[3])


def findings_of(s: Session, sbom_id: int) -> list[RatedFinding]:
    q = (
        select(FindingRow, ComponentRow.bom_ref)
        .join(ComponentRow, ComponentRow.id == FindingRow.component_id)
        .where(FindingRow.sbom_id == sbom_id)
        .order_by(FindingRow.id)
    )
    return [rated_from_row(row, ref) for row, ref in s.execute(q).all()]


def count_findings(s: Session, sbom_id: int) -> int:
    q = select(func.count()).select_from(FindingRow).where(FindingRow.sbom_id == sbom_id)
    return int(s.scalar(q) or 0)


def analysis_of(s: Session, sbom_id: int) -> AnalysisRow | None:
    return s.get(AnalysisRow, sbom_id)


def findings_for_vulnerability(
    s: Session, ids: Sequence[str]
) -> list[tuple[str, str, int, Component, RatedFinding]]:
    """Stored findings of any of ``ids`` as (product, release, revision, component, finding)."""
    q = (
        select(FindingRow, ComponentRow, ProductRow.key, ReleaseRow.version, SbomRow.revision)
        .join(ComponentRow, ComponentRow.id == FindingRow.component_id)
        .join(SbomRow, SbomRow.id == FindingRow.sbom_id)
        .join(ReleaseRow, ReleaseRow.id == SbomRow.release_id)
        .join(ProductRow, ProductRow.id == ReleaseRow.product_id)
        .where(FindingRow.vuln_id.in_(list(ids)))
        .order_by(ProductRow.key, ReleaseRow.version, SbomRow.revision, ComponentRow.bom_ref)
    )
    return [
        (p, r, rev, component_from_row(c), rated_from_row(row, c.bom_ref))
        for row, c, p, r, rev in s.execute(q).all()
    ]
