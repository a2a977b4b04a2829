"""The CSAF 2.0 mandatory tests (§6.1) that matter for reading an advisory, run as warnings: an
advisory is never refused for them (real vendor CSAF often fails some). Implemented: 6.1.1 and
6.1.2 (product ids used but not defined / defined twice), 6.1.3 (circular relationship), 6.1.4
(product group ids), 6.1.27.1–6.1.27.11 (profile tests) and 6.1.31 (version range in a
product_version name, with the CSAF 2.0 text's patterns). The CVSS tests 6.1.8–6.1.10 are in
``csaf_scores``. Each warning starts with the test id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from hemostat.domain.csaf_rules import has_version_range
from hemostat.feeds.csaf_tree import ProductTree, arr, obj, text
from hemostat.feeds.csaf_versions import interpret, is_range

STATUS_CATEGORIES = (
    "first_affected",
    "first_fixed",
    "fixed",
    "known_affected",
    "known_not_affected",
    "last_affected",
    "recommended",
    "under_investigation",
)
_VEX_STATUSES = ("fixed", "known_affected", "known_not_affected", "under_investigation")
_MAX_POINTERS = 3


def run_checks(doc: Mapping[str, Any], tree: ProductTree) -> list[str]:
    return [
        *_missing_products(doc, tree),
        *_duplicate_products(tree),
        *_circular(doc),
        *_missing_groups(doc, tree),
        *_profile(doc, tree),
        *_version_ranges(tree),
    ]


def _pointers(where: list[str]) -> str:
    more = f" and {len(where) - _MAX_POINTERS} more" if len(where) > _MAX_POINTERS else ""
    return ", ".join(where[:_MAX_POINTERS]) + more


def product_refs(doc: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Every (product id, JSON pointer) the document refers to (CSAF 2.0 §6.1.1 paths)."""
    tree = obj(doc.get("product_tree"))
    for g, group in enumerate(arr(tree.get("product_groups"))):
        yield from _ids(obj(group).get("product_ids"), f"/product_tree/product_groups/{g}")
    for r, rel in enumerate(arr(tree.get("relationships"))):
        for key in ("product_reference", "relates_to_product_reference"):
            if value := text(obj(rel).get(key)):
                yield value, f"/product_tree/relationships/{r}/{key}"
    for r, path in enumerate(arr(tree.get("product_paths"))):  # CSAF 2.1
        if value := text(obj(path).get("beginning_product_reference")):
            yield value, f"/product_tree/product_paths/{r}/beginning_product_reference"
        for s, sub in enumerate(arr(obj(path).get("subpaths"))):
            if value := text(obj(sub).get("next_product_reference")):
                yield value, f"/product_tree/product_paths/{r}/subpaths/{s}/next_product_reference"
    for v, vuln in enumerate(arr(doc.get("vulnerabilities"))):
        base = f"/vulnerabilities/{v}"
        status = obj(obj(vuln).get("product_status"))
        for category in STATUS_CATEGORIES:
            yield from _ids(status.get(category), f"{base}/product_status/{category}", "")
        for key, field in (("flags", "product_ids"), ("remediations", "product_ids"),
                           ("threats", "product_ids"), ("scores", "products")):  # fmt: skip
            for i, item in enumerate(arr(obj(vuln).get(key))):
                yield from _ids(obj(item).get(field), f"{base}/{key}/{i}", field)


def _ids(values: object, pointer: str, field: str = "product_ids") -> Iterator[tuple[str, str]]:
    prefix = f"{pointer}/{field}" if field else pointer
    for i, value in enumerate(arr(values)):
        if text(value):
            yield text(value), f"{prefix}/{i}"


def _missing_products(doc: Mapping[str, Any], tree: ProductTree) -> Iterator[str]:
    defined = {product_id for product_id, _ in tree.definitions}
    missing: dict[str, list[str]] = defaultdict(list)
    for product_id, pointer in product_refs(doc):
        if product_id not in defined:
            missing[product_id].append(pointer)
    for product_id, where in missing.items():
        yield f"6.1.1: product id {product_id!r} is used but never defined ({_pointers(where)})"


def _duplicate_products(tree: ProductTree) -> Iterator[str]:
    places: dict[str, list[str]] = defaultdict(list)
    for product_id, pointer in tree.definitions:
        places[product_id].append(pointer)
    for product_id, where in places.items():
        if len(where) > 1:
            yield (
                f"6.1.2: product id {product_id!r} is defined {len(where)} times "
                f"({_pointers(where)})"
            )


def _circular(doc: Mapping[str, Any]) -> Iterator[str]:
    for r, rel in enumerate(arr(obj(doc.get("product_tree")).get("relationships"))):
        own = text(obj(obj(rel).get("full_product_name")).get("product_id"))
        refs = {
            text(obj(rel).get(k)) for k in ("product_reference", "relates_to_product_reference")
        }
        if own and own in refs:
            yield f"6.1.3: /product_tree/relationships/{r} refers to its own product id {own!r}"


def group_refs(doc: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for v, vuln in enumerate(arr(doc.get("vulnerabilities"))):
        for key in ("flags", "remediations", "threats"):
            for i, item in enumerate(arr(obj(vuln).get(key))):
                yield from _ids(
                    obj(item).get("group_ids"), f"/vulnerabilities/{v}/{key}/{i}", "group_ids"
                )


def _missing_groups(doc: Mapping[str, Any], tree: ProductTree) -> Iterator[str]:
    for group_id, pointer in group_refs(doc):
        if group_id not in tree.groups:
            yield f"6.1.4: product group id {group_id!r} is used but never defined ({pointer})"


def _profile(doc: Mapping[str, Any], tree: ProductTree) -> Iterator[str]:
    """CSAF 2.0 §6.1.27: what each document category (profile) requires."""
    category = text(obj(doc.get("document")).get("category"))
    vulns = [obj(v) for v in arr(doc.get("vulnerabilities"))]
    if category in ("csaf_informational_advisory", "csaf_security_incident_response"):
        yield from _informational_profile(doc, category)
    if category in ("csaf_security_advisory", "csaf_vex"):
        if "product_tree" not in doc:
            yield "6.1.27.4: /product_tree is missing"
        if "vulnerabilities" not in doc:
            yield "6.1.27.11: /vulnerabilities is missing"
        yield from (
            f"6.1.27.5: /vulnerabilities/{v} has no notes"
            for v, vuln in enumerate(vulns)
            if "notes" not in vuln
        )
    if category == "csaf_security_advisory":
        yield from (
            f"6.1.27.6: /vulnerabilities/{v} has no product_status"
            for v, vuln in enumerate(vulns)
            if "product_status" not in vuln
        )
    if category == "csaf_vex":
        yield from _vex_profile(vulns, tree)


def _informational_profile(doc: Mapping[str, Any], category: str) -> Iterator[str]:
    document = obj(doc.get("document"))
    notes = {text(obj(n).get("category")) for n in arr(document.get("notes"))}
    if notes.isdisjoint({"description", "details", "general", "summary"}):
        yield "6.1.27.1: /document/notes has no description, details, general or summary note"
    refs = {text(obj(r).get("category")) for r in arr(document.get("references"))}
    if "external" not in refs:
        yield "6.1.27.2: /document/references has no external reference"
    if category == "csaf_informational_advisory" and "vulnerabilities" in doc:
        yield "6.1.27.3: an informational advisory has /vulnerabilities"


def _vex_profile(vulns: list[Mapping[str, Any]], tree: ProductTree) -> Iterator[str]:
    for v, vuln in enumerate(vulns):
        status = obj(vuln.get("product_status"))
        if not any(arr(status.get(s)) for s in _VEX_STATUSES):
            yield f"6.1.27.7: /vulnerabilities/{v}/product_status has no VEX status"
        if "cve" not in vuln and "ids" not in vuln:
            yield f"6.1.27.8: /vulnerabilities/{v} has neither cve nor ids"
        impact = _covered(vuln.get("flags"), tree) | _covered(
            [t for t in arr(vuln.get("threats")) if text(obj(t).get("category")) == "impact"], tree
        )
        for product_id in _texts(status.get("known_not_affected")):
            if product_id not in impact:
                yield f"6.1.27.9: /vulnerabilities/{v}: no impact statement for {product_id!r}"
        actions = _covered(vuln.get("remediations"), tree)
        for product_id in _texts(status.get("known_affected")):
            if product_id not in actions:
                yield f"6.1.27.10: /vulnerabilities/{v}: no action statement for {product_id!r}"


def _covered(items: object, tree: ProductTree) -> set[str]:
    """Product ids an item list names directly or through product groups."""
    out: set[str] = set()
    for item in arr(items):
        out.update(_texts(obj(item).get("product_ids")))
        for group_id in _texts(obj(item).get("group_ids")):
            out.update(tree.groups.get(group_id, ()))
    return out


def _texts(values: object) -> Iterator[str]:
    return (text(v) for v in arr(values) if text(v))


def _version_ranges(tree: ProductTree) -> Iterator[str]:
    """6.1.31 per branch; then one note per distinct version name read as a range although it
    sits in a product_version, or not readable at all (the matcher falls back on names)."""
    notes: dict[str, int] = defaultdict(int)
    for pointer, category, name in tree.versions:
        reading = interpret(name)
        if category == "product_version" and has_version_range(name):
            read_as = f"read as {reading!r}" if reading else "not readable"
            yield f"6.1.31: {pointer}/name: version range in product_version {name!r} ({read_as})"
        elif not reading:
            notes[f"version: {category} {name!r} is not a version or range Hemostat can read"] += 1
        elif category == "product_version" and is_range(reading):
            notes[f"version: product_version {name!r} read as the range {reading!r}"] += 1
    for note, count in notes.items():
        yield note + (f" ({count} branches)" if count > 1 else "")
