"""Render -> read_vex -> the same statements, for each format, with every documented lossy
mapping spelled out as an explicit expectation (not hidden in a normalizer)."""

from __future__ import annotations

from dataclasses import replace

from vex_support import T1, sample_doc, statements

from hemostat.domain.assessment import Justification, Response, VexStatus
from hemostat.domain.vex import VexProduct, VexStatement
from hemostat.ingest.vex_read import read_vex
from hemostat.report.csaf_tree import product_id
from hemostat.report.vex_csaf import render_csaf_vex
from hemostat.report.vex_cyclonedx import render_cyclonedx_vex
from hemostat.report.vex_openvex import render_openvex


def _canon(sts: tuple[VexStatement, ...]) -> list[VexStatement]:
    out = [
        replace(s, responses=tuple(sorted(s.responses)), aliases=tuple(sorted(s.aliases)))
        for s in sts
    ]
    return sorted(out, key=_key)


def _key(s: VexStatement) -> tuple[str, str, str]:
    return (s.vulnerability, s.product.key(), s.status.value)


def test_cyclonedx_roundtrip() -> None:
    got = read_vex(render_cyclonedx_vex(sample_doc()), source="x.cdx.json")
    # lossy: CycloneDX has no impact or action statement
    expected = [replace(s, impact_statement="", action_statement="") for s in statements()]
    assert _canon(got.statements) == _canon(tuple(expected))
    zlib = next(s for s in got.statements if s.product.bom_ref == "zlib-1")
    assert zlib.justification is Justification.COMPONENT_NOT_PRESENT  # restored from detail
    assert zlib.detail == "inflateGetHeader is not linked."
    assert got.doc_id == sample_doc().doc_id and got.version == 2
    assert (got.product_name, got.product_version) == ("ACME IP-200", "4.2.0")
    assert got.publisher_namespace == "https://acme-medical.example"


def _openvex_product(p: VexProduct) -> VexProduct:
    # lossy: the product is named by its @id; name and version come back only from a purl
    ident = p.purl or p.cpe or p.key()
    if p.purl:
        return VexProduct(bom_ref=ident, name=p.name, version=p.version, purl=p.purl, cpe=p.cpe)
    return VexProduct(bom_ref=ident, cpe=p.cpe)


def test_openvex_roundtrip() -> None:
    got = read_vex(render_openvex(sample_doc()), source="x.openvex.json")
    # lossy: responses have no OpenVEX field
    expected = [replace(s, product=_openvex_product(s.product), responses=()) for s in statements()]
    assert _canon(got.statements) == _canon(tuple(expected))
    assert got.doc_id == sample_doc().doc_id and got.timestamp == T1


def test_openvex_folds_justification_on_roundtrip() -> None:
    st = replace(statements()[0], justification=Justification.PROTECTED_AT_PERIMETER)
    got = read_vex(render_openvex(sample_doc(statements=(st,))), source="x")
    assert got.statements[0].justification is Justification.PROTECTED_BY_MITIGATING_CONTROL


def _csaf_expected(s: VexStatement) -> VexStatement:
    p = s.product
    product = VexProduct(
        name=p.name, version=p.version, purl=p.purl, cpe=p.cpe, csaf_product_id=product_id(p)
    )
    # lossy: one time per document; detail and impact statement share the threat's details
    out = replace(s, product=product, timestamp=T1, last_updated=None)
    if s.status is VexStatus.NOT_AFFECTED:
        return replace(out, impact_statement=s.impact_statement or s.detail, detail="")
    if s.status is VexStatus.AFFECTED:
        return out
    return replace(out, action_statement="")


def test_csaf_roundtrip() -> None:
    got = read_vex(render_csaf_vex(sample_doc()), source="x.csaf.json")
    expected = tuple(_csaf_expected(s) for s in statements())
    assert _canon(got.statements) == _canon(expected)
    assert got.doc_id == sample_doc().doc_id and got.version == 2
    assert [r.number for r in got.revisions] == ["1", "2"]


def test_csaf_rollback_reads_back_as_update() -> None:
    st = replace(statements()[1], responses=(Response.ROLLBACK,))
    got = read_vex(render_csaf_vex(sample_doc(statements=(st,))), source="x")
    assert got.statements[0].responses == (Response.UPDATE,)
