"""CSAF 2.0 (csaf_vex, or any CSAF document with product_status) -> ``VexDocument``.

Per vulnerability and product: the product_status group gives the status; flags give the
justification of known_not_affected; threats of category ``impact`` give the impact statement
(not_affected) or the detail (others); remediations of known_affected give responses and the
action statement. Product ids resolve through the product tree to name, version, purl and CPE.
Lossy (documented): statement times are the document's current_release_date; ``mitigation``
reads as workaround_available, ``vendor_fix`` as update; folded justifications come back as one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hemostat.domain.assessment import Justification, Response, VexStatus
from hemostat.domain.vex import Revision, VexDocument, VexProduct, VexStatement
from hemostat.ingest.vex_common import FROM_OPENVEX, Where, arr, enum, obj, text, when
from hemostat.ingest.vex_csaf_tree import tree_groups, tree_products

STATUS: dict[str, VexStatus] = {
    "first_affected": VexStatus.AFFECTED,
    "known_affected": VexStatus.AFFECTED,
    "last_affected": VexStatus.AFFECTED,
    "known_not_affected": VexStatus.NOT_AFFECTED,
    "first_fixed": VexStatus.FIXED,
    "fixed": VexStatus.FIXED,
    "under_investigation": VexStatus.UNDER_INVESTIGATION,
}
RESPONSES: dict[str, Response] = {
    "vendor_fix": Response.UPDATE,
    "workaround": Response.WORKAROUND_AVAILABLE,
    "mitigation": Response.WORKAROUND_AVAILABLE,
    "no_fix_planned": Response.WILL_NOT_FIX,
    "none_available": Response.CAN_NOT_FIX,
}


def read_csaf_vex(doc: Mapping[str, Any], source: str) -> VexDocument:
    top = Where(source)
    document = obj(doc.get("document"), top.at("document"))
    tracking = obj(document.get("tracking"), top.at("document", "tracking"))
    publisher = obj(document.get("publisher"), top.at("document", "publisher"))
    stamp = when(tracking.get("current_release_date"), top.at("document", "tracking"))
    tree = obj(doc.get("product_tree") or {}, top.at("product_tree"))
    strict = document.get("category") == "csaf_vex"
    ctx = _Ctx(tree_products(tree), tree_groups(tree), stamp, strict)
    vulns = arr(doc.get("vulnerabilities"), top.at("vulnerabilities"))
    statements = tuple(
        st for i, v in enumerate(vulns) for st in ctx.statements(v, top.at("vulnerabilities", i))
    )
    major = str(tracking.get("version", "1")).partition(".")[0]
    return VexDocument(
        doc_id=text(tracking.get("id"), top.at("document", "tracking", "id"), required=True),
        author=str(publisher.get("name", "")),
        publisher_name=str(publisher.get("name", "")),
        publisher_namespace=str(publisher.get("namespace", "")),
        timestamp=stamp,
        product_name="",
        product_version="",
        statements=statements,
        version=int(major) if major.isdigit() else 1,
        title=str(document.get("title", "")),
        tracking_status=str(tracking.get("status", "final")),
        revisions=_revisions(tracking, top.at("document", "tracking", "revision_history")),
        source=source,
        format="csaf",
    )


def _revisions(tracking: Mapping[str, Any], where: Where) -> tuple[Revision, ...]:
    out = []
    for i, r in enumerate(arr(tracking.get("revision_history"), where)):
        item = obj(r, where.at(i))
        date = when(item.get("date"), where.at(i, "date"))
        out.append(Revision(str(item.get("number", "")), date, str(item.get("summary", ""))))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Facts:
    """What one CSAF vulnerability says, per product id."""

    names: list[str]
    flags: dict[str, list[str]]
    impacts: dict[str, list[str]]
    remediations: dict[str, list[tuple[str, str]]]


class _Ctx:
    def __init__(
        self,
        products: dict[str, VexProduct],
        groups: dict[str, tuple[str, ...]],
        stamp: datetime,
        strict: bool,
    ) -> None:
        self.products, self.groups, self.stamp = products, groups, stamp
        self.strict = strict  # csaf_vex: every known_not_affected needs a flag or impact

    def statements(self, raw: Any, where: Where) -> Iterator[VexStatement]:
        vuln = obj(raw, where)
        names = [str(vuln["cve"])] if isinstance(vuln.get("cve"), str) else []
        names += [str(obj(i, where).get("text", "")) for i in arr(vuln.get("ids"), where)]
        if not names:
            raise where.invalid("a vulnerability needs a cve or ids", hint="add cve or ids")
        facts = _Facts(
            names=names,
            flags=self._by_product(vuln.get("flags"), "label", where.at("flags")),
            impacts=self._by_product(
                [
                    t
                    for t in arr(vuln.get("threats"), where)
                    if obj(t, where).get("category") == "impact"
                ],
                "details",
                where.at("threats"),
            ),
            remediations=self._remediations(vuln.get("remediations"), where.at("remediations")),
        )
        status = obj(vuln.get("product_status") or {}, where.at("product_status"))
        for key, value in STATUS.items():
            for i, pid in enumerate(arr(status.get(key), where.at("product_status", key))):
                yield self._statement(facts, str(pid), value, where.at("product_status", key, i))

    def _statement(self, f: _Facts, pid: str, status: VexStatus, where: Where) -> VexStatement:
        product = self.products.get(pid) or VexProduct(csaf_product_id=pid)
        impact = "\n".join(f.impacts.get(pid, []))
        justification = None
        if status is VexStatus.NOT_AFFECTED and f.flags.get(pid):
            justification = enum(Justification, f.flags[pid][0], where, FROM_OPENVEX)
        unjustified = status is VexStatus.NOT_AFFECTED and justification is None and not impact
        if unjustified and not self.strict:  # an advisory, not a VEX: 6.1.27.9 does not apply
            impact, unjustified = "known_not_affected, no justification given in the CSAF", False
        if unjustified:
            raise where.invalid(
                f"known_not_affected product {pid} has neither a flag nor an impact threat",
                hint="CSAF 6.1.27.9: add a flag (justification label) or an impact statement",
            )
        rems = f.remediations.get(pid, []) if status is VexStatus.AFFECTED else []
        return VexStatement(
            vulnerability=f.names[0],
            product=product,
            status=status,
            timestamp=self.stamp,
            aliases=tuple(f.names[1:]),
            justification=justification,
            responses=tuple(sorted({RESPONSES[c] for c, _ in rems if c in RESPONSES})),
            detail="" if status is VexStatus.NOT_AFFECTED else impact,
            impact_statement=impact if status is VexStatus.NOT_AFFECTED else "",
            action_statement="\n".join(sorted({d for _, d in rems})),
        )

    def _members(self, item: Mapping[str, Any]) -> list[str]:
        ids = [str(p) for p in item.get("product_ids") or []]
        for gid in item.get("group_ids") or []:
            ids.extend(self.groups.get(str(gid), ()))
        return ids

    def _by_product(self, items: Any, key: str, where: Where) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for i, raw in enumerate(arr(items, where)):
            item = obj(raw, where.at(i))
            for pid in self._members(item):
                out.setdefault(pid, []).append(str(item.get(key, "")))
        return out

    def _remediations(self, items: Any, where: Where) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for i, raw in enumerate(arr(items, where)):
            item = obj(raw, where.at(i))
            for pid in self._members(item):
                cat = str(item.get("category", ""))
                out.setdefault(pid, []).append((cat, str(item.get("details", ""))))
        return out
