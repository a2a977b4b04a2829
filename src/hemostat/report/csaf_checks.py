"""CSAF 2.0 §6.1 mandatory tests: ``check_csaf(doc)`` returns every finding, each naming its test
id and JSON pointer. All of 6.1.1-6.1.33 are implemented (6.1.27 as its eleven sub-tests).
Hand-written: no maintained Python library implements them as a callable API (the
PyPI ``csaf`` package is used in the tests as a second opinion)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from hemostat.domain.purl import PurlError, normalize_purl
from hemostat.report.csaf_checks_cvss import check_scores
from hemostat.report.csaf_checks_meta import check_meta
from hemostat.report.csaf_checks_profile import check_profile
from hemostat.report.csaf_checks_tracking import check_tracking
from hemostat.report.csaf_checks_tree import check_tree
from hemostat.report.csaf_walk import (
    Doc,
    Finding,
    full_product_names,
    group_definitions,
    group_references,
    lst,
    obj,
    product_definitions,
    product_references,
)

__all__ = ["Finding", "check_csaf"]
_GROUPS = {
    "first_affected": "affected",
    "known_affected": "affected",
    "last_affected": "affected",
    "known_not_affected": "not_affected",
    "first_fixed": "fixed",
    "fixed": "fixed",
    "under_investigation": "under_investigation",
}


def check_csaf(doc: Any) -> tuple[Finding, ...]:
    if not isinstance(doc, dict):
        return (Finding("schema", "", "a CSAF document is a JSON object"),)
    found: list[Finding] = []
    for check in (
        _product_ids,
        _group_ids,
        _circular,
        _contradicting,
        check_scores,
        _purls,
        check_tracking,
        _cves,
        check_profile,
        _without_products,
        check_meta,
        check_tree,
    ):
        found.extend(check(doc))
    return tuple(sorted(set(found)))


def _product_ids(doc: Doc) -> Iterator[Finding]:
    defined = Counter(pid for pid, _ in product_definitions(doc))
    for pid, path in product_definitions(doc):
        if defined[pid] > 1:
            yield Finding("6.1.2", path, f"product id {pid} is defined {defined[pid]} times")
    for pid, path in product_references(doc):
        if pid not in defined:
            yield Finding("6.1.1", path, f"product id {pid} is not defined")


def _group_ids(doc: Doc) -> Iterator[Finding]:
    defined = Counter(gid for gid, _ in group_definitions(doc))
    for gid, path in group_definitions(doc):
        if defined[gid] > 1:
            yield Finding("6.1.5", path, f"group id {gid} is defined {defined[gid]} times")
    for gid, path in group_references(doc):
        if gid not in defined:
            yield Finding("6.1.4", path, f"group id {gid} is not defined")


def _circular(doc: Doc) -> Iterator[Finding]:
    edges: dict[str, set[str]] = {}
    rels = lst(obj(doc.get("product_tree")).get("relationships"))
    for rel in rels:
        pid = obj(obj(rel).get("full_product_name")).get("product_id")
        refs = {obj(rel).get("product_reference"), obj(rel).get("relates_to_product_reference")}
        if isinstance(pid, str):
            edges.setdefault(pid, set()).update(r for r in refs if isinstance(r, str))
    for i, rel in enumerate(rels):
        pid = obj(obj(rel).get("full_product_name")).get("product_id")
        if isinstance(pid, str) and _reaches(edges, pid):
            path = f"/product_tree/relationships/{i}/full_product_name/product_id"
            yield Finding("6.1.3", path, f"product id {pid} is defined in terms of itself")


def _reaches(edges: dict[str, set[str]], start: str) -> bool:
    stack, seen = list(edges.get(start, ())), set()
    while stack:
        node = stack.pop()
        if node == start:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return False


def _contradicting(doc: Doc) -> Iterator[Finding]:
    for v, vuln in enumerate(lst(doc.get("vulnerabilities"))):
        groups: dict[str, set[str]] = {}
        for key, group in _GROUPS.items():
            for pid in lst(obj(obj(vuln).get("product_status")).get(key)):
                groups.setdefault(str(pid), set()).add(group)
        for pid, names in sorted(groups.items()):
            if len(names) > 1:
                msg = f"{pid} is in contradicting groups {sorted(names)}"
                yield Finding("6.1.6", f"/vulnerabilities/{v}/product_status", msg)


def _purls(doc: Doc) -> Iterator[Finding]:
    for fpn, fpn_path in full_product_names(doc):
        purl = obj(fpn.get("product_identification_helper")).get("purl")
        if isinstance(purl, str):
            try:
                normalize_purl(purl)
            except PurlError as exc:
                yield Finding("6.1.13", f"{fpn_path}/product_identification_helper/purl", str(exc))


def _cves(doc: Doc) -> Iterator[Finding]:
    seen: set[str] = set()
    for v, vuln in enumerate(lst(doc.get("vulnerabilities"))):
        cve = obj(vuln).get("cve")
        if isinstance(cve, str):
            if cve in seen:
                yield Finding("6.1.23", f"/vulnerabilities/{v}/cve", f"{cve} used twice")
            seen.add(cve)


def _without_products(doc: Doc) -> Iterator[Finding]:
    for v, vuln in enumerate(lst(doc.get("vulnerabilities"))):
        for part, test in (("remediations", "6.1.29"), ("flags", "6.1.32")):
            for i, item in enumerate(lst(obj(vuln).get(part))):
                if "product_ids" not in obj(item) and "group_ids" not in obj(item):
                    msg = f"{part[:-1]} names no product_ids or group_ids"
                    yield Finding(test, f"/vulnerabilities/{v}/{part}/{i}", msg)
