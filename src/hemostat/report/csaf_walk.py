"""Where product and group ids are defined and referenced in a CSAF 2.0 document (§3.1.8,
§3.2.3), for the mandatory tests in ``csaf_checks``. Paths are JSON pointers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One failed CSAF 2.0 mandatory test: its id (``6.1.1``), where, and what."""

    test: str
    path: str
    message: str


STATUS_KEYS = (
    "first_affected",
    "first_fixed",
    "fixed",
    "known_affected",
    "known_not_affected",
    "last_affected",
    "recommended",
    "under_investigation",
)


def full_product_names(doc: Doc) -> Iterator[tuple[Doc, str]]:
    """(full_product_name, path) of every product defined in the product tree."""
    tree = _obj(doc.get("product_tree"))
    for i, fpn in enumerate(_list(tree.get("full_product_names"))):
        yield _obj(fpn), f"/product_tree/full_product_names/{i}"
    yield from _branch_products(_list(tree.get("branches")), "/product_tree/branches")
    for i, rel in enumerate(_list(tree.get("relationships"))):
        path = f"/product_tree/relationships/{i}/full_product_name"
        yield _obj(_obj(rel).get("full_product_name")), path


def product_definitions(doc: Doc) -> Iterator[tuple[str, str]]:
    """(product_id, path) of every full_product_name in the product tree."""
    for fpn, path in full_product_names(doc):
        pid = fpn.get("product_id")
        if isinstance(pid, str):
            yield pid, path + "/product_id"


def group_definitions(doc: Doc) -> Iterator[tuple[str, str]]:
    groups = _list(_obj(doc.get("product_tree")).get("product_groups"))
    for i, g in enumerate(groups):
        gid = _obj(g).get("group_id")
        if isinstance(gid, str):
            yield gid, f"/product_tree/product_groups/{i}/group_id"


def product_references(doc: Doc) -> Iterator[tuple[str, str]]:
    """(product_id, path) of every place a product id is used (§6.1.1 list)."""
    tree = _obj(doc.get("product_tree"))
    for i, g in enumerate(_list(tree.get("product_groups"))):
        yield from _ids(_obj(g).get("product_ids"), f"/product_tree/product_groups/{i}/product_ids")
    for i, rel in enumerate(_list(tree.get("relationships"))):
        for key in ("product_reference", "relates_to_product_reference"):
            value = _obj(rel).get(key)
            if isinstance(value, str):
                yield value, f"/product_tree/relationships/{i}/{key}"
    for v, vuln in enumerate(_list(doc.get("vulnerabilities"))):
        yield from vulnerability_products(_obj(vuln), f"/vulnerabilities/{v}")


def vulnerability_products(vuln: Doc, base: str) -> Iterator[tuple[str, str]]:
    status = _obj(vuln.get("product_status"))
    for key in STATUS_KEYS:
        yield from _ids(status.get(key), f"{base}/product_status/{key}")
    for part, key in (
        ("remediations", "product_ids"),
        ("scores", "products"),
        ("threats", "product_ids"),
        ("flags", "product_ids"),
    ):
        for i, item in enumerate(_list(vuln.get(part))):
            yield from _ids(_obj(item).get(key), f"{base}/{part}/{i}/{key}")


def group_references(doc: Doc) -> Iterator[tuple[str, str]]:
    for v, vuln in enumerate(_list(doc.get("vulnerabilities"))):
        for part in ("remediations", "threats", "flags"):
            for i, item in enumerate(_list(_obj(vuln).get(part))):
                path = f"/vulnerabilities/{v}/{part}/{i}/group_ids"
                yield from _ids(_obj(item).get("group_ids"), path)


def group_members(doc: Doc) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for g in _list(_obj(doc.get("product_tree")).get("product_groups")):
        gid = _obj(g).get("group_id")
        if isinstance(gid, str):
            out.setdefault(gid, set()).update(i for i, _ in _ids(_obj(g).get("product_ids"), ""))
    return out


def _branch_products(branches: list[Any], base: str) -> Iterator[tuple[Doc, str]]:
    for i, b in enumerate(branches):
        path = f"{base}/{i}"
        if "product" in _obj(b):
            yield _obj(_obj(b).get("product")), path + "/product"
        yield from _branch_products(_list(_obj(b).get("branches")), path + "/branches")


def _ids(value: Any, path: str) -> Iterator[tuple[str, str]]:
    for i, item in enumerate(_list(value)):
        if isinstance(item, str):
            yield item, f"{path}/{i}"


def _obj(value: Any) -> Doc:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


obj = _obj
lst = _list
