"""CSAF 2.0 product tree -> ``VexProduct`` per product id: name and version from the
product_name / product_version branches (else the full product name), purl and CPE from the
``product_identification_helper``; product groups resolved to their members."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hemostat.domain.vex import VexProduct


def tree_products(tree: Mapping[str, Any]) -> dict[str, VexProduct]:
    out: dict[str, VexProduct] = {}
    _branches(tree.get("branches"), {}, out)
    for fpn in _list(tree.get("full_product_names")):
        _add(fpn, {}, out)
    for rel in _list(tree.get("relationships")):
        if isinstance(rel, dict):
            _add(rel.get("full_product_name"), {}, out)
    return out


def tree_groups(tree: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for g in _list(tree.get("product_groups")):
        if isinstance(g, dict) and isinstance(g.get("group_id"), str):
            out[g["group_id"]] = tuple(str(p) for p in _list(g.get("product_ids")))
    return out


def _branches(branches: Any, ctx: dict[str, str], out: dict[str, VexProduct]) -> None:
    for b in _list(branches):
        if not isinstance(b, dict):
            continue
        here = dict(ctx)
        if b.get("category") in ("product_name", "product_version", "vendor"):
            here[str(b["category"])] = str(b.get("name", ""))
        _add(b.get("product"), here, out)
        _branches(b.get("branches"), here, out)


def _add(fpn: Any, ctx: dict[str, str], out: dict[str, VexProduct]) -> None:
    if not isinstance(fpn, dict) or not isinstance(fpn.get("product_id"), str):
        return
    helper = fpn.get("product_identification_helper")
    helper = helper if isinstance(helper, dict) else {}
    version = ctx.get("product_version", "")
    out[fpn["product_id"]] = VexProduct(
        name=ctx.get("product_name") or str(fpn.get("name", "")),
        version="" if version == "unspecified" else version,
        purl=str(helper.get("purl", "")),
        cpe=str(helper.get("cpe", "")),
        csaf_product_id=fpn["product_id"],
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
