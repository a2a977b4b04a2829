"""CycloneDX VEX / VDR (``vulnerabilities[]`` with ``analysis``) -> ``VexDocument``.

One statement per (vulnerability, affects[].ref). States map back through
``domain.assessment.CYCLONEDX_STATE``; ``false_positive`` reads as not_affected and
``resolved_with_pedigree`` as fixed, each label kept at the front of the detail. A
``code_not_present`` whose detail starts with ``[component_not_present]`` (Hemostat's own
export) reads back as component_not_present. A VDR entry without ``analysis`` reads as affected.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from hemostat.domain.assessment import CYCLONEDX_STATE, Justification, Response, VexStatus
from hemostat.domain.vex import VexDocument, VexProduct, VexStatement
from hemostat.ingest.vex_common import EPOCH, Where, arr, enum, obj, text, when

CNP_MARK = "[component_not_present] "
_STATES: dict[str, VexStatus] = {v: k for k, v in CYCLONEDX_STATE.items()} | {
    "false_positive": VexStatus.NOT_AFFECTED,
    "resolved_with_pedigree": VexStatus.FIXED,
}


def read_cyclonedx_vex(doc: Mapping[str, Any], source: str) -> VexDocument:
    top = Where(source)
    meta = obj(doc.get("metadata") or {}, top.at("metadata"))
    stamp = when(meta.get("timestamp"), top.at("metadata", "timestamp"), EPOCH)
    comps = _components(doc, top)
    vulns = arr(doc.get("vulnerabilities"), top.at("vulnerabilities"))
    statements = tuple(
        st
        for i, v in enumerate(vulns)
        for st in _statements(v, top.at("vulnerabilities", i), comps, stamp)
    )
    subject = obj(meta.get("component") or {}, top.at("metadata", "component"))
    supplier = obj(meta.get("supplier") or meta.get("manufacturer") or {}, top.at("metadata"))
    authors = arr(meta.get("authors"), top.at("metadata", "authors"))
    urls = arr(supplier.get("url"), top.at("metadata", "supplier", "url"))
    version = doc.get("version")
    return VexDocument(
        doc_id=text(doc.get("serialNumber"), top.at("serialNumber")),
        author=str(obj(authors[0], top.at("metadata", "authors", 0)).get("name", ""))
        if authors
        else "",
        publisher_name=str(supplier.get("name", "")),
        publisher_namespace=str(urls[0]) if urls else "",
        timestamp=stamp,
        product_name=str(subject.get("name", "")),
        product_version=str(subject.get("version", "")),
        statements=statements,
        version=version if isinstance(version, int) and version >= 1 else 1,
        source=source,
        format="cyclonedx",
    )


def _components(doc: Mapping[str, Any], top: Where) -> dict[str, VexProduct]:
    out: dict[str, VexProduct] = {}
    stack = list(arr(doc.get("components"), top.at("components")))
    while stack:
        c = stack.pop()
        if not isinstance(c, dict):
            continue
        ref = str(c.get("bom-ref", ""))
        if ref:
            out[ref] = VexProduct(
                bom_ref=ref,
                name=str(c.get("name", "")),
                version=str(c.get("version", "")),
                purl=str(c.get("purl", "")),
                cpe=str(c.get("cpe", "")),
            )
        stack.extend(c.get("components") or [])
    return out


def _statements(
    raw: Any, where: Where, comps: dict[str, VexProduct], stamp: datetime
) -> Iterator[VexStatement]:
    vuln = obj(raw, where)
    vid = text(vuln.get("id"), where.at("id"), required=True)
    aliases = tuple(
        str(r["id"])
        for r in arr(vuln.get("references"), where.at("references"))
        if isinstance(r, dict) and r.get("id")
    )
    analysis = obj(vuln.get("analysis") or {}, where.at("analysis"))
    fields = _analysis(analysis, where.at("analysis"), stamp)
    for i, affect in enumerate(arr(vuln.get("affects"), where.at("affects"))):
        ref = text(obj(affect, where.at("affects", i)).get("ref"), where.at("affects", i, "ref"))
        product = comps.get(ref) or _external(ref)
        yield VexStatement(vulnerability=vid, product=product, aliases=aliases, **fields)


def _external(ref: str) -> VexProduct:
    """A ref into another BOM (BOM-Link ``urn:cdx:serial/version#bom-ref``): keep the link, and
    the purl when the linked bom-ref is one (a common convention)."""
    fragment = ref.partition("#")[2] if ref.startswith("urn:cdx:") else ""
    return VexProduct(bom_ref=ref, purl=fragment if fragment.startswith("pkg:") else "")


def _analysis(a: Mapping[str, Any], where: Where, stamp: datetime) -> dict[str, Any]:
    state = a.get("state", "exploitable")  # a VDR entry without analysis: affected
    status = enum(VexStatus, state, where.at("state"), _STATES)
    detail = text(a.get("detail"), where.at("detail"))
    if state in ("false_positive", "resolved_with_pedigree"):
        detail = f"[{state}] {detail}".strip()
    justification = None
    if "justification" in a:
        justification = enum(Justification, a["justification"], where.at("justification"))
        if justification is Justification.CODE_NOT_PRESENT and detail.startswith(CNP_MARK):
            justification, detail = Justification.COMPONENT_NOT_PRESENT, detail[len(CNP_MARK) :]
    impact = ""
    if status is VexStatus.NOT_AFFECTED and justification is None:
        impact = detail or f"CycloneDX state {state} without a justification"
    first = when(a.get("firstIssued"), where.at("firstIssued"), stamp)
    last = when(a.get("lastUpdated"), where.at("lastUpdated"), first)
    responses = arr(a.get("response"), where.at("response"))
    return {
        "status": status,
        "timestamp": first,
        "justification": justification,
        "responses": tuple(
            enum(Response, r, where.at("response", i)) for i, r in enumerate(responses)
        ),
        "detail": detail,
        "impact_statement": impact,
        "last_updated": None if last == first else last,
    }
