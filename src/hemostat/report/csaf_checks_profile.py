"""CSAF 2.0 §6.1.27 profile tests (informational advisory, incident response, security
advisory, VEX)."""

from __future__ import annotations

from collections.abc import Iterator

from hemostat.report.csaf_walk import Doc, Finding, group_members, lst, obj

_NOTES_REFS = ("csaf_informational_advisory", "csaf_security_incident_response")
_ADVISORY_VEX = ("csaf_security_advisory", "csaf_vex")
_NOTE_CATS = {"description", "details", "general", "summary"}
_VEX_STATUS = ("fixed", "known_affected", "known_not_affected", "under_investigation")


def check_profile(doc: Doc) -> Iterator[Finding]:
    document = obj(doc.get("document"))
    category = document.get("category")
    if category in _NOTES_REFS:
        if not any(obj(n).get("category") in _NOTE_CATS for n in lst(document.get("notes"))):
            yield Finding("6.1.27.1", "/document/notes", "needs a description/details/... note")
        if not any(obj(r).get("category") == "external" for r in lst(document.get("references"))):
            yield Finding("6.1.27.2", "/document/references", "needs an external reference")
    if category == "csaf_informational_advisory" and "vulnerabilities" in doc:
        yield Finding("6.1.27.3", "/vulnerabilities", "informational advisory has vulnerabilities")
    if category not in _ADVISORY_VEX:
        return
    if "product_tree" not in doc:
        yield Finding("6.1.27.4", "/product_tree", f"{category} needs a product tree")
    if "vulnerabilities" not in doc:
        yield Finding("6.1.27.11", "/vulnerabilities", f"{category} needs vulnerabilities")
    for v, vuln in enumerate(lst(doc.get("vulnerabilities"))):
        base = f"/vulnerabilities/{v}"
        if "notes" not in obj(vuln):
            yield Finding("6.1.27.5", base + "/notes", "vulnerability needs notes")
        if "product_status" not in obj(vuln):
            yield Finding("6.1.27.6", base + "/product_status", "vulnerability needs a status")
        if category == "csaf_vex":
            yield from _vex(doc, obj(vuln), base)


def _vex(doc: Doc, vuln: Doc, base: str) -> Iterator[Finding]:
    status = obj(vuln.get("product_status"))
    if "product_status" in vuln and not any(k in status for k in _VEX_STATUS):
        yield Finding("6.1.27.7", base + "/product_status", "needs a VEX status")
    if "cve" not in vuln and "ids" not in vuln:
        yield Finding("6.1.27.8", base, "needs cve or ids")
    members = group_members(doc)
    covered = _covered(vuln.get("flags"), members) | _covered(
        [t for t in lst(vuln.get("threats")) if obj(t).get("category") == "impact"], members
    )
    for i, pid in enumerate(lst(status.get("known_not_affected"))):
        if pid not in covered:
            path = f"{base}/product_status/known_not_affected/{i}"
            yield Finding("6.1.27.9", path, f"{pid} needs a flag or impact statement")
    remediated = _covered(vuln.get("remediations"), members)
    for i, pid in enumerate(lst(status.get("known_affected"))):
        if pid not in remediated:
            path = f"{base}/product_status/known_affected/{i}"
            yield Finding("6.1.27.10", path, f"{pid} needs a remediation (action statement)")


def _covered(items: object, members: dict[str, set[str]]) -> set[str]:
    out: set[str] = set()
    for item in lst(items):
        out.update(str(p) for p in lst(obj(item).get("product_ids")))
        for gid in lst(obj(item).get("group_ids")):
            out.update(members.get(str(gid), set()))
    return out
