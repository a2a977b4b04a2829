"""CSAF 2.0 ``csaf_security_advisory`` for a chosen set of vulnerabilities: the VEX content
(product_status, flags, remediations, threats) of those vulnerabilities plus their CVSS v3
``scores`` for the affected products and the first of its CWEs that MITRE's CWE list names (as
CSAF 2.0 ``cwe``, checked by §6.1.11). Deterministic: sorted, no clock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from hemostat.domain.assessment import VexStatus
from hemostat.domain.vex import VexDocument, VexStatement
from hemostat.domain.vulnerability import CvssScore
from hemostat.errors import UsageError
from hemostat.report.csaf_checks_meta import cwe_names
from hemostat.report.csaf_tree import grouped, header, product_id, product_tree
from hemostat.report.vex_common import Doc, checked, dumps, products
from hemostat.report.vex_csaf import vulnerability

_SCORED = (VexStatus.AFFECTED, VexStatus.UNDER_INVESTIGATION)


def render_advisory(
    doc: VexDocument,
    vulnerabilities: Iterable[str],
    scores: Mapping[str, Sequence[CvssScore]] | None = None,
    cwes: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    return dumps(build(doc, vulnerabilities, scores or {}, cwes or {}))


def build(
    doc: VexDocument,
    vulnerabilities: Iterable[str],
    scores: Mapping[str, Sequence[CvssScore]],
    cwes: Mapping[str, Sequence[str]] | None = None,
) -> Doc:
    wanted = set(vulnerabilities)
    chosen = tuple(st for st in checked(doc) if st.vulnerability in wanted)
    missing = wanted - {st.vulnerability for st in chosen}
    if missing or not wanted:
        raise UsageError(
            f"no statement for vulnerabilities: {', '.join(sorted(missing)) or '(none chosen)'}",
            hint="choose vulnerabilities that have a recorded decision for this release",
        )
    title = f"Security advisory for {doc.product_name} {doc.product_version}".strip()
    head = header(doc, "csaf_security_advisory", title)
    head["notes"] = [{"category": "summary", "text": _summary(sorted(wanted))}]
    return {
        "document": head,
        "product_tree": product_tree(doc.publisher_name, products(chosen)),
        "vulnerabilities": [
            _with_cwe(
                _with_scores(vulnerability(v, sts), sts, scores.get(v, ())), (cwes or {}).get(v, ())
            )
            for v, sts in grouped(chosen)
        ],
    }


def _with_cwe(vuln: Doc, cwes: Sequence[str]) -> Doc:
    _, names = cwe_names()
    for cwe in cwes:
        number = cwe.upper().removeprefix("CWE-")
        if number.isdigit() and int(number) in names:
            vuln["cwe"] = {"id": f"CWE-{int(number)}", "name": names[int(number)][0]}
            break
    return vuln


def _summary(vulns: list[str]) -> str:
    return "This advisory covers " + ", ".join(vulns) + "."


def _with_scores(vuln: Doc, sts: list[VexStatement], scores: Sequence[CvssScore]) -> Doc:
    ids = sorted({product_id(st.product) for st in sts if st.status in _SCORED})
    v3 = sorted(
        {s.version: s for s in scores if s.version in ("3.0", "3.1")}.values(),
        key=lambda s: s.version,
    )
    if ids and v3:
        # one score per CVSS version per product (CSAF 6.1.7): the newest given per version
        vuln["scores"] = [{"cvss_v3": _cvss(s), "products": ids} for s in v3]
    return vuln


def _cvss(s: CvssScore) -> Doc:
    return {
        "version": s.version,
        "vectorString": s.vector,
        "baseScore": s.base_score,
        "baseSeverity": s.severity.upper(),
    }
