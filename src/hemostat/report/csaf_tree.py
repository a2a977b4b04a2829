"""The CSAF 2.0 parts both CSAF writers share: document header and the product tree.

Products become branches vendor → product_name → product_version, each leaf with a
``product_identification_helper`` (purl, cpe). Product ids are the statement's CSAF id when it
has one, else derived from the product key (stable across runs).
"""

from __future__ import annotations

import hashlib
import re

from hemostat.domain.vex import VexDocument, VexProduct, VexStatement
from hemostat.report.vex_common import Doc, iso

CSAF_VERSION = "2.0"
_CVE = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,}$")


def product_id(p: VexProduct) -> str:
    if p.csaf_product_id:
        return p.csaf_product_id
    return "HSTPID-" + hashlib.sha256(p.key().encode()).hexdigest()[:12]


def header(doc: VexDocument, category: str, title: str) -> Doc:
    revisions = doc.revision_history()
    return {
        "category": category,
        "csaf_version": CSAF_VERSION,
        "publisher": {
            "category": "vendor",
            "name": doc.publisher_name,
            "namespace": doc.publisher_namespace,
        },
        "title": doc.title or title,
        "tracking": {
            "id": doc.doc_id,
            "status": doc.tracking_status,
            "version": revisions[-1].number,
            "initial_release_date": iso(revisions[0].date),
            "current_release_date": iso(max(doc.timestamp, revisions[-1].date)),
            "revision_history": [
                {"number": r.number, "date": iso(r.date), "summary": r.summary} for r in revisions
            ],
            "generator": {"engine": {"name": "hemostat"}},
        },
    }


def product_tree(vendor: str, prods: tuple[VexProduct, ...]) -> Doc:
    by_name: dict[str, list[VexProduct]] = {}
    for p in prods:
        by_name.setdefault(p.name or p.key(), []).append(p)
    branches = [_name_branch(name, by_name[name]) for name in sorted(by_name)]
    return {"branches": [{"category": "vendor", "name": vendor, "branches": branches}]}


def _name_branch(name: str, prods: list[VexProduct]) -> Doc:
    versions = [
        {"category": "product_version", "name": p.version or "unspecified", "product": _leaf(p)}
        for p in sorted(prods, key=lambda p: (p.version, p.key()))
    ]
    return {"category": "product_name", "name": name, "branches": versions}


def _leaf(p: VexProduct) -> Doc:
    full = f"{p.name or p.key()} {p.version}".strip()
    leaf: Doc = {"name": full, "product_id": product_id(p)}
    helper: Doc = {}
    if p.cpe:
        helper["cpe"] = p.cpe
    if p.purl:
        helper["purl"] = p.purl
    if helper:
        leaf["product_identification_helper"] = helper
    return leaf


def vuln_ids(vuln: str, aliases: tuple[str, ...]) -> Doc:
    """``cve`` for a CVE id (the first CVE alias otherwise), every other name in ``ids``."""
    names = [vuln, *sorted(set(aliases) - {vuln})]
    cve = next((n for n in names if _CVE.match(n)), None)
    out: Doc = {}
    if cve:
        out["cve"] = cve
    others = [n for n in names if n != cve]
    if others:
        out["ids"] = [{"system_name": _system(n), "text": n} for n in others]
    return out


def _system(name: str) -> str:
    return name.split("-", 1)[0] if "-" in name else "hemostat"


def grouped(statements: tuple[VexStatement, ...]) -> list[tuple[str, list[VexStatement]]]:
    groups: dict[str, list[VexStatement]] = {}
    for st in statements:
        groups.setdefault(st.vulnerability, []).append(st)
    return sorted(groups.items())
