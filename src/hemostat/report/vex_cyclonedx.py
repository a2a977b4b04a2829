"""CycloneDX 1.6 VEX: the products as ``components``, one ``vulnerabilities[]`` entry per
statement with ``analysis`` (state, justification, response, detail, firstIssued, lastUpdated)
and ``affects[].ref`` pointing at the product's bom-ref.

Lossy (documented, asserted in tests): ``component_not_present`` is written as
``code_not_present`` with the original label kept at the front of ``detail``; OpenVEX's
impact/action statements have no field and are dropped. Deterministic: statements sorted,
no clock (timestamps come from the document).
"""

from __future__ import annotations

from hemostat.domain.assessment import CYCLONEDX_JUSTIFICATION, CYCLONEDX_STATE, Justification
from hemostat.domain.vex import VexDocument, VexProduct, VexStatement
from hemostat.report.vex_common import CNP_MARK, Doc, checked, dumps, iso, products, urn_uuid

SPEC_VERSION = "1.6"


def render_cyclonedx_vex(doc: VexDocument) -> bytes:
    return dumps(build(doc))


def build(doc: VexDocument) -> Doc:
    statements = checked(doc)
    out: Doc = {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": urn_uuid(doc.doc_id),
        "version": doc.version,
        "metadata": _metadata(doc),
    }
    prods = products(statements)
    if prods:
        out["components"] = [_component(p) for p in prods]
    if statements:
        out["vulnerabilities"] = [_vulnerability(st) for st in statements]
    return out


def _metadata(doc: VexDocument) -> Doc:
    meta: Doc = {
        "timestamp": iso(doc.timestamp),
        "tools": {"components": [{"type": "application", "name": "hemostat"}]},
        "component": {
            "type": "device",
            "bom-ref": "product",
            "name": doc.product_name,
            "version": doc.product_version,
        },
        "supplier": {"name": doc.publisher_name},
    }
    if doc.publisher_namespace:
        meta["supplier"]["url"] = [doc.publisher_namespace]
    if doc.author:
        meta["authors"] = [{"name": doc.author}]
    return meta


def _component(p: VexProduct) -> Doc:
    comp: Doc = {"type": "library", "bom-ref": p.key(), "name": p.name or p.key()}
    if p.version:
        comp["version"] = p.version
    if p.cpe:
        comp["cpe"] = p.cpe
    if p.purl:
        comp["purl"] = p.purl
    return comp


def _vulnerability(st: VexStatement) -> Doc:
    vuln: Doc = {"id": st.vulnerability}
    if st.aliases:
        vuln["references"] = [
            {"id": a, "source": {"name": a.split("-", 1)[0]}} for a in sorted(set(st.aliases))
        ]
    vuln["analysis"] = analysis(st)
    vuln["affects"] = [{"ref": st.product.key()}]
    return vuln


def analysis(st: VexStatement) -> Doc:
    """The CycloneDX 1.6 ``analysis`` object of a statement (also used by the release VDR)."""
    out: Doc = {"state": CYCLONEDX_STATE[st.status]}
    detail = st.detail
    if st.justification is not None:
        out["justification"] = CYCLONEDX_JUSTIFICATION[st.justification]
        if st.justification is Justification.COMPONENT_NOT_PRESENT:
            detail = CNP_MARK + detail
    if st.responses:
        out["response"] = sorted({r.value for r in st.responses})
    if detail:
        out["detail"] = detail
    out["firstIssued"] = iso(st.timestamp)
    out["lastUpdated"] = iso(st.last_updated or st.timestamp)
    return out
