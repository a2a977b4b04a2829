"""CSAF 2.0 ``csaf_vex``: product tree, one vulnerability per id with product_status, flags
(known_not_affected justification labels), threats (impact details) and remediations (from the
responses of known_affected products).

Lossy (documented, asserted in tests): justifications fold into CSAF's five flag labels (the
OpenVEX ones); ``rollback`` becomes ``vendor_fix``; a statement's detail and impact statement
share the threat ``impact`` details. Deterministic: sorted, no clock.
"""

from __future__ import annotations

from hemostat.domain.assessment import (
    CSAF_PRODUCT_STATUS,
    OPENVEX_JUSTIFICATION,
    Response,
    VexStatus,
)
from hemostat.domain.vex import VexDocument, VexStatement
from hemostat.report.csaf_tree import grouped, header, product_id, product_tree, vuln_ids
from hemostat.report.vex_common import Doc, checked, dumps, products

REMEDIATION: dict[Response, str] = {
    Response.UPDATE: "vendor_fix",
    Response.ROLLBACK: "vendor_fix",
    Response.WORKAROUND_AVAILABLE: "workaround",
    Response.WILL_NOT_FIX: "no_fix_planned",
    Response.CAN_NOT_FIX: "none_available",
}


def render_csaf_vex(doc: VexDocument) -> bytes:
    return dumps(build(doc))


def build(doc: VexDocument) -> Doc:
    statements = checked(doc)
    title = f"VEX for {doc.product_name} {doc.product_version}".strip()
    return {
        "document": header(doc, "csaf_vex", title),
        "product_tree": product_tree(doc.publisher_name, products(statements)),
        "vulnerabilities": [vulnerability(v, sts) for v, sts in grouped(statements)],
    }


def vulnerability(vuln: str, sts: list[VexStatement]) -> Doc:
    """One CSAF vulnerability: ids, notes, product_status, flags, remediations, threats."""
    aliases = tuple(a for st in sts for a in st.aliases)
    out: Doc = vuln_ids(vuln, aliases)
    out["notes"] = [{"category": "description", "text": f"VEX statements for {vuln}"}]
    status: dict[str, set[str]] = {}
    for st in sts:
        status.setdefault(CSAF_PRODUCT_STATUS[st.status], set()).add(product_id(st.product))
    out["product_status"] = {k: sorted(v) for k, v in sorted(status.items())}
    flags = _flags(sts)
    if flags:
        out["flags"] = flags
    remediations = _remediations(sts)
    if remediations:
        out["remediations"] = remediations
    threats = _threats(sts)
    if threats:
        out["threats"] = threats
    return out


def _flags(sts: list[VexStatement]) -> list[Doc]:
    labels: dict[str, set[str]] = {}
    for st in sts:
        if st.status is VexStatus.NOT_AFFECTED and st.justification is not None:
            label = OPENVEX_JUSTIFICATION[st.justification]
            labels.setdefault(label, set()).add(product_id(st.product))
    return [{"label": k, "product_ids": sorted(v)} for k, v in sorted(labels.items())]


def _remediations(sts: list[VexStatement]) -> list[Doc]:
    merged: dict[tuple[str, str], set[str]] = {}
    for st in sts:
        if st.status is VexStatus.FIXED:
            # the csaf validator (a CSAF 2.1 sub-check) wants a remediation for fixed products
            details = st.action_statement or "Fixed in this version"
            merged.setdefault(("vendor_fix", details), set()).add(product_id(st.product))
        if st.status is not VexStatus.AFFECTED:
            continue
        details = st.action_statement or "No remediation details provided"
        categories = {REMEDIATION[r] for r in st.responses} or {"none_available"}
        for cat in categories:
            merged.setdefault((cat, details), set()).add(product_id(st.product))
    return [
        {"category": cat, "details": det, "product_ids": sorted(ids)}
        for (cat, det), ids in sorted(merged.items())
    ]


def _threats(sts: list[VexStatement]) -> list[Doc]:
    merged: dict[str, set[str]] = {}
    for st in sts:
        text = st.impact_statement or st.detail
        if not text and st.status is VexStatus.NOT_AFFECTED and st.justification is None:
            text = "Not affected"
        if text:
            merged.setdefault(text, set()).add(product_id(st.product))
    return [
        {"category": "impact", "details": text, "product_ids": sorted(ids)}
        for text, ids in sorted(merged.items())
    ]
