"""VEX out (CycloneDX 1.6, OpenVEX 0.2.0, CSAF 2.0 csaf_vex, CSAF security advisory) from a
release's findings and decisions, and VEX in: a supplier's statements recorded as decisions."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy.orm import Session

from hemostat.domain.assessment import VexStatus
from hemostat.domain.component import Component
from hemostat.domain.vex import VexDocument, VexProduct, VexStatement
from hemostat.domain.vulnerability import CvssScore
from hemostat.errors import IngestError, NotFoundError, UsageError
from hemostat.ingest.vex_read import read_vex
from hemostat.report.csaf_advisory import render_advisory
from hemostat.report.vdr import render_vdr
from hemostat.report.vex_csaf import render_csaf_vex
from hemostat.report.vex_cyclonedx import analysis, render_cyclonedx_vex
from hemostat.report.vex_openvex import render_openvex
from hemostat.services import catalog, findings, sboms, triage
from hemostat.store import finding_repositories as frepo
from hemostat.store import repositories as repo
from hemostat.store import vex_document_tables as vexdocs

RENDERERS: dict[str, Callable[[VexDocument], bytes]] = {
    "cyclonedx": render_cyclonedx_vex,
    "openvex": render_openvex,
    "csaf": render_csaf_vex,
}


def release_document(
    session: Session, *, product: str, release: str, namespace: str | None = None
) -> VexDocument:
    """Every finding of the release's latest SBOM with the decision in force (or in triage)."""
    prod = catalog.get_product(session, product)
    rel = catalog.get_release(session, product, release)
    sbom = sboms.load(session, product=product, release=release)
    comps = {c.bom_ref: c for c in sbom.components}
    items = triage.triage_list(session, product=product, release=release)
    decided = [i.decision.at for i in items if i.decision is not None]
    when = max(decided) if decided else _release_time(sbom.timestamp, rel.released)
    statements = tuple(
        _statement(i, comps.get(i.bom_ref), when) for i in items if i.bom_ref in comps
    )
    slug = re.sub(r"[^a-z0-9]+", "-", prod.manufacturer.lower()).strip("-") or "manufacturer"
    return VexDocument(
        doc_id=f"{product}-{release}-vex",
        author=prod.manufacturer,
        publisher_name=prod.manufacturer,
        publisher_namespace=namespace or f"https://{slug}.example",
        timestamp=when,
        product_name=prod.name,
        product_version=release,
        statements=statements,
        version=1 + len(decided),
        title=f"VEX for {prod.name} {release}",
    )


def _release_time(ts: datetime | None, released: date | None) -> datetime:
    """No decision yet: the SBOM's own timestamp, else the release date (never "now")."""
    if ts is not None:
        return ts if ts.tzinfo else ts.replace(tzinfo=UTC)
    if released is not None:
        return datetime.combine(released, time(), tzinfo=UTC)
    return datetime(1970, 1, 1, tzinfo=UTC)


def _statement(item: triage.TriageItem, c: Component | None, when: datetime) -> VexStatement:
    product = VexProduct(
        bom_ref=item.bom_ref,
        name=c.name if c else item.identity,
        version=(c.version or "") if c else "",
        purl=(c.purl or "") if c else "",
        cpe=(c.cpes[0] if c and c.cpes else ""),
    )
    d = item.decision
    if d is None:
        return VexStatement(
            item.vulnerability,
            product,
            VexStatus.UNDER_INVESTIGATION,
            when,
            detail="Not yet assessed; under investigation.",
        )
    return VexStatement(
        vulnerability=item.vulnerability,
        product=product,
        status=d.status,
        timestamp=d.at,
        justification=d.justification,
        responses=d.response,
        detail=d.detail,
        action_statement=d.detail if d.status is VexStatus.AFFECTED else "",
    )


FORMATS = (*RENDERERS, "cyclonedx-vdr")


def export(
    session: Session, *, product: str, release: str, fmt: str, namespace: str | None = None
) -> bytes:
    if fmt not in FORMATS:
        raise UsageError(f"unknown VEX format {fmt!r}", hint="choose one of: " + ", ".join(FORMATS))
    doc = release_document(session, product=product, release=release, namespace=namespace)
    if fmt == "cyclonedx-vdr":
        return _vdr(session, product, release, doc)
    return RENDERERS[fmt](doc)


def _vdr(session: Session, product: str, release: str, doc: VexDocument) -> bytes:
    """CycloneDX VDR + VEX: the stored findings with ratings, CWEs and evidence, and each one's
    decision in force (else under investigation) as its ``analysis``."""
    report = findings.stored_report(session, product, release)
    if report is None:
        raise UsageError(
            f"{product}@{release} has not been analysed",
            hint=f"hemostat analyze {product} {release}",
        )
    analyses = {(st.vulnerability, st.product.bom_ref): analysis(st) for st in doc.statements}
    return render_vdr(report, analyses)


def export_advisory(
    session: Session,
    *,
    product: str,
    release: str,
    vulnerabilities: list[str],
    namespace: str | None = None,
) -> bytes:
    """A CSAF 2.0 csaf_security_advisory for chosen vulnerabilities, with their CVSS scores and
    CWE."""
    doc = release_document(session, product=product, release=release, namespace=namespace)
    rel = catalog.get_release(session, product, release)
    row = repo.sbom_revision(session, rel.id, None)
    scores: dict[str, list[CvssScore]] = {}
    cwes: dict[str, list[str]] = {}
    for rf in frepo.findings_of(session, row.id) if row else []:
        scores.setdefault(rf.finding.vulnerability, list(rf.finding.cvss))
        cwes.setdefault(rf.finding.vulnerability, list(rf.finding.cwes))
    return render_advisory(doc, vulnerabilities, scores, cwes)


@dataclass(frozen=True, slots=True)
class VexImport:
    document: str
    source: str
    sha256: str
    format: str
    stored: bool  # False: the same bytes were already stored (the earlier copy is cited)
    statements: int
    recorded: tuple[str, ...]  # "product release component vulnerability status"
    unmatched: tuple[str, ...]  # statements that name nothing we know
    refused: tuple[str, ...]  # statements our decision rules refuse, with the reason


def import_vex(session: Session, *, path: Path, author: str | None = None) -> VexImport:
    """Record a supplier's statements as decisions on every matching component (one transaction)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror}", file=str(path), code="io") from None
    doc = read_vex(data, source=str(path))
    digest = hashlib.sha256(data).hexdigest()
    who = author or doc.author or doc.publisher_name
    _, new = vexdocs.keep(session, _document_row(doc, data, digest, path.name, who))
    targets = _components(session)
    recorded: list[str] = []
    unmatched: list[str] = []
    refused: list[str] = []
    for st in doc.statements:
        hits = [t for t in targets if _matches(st.product, t[2])]
        label = f"{st.vulnerability} {st.product.purl or st.product.cpe or st.product.name}"
        if not hits:
            unmatched.append(label)
            continue
        for prod, rel, comp in hits:
            try:
                triage.set_decision(
                    session,
                    product=prod,
                    release=rel,
                    vulnerability=st.vulnerability,
                    component=comp.bom_ref,
                    status=st.status,
                    justification=st.justification,
                    response=st.responses,
                    detail=st.detail or st.impact_statement or st.action_statement,
                    author=who,
                    reason=f"supplier VEX {doc.doc_id} ({path.name}, sha256 {digest})",
                    origin=f"supplier:{doc.doc_id}",
                )
            except UsageError as exc:
                refused.append(f"{label} on {prod} {rel}: {exc.message}")
                continue
            recorded.append(f"{prod} {rel} {comp.name} {st.vulnerability} {st.status.value}")
    return VexImport(
        doc.doc_id,
        str(path),
        digest,
        doc.format,
        new,
        len(doc.statements),
        tuple(recorded),
        tuple(unmatched),
        tuple(refused),
    )


def _document_row(
    doc: VexDocument, data: bytes, digest: str, name: str, who: str
) -> vexdocs.VexDocumentRow:
    return vexdocs.VexDocumentRow(
        sha256=digest,
        format=doc.format,
        doc_id=doc.doc_id[:1000],
        publisher=(doc.publisher_name or doc.author)[:500],
        source_name=name[:1000],
        statements=len(doc.statements),
        raw=data,
        imported_by=who[:500],
        imported_at=datetime.now(UTC),
    )


def documents(session: Session) -> list[vexdocs.StoredVexDocument]:
    """Every imported VEX document, oldest first."""
    return vexdocs.documents(session)


def document_source(session: Session, digest: str) -> tuple[vexdocs.StoredVexDocument, bytes]:
    """A stored VEX document's exact bytes, found by its sha256 (or an 8+ digit prefix)."""
    prefix = digest.lower().removeprefix("sha256:")
    if len(prefix) < 8 or any(c not in "0123456789abcdef" for c in prefix):
        raise UsageError(f"{digest!r} is not a sha256", hint="give at least 8 hex digits")
    rows = vexdocs.by_digest(session, prefix)
    if not rows:
        raise NotFoundError(f"no VEX document with sha256 {prefix}", hint="hemostat vex documents")
    if len(rows) > 1:
        raise UsageError(f"sha256 prefix {prefix} is ambiguous", hint="give more hex digits")
    return vexdocs.stored(rows[0]), rows[0].raw


def _components(session: Session) -> list[tuple[str, str, Component]]:
    out = []
    for rel, key in repo.list_releases(session):
        row = repo.sbom_revision(session, rel.id, None)
        if row is not None:
            out += [(key, rel.version, c) for c in repo.load_sbom(session, row).components]
    return out


def _matches(p: VexProduct, c: Component) -> bool:
    if p.purl and c.purl:
        return _purl_key(p.purl) == _purl_key(c.purl)
    if p.cpe and c.cpes:
        return p.cpe.lower() in (x.lower() for x in c.cpes)
    return bool(p.name) and p.name == c.name and bool(p.version) and p.version == c.version


def _purl_key(purl: str) -> str:
    return purl.split("?", 1)[0].split("#", 1)[0].lower()
