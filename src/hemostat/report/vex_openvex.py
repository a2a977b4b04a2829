"""OpenVEX 0.2.0: one statement per VEX statement, its product named by ``@id`` (purl, else
CPE, else the product key) with ``identifiers`` purl/cpe23.

Lossy (documented, asserted in tests): the nine CycloneDX-style justifications fold into
OpenVEX's five labels (``domain.assessment.OPENVEX_JUSTIFICATION``); responses have no field
and are dropped (the action statement carries the words). Deterministic: sorted, no clock.
"""

from __future__ import annotations

from hemostat.domain.assessment import OPENVEX_JUSTIFICATION, OPENVEX_STATUS, VexStatus
from hemostat.domain.vex import VexDocument, VexProduct, VexStatement
from hemostat.report.vex_common import Doc, checked, dumps, iso

CONTEXT = "https://openvex.dev/ns/v0.2.0"


def render_openvex(doc: VexDocument) -> bytes:
    return dumps(build(doc))


def build(doc: VexDocument) -> Doc:
    statements = checked(doc)
    out: Doc = {
        "@context": CONTEXT,
        "@id": doc.doc_id,
        "author": doc.author or doc.publisher_name,
        "timestamp": iso(doc.timestamp),
        "version": doc.version,
        "tooling": "hemostat",
        "statements": [_statement(st) for st in statements],
    }
    return out


def product_entry(p: VexProduct) -> Doc:
    entry: Doc = {"@id": p.purl or p.cpe or p.key()}
    ids: Doc = {}
    if p.purl:
        ids["purl"] = p.purl
    if p.cpe:
        ids["cpe23" if p.cpe.startswith("cpe:2.3:") else "cpe22"] = p.cpe
    if ids:
        entry["identifiers"] = ids
    return entry


def _statement(st: VexStatement) -> Doc:
    vuln: Doc = {"name": st.vulnerability}
    if st.aliases:
        vuln["aliases"] = sorted(set(st.aliases))
    out: Doc = {
        "vulnerability": vuln,
        "timestamp": iso(st.timestamp),
        "products": [product_entry(st.product)],
        "status": OPENVEX_STATUS[st.status],
    }
    if st.last_updated is not None:
        out["last_updated"] = iso(st.last_updated)
    if st.detail:
        out["status_notes"] = st.detail
    if st.status is VexStatus.NOT_AFFECTED:
        if st.justification is not None:
            out["justification"] = OPENVEX_JUSTIFICATION[st.justification]
        if st.impact_statement:
            out["impact_statement"] = st.impact_statement
    if st.status is VexStatus.AFFECTED:
        out["action_statement"] = st.action_statement or _default_action(st)
    return out


def _default_action(st: VexStatement) -> str:
    # OpenVEX requires an action statement for affected; name the responses when there is none.
    if st.responses:
        return "Responses: " + ", ".join(sorted({r.value for r in st.responses}))
    return "No action statement provided"
