"""CSAF ``/vulnerabilities[]`` as ``CsafVulnerability`` values: CVE and other ids, title, product
status per category, CVSS scores, CWEs (2.0 ``cwe`` object or 2.1 ``cwes`` list), remediations
with product groups expanded into product ids, and the exploit_status threats."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hemostat.domain.vulnerability import CsafRemediation, CsafVulnerability
from hemostat.feeds.csaf_checks import STATUS_CATEGORIES
from hemostat.feeds.csaf_scores import read_scores
from hemostat.feeds.csaf_tree import ProductTree, arr, obj, text

CVE_RE = re.compile(r"CVE-\d{4}-\d{4,19}")
CWE_RE = re.compile(r"CWE-\d+")
_STATUSES_21 = (*STATUS_CATEGORIES, "unknown")  # CSAF 2.1 adds "unknown"


def read_vulnerabilities(
    doc: Mapping[str, Any], tree: ProductTree, scorer: str
) -> tuple[tuple[CsafVulnerability, ...], list[str]]:
    vulns: list[CsafVulnerability] = []
    warnings: list[str] = []
    for v, raw in enumerate(arr(doc.get("vulnerabilities"))):
        pointer = f"/vulnerabilities/{v}"
        if not isinstance(raw, dict):
            warnings.append(f"malformed: {pointer} is not an object (skipped)")
            continue
        cvss, score_warnings = read_scores(raw, pointer, scorer)
        warnings.extend(score_warnings)
        cve = text(raw.get("cve")) or None
        if cve is not None and not CVE_RE.fullmatch(cve):
            warnings.append(f"malformed: {pointer}/cve {cve!r} is not a CVE id (kept as an id)")
        vulns.append(
            CsafVulnerability(
                cve=cve if cve and CVE_RE.fullmatch(cve) else None,
                ids=_ids(raw, cve),
                title=text(raw.get("title")),
                product_status=_status(raw),
                cvss=cvss,
                cwes=_cwes(raw),
                remediations=tuple(_remediations(raw, tree)),
                exploit_status=_exploit_status(raw),
            )
        )
    return tuple(vulns), warnings


def _ids(raw: Mapping[str, Any], cve: str | None) -> tuple[str, ...]:
    """Other ids (``ids[].text``: a vendor's id, a GHSA ...); a malformed ``cve`` is kept here."""
    found = [text(obj(i).get("text")) for i in arr(raw.get("ids"))]
    if cve and not CVE_RE.fullmatch(cve):
        found.insert(0, cve)
    return tuple(dict.fromkeys(i for i in found if i))


def _status(raw: Mapping[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    status = obj(raw.get("product_status"))
    out = []
    for category in _STATUSES_21:
        ids = tuple(dict.fromkeys(text(p) for p in arr(status.get(category)) if text(p)))
        if ids:
            out.append((category, ids))
    return tuple(out)


def _cwes(raw: Mapping[str, Any]) -> tuple[str, ...]:
    items = [raw.get("cwe"), *arr(raw.get("cwes"))]
    found = (text(obj(item).get("id")) for item in items)
    return tuple(dict.fromkeys(c for c in found if CWE_RE.fullmatch(c)))


def _exploit_status(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """CSAF threats of category exploit_status: what the vendor says about known exploits."""
    threats = (obj(t) for t in arr(raw.get("threats")))
    return tuple(text(t.get("details")) for t in threats if t.get("category") == "exploit_status")


def _remediations(raw: Mapping[str, Any], tree: ProductTree) -> list[CsafRemediation]:
    out = []
    for item in arr(raw.get("remediations")):
        rem = obj(item)
        ids = [text(p) for p in arr(rem.get("product_ids")) if text(p)]
        for group_id in arr(rem.get("group_ids")):
            ids.extend(tree.groups.get(text(group_id), ()))
        out.append(
            CsafRemediation(
                category=text(rem.get("category")),
                details=text(rem.get("details")),
                product_ids=tuple(dict.fromkeys(ids)),
                url=text(rem.get("url")) or None,
            )
        )
    return out
