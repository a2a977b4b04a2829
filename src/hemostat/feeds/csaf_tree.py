"""The CSAF product tree as flat ``CsafProduct`` values: branch leaves (vendor → product_name →
product_version / product_version_range, walked iteratively with a depth cap), full product
names, and relationships (``default_component_of`` etc.) as combined products. Wrong JSON types
never raise: they are skipped with a warning naming the JSON pointer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from hemostat.domain.cpe import CpeError, normalize_cpe
from hemostat.domain.purl import PurlError, normalize_purl
from hemostat.domain.vulnerability import CsafProduct
from hemostat.feeds.csaf_versions import interpret

MAX_DEPTH = (
    30  # CSAF 2.1 §6.1.34 caps branch recursion at 30; deeper is a DoS shape (RELIABILITY C1)
)
_VERSION_CATEGORIES = ("product_version", "product_version_range")


def obj(value: object) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one (wrong types read as absent)."""
    return value if isinstance(value, dict) else {}


def arr(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class _Context:
    vendor: str = ""
    product: str = ""
    family: str = ""
    version: str | None = None


@dataclass(slots=True)
class ProductTree:
    """What the tree defines: products by id (first definition wins), the JSON pointer of every
    definition (for CSAF test 6.1.2), product groups, and reading problems."""

    products: dict[str, CsafProduct] = field(default_factory=dict)
    definitions: list[tuple[str, str]] = field(default_factory=list)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    versions: list[tuple[str, str, str]] = field(default_factory=list)  # (pointer, category, name)
    warnings: list[str] = field(default_factory=list)

    def define(self, product: CsafProduct, pointer: str) -> None:
        self.definitions.append((product.product_id, pointer))
        self.products.setdefault(product.product_id, product)


def read_tree(doc: Mapping[str, Any]) -> ProductTree:
    tree = ProductTree()
    root = obj(doc.get("product_tree"))
    _branches(root.get("branches"), tree)
    for i, fpn in enumerate(arr(root.get("full_product_names"))):
        pointer = f"/product_tree/full_product_names/{i}"
        if (product := _product(fpn, _Context(), pointer, tree)) is not None:
            tree.define(replace(product, product=product.name), pointer)
    for i, rel in enumerate(arr(root.get("relationships"))):
        _relationship(obj(rel), f"/product_tree/relationships/{i}", tree)
    for i, path in enumerate(arr(root.get("product_paths"))):  # CSAF 2.1's relationships
        _relationship(as_relationship(obj(path)), f"/product_tree/product_paths/{i}", tree)
    for group in arr(root.get("product_groups")):
        group_id = text(obj(group).get("group_id"))
        ids = tuple(text(p) for p in arr(obj(group).get("product_ids")) if text(p))
        if group_id:
            tree.groups[group_id] = ids
    return tree


def _branches(top: object, tree: ProductTree) -> None:
    stack: list[tuple[object, str, _Context, int]] = [
        (b, f"/product_tree/branches/{i}", _Context(), 1) for i, b in enumerate(arr(top))
    ]
    stack.reverse()
    while stack:  # iterative: a hostile tree cannot exhaust the Python stack
        branch, pointer, ctx, depth = stack.pop()
        if not isinstance(branch, dict):
            tree.warnings.append(f"malformed: {pointer} is not an object (skipped)")
            continue
        if depth > MAX_DEPTH:
            tree.warnings.append(f"malformed: {pointer} nests deeper than {MAX_DEPTH} (skipped)")
            continue
        category, name = text(branch.get("category")), text(branch.get("name"))
        if category in _VERSION_CATEGORIES:
            tree.versions.append((pointer, category, name))
        ctx = _enter(ctx, category, name)
        if "product" in branch:
            product = _product(branch["product"], ctx, f"{pointer}/product", tree)
            if product is not None:
                tree.define(product, f"{pointer}/product")
        children = arr(branch.get("branches"))
        stack.extend(
            (child, f"{pointer}/branches/{i}", ctx, depth + 1)
            for i, child in reversed(list(enumerate(children)))
        )


def _enter(ctx: _Context, category: str, name: str) -> _Context:
    if category == "vendor":
        return replace(ctx, vendor=name)
    if category == "product_name":
        return replace(ctx, product=name)
    if category == "product_family":
        return replace(ctx, family=name)
    if category in _VERSION_CATEGORIES:
        return replace(ctx, version=name)
    return ctx


def _product(raw: object, ctx: _Context, pointer: str, tree: ProductTree) -> CsafProduct | None:
    fpn = obj(raw)
    product_id = text(fpn.get("product_id"))
    if not product_id:
        tree.warnings.append(f"malformed: {pointer} has no product_id (skipped)")
        return None
    helper = obj(fpn.get("product_identification_helper"))
    return CsafProduct(
        product_id=product_id,
        name=text(fpn.get("name")),
        vendor=ctx.vendor,
        product=ctx.product or ctx.family,
        version=interpret(ctx.version) if ctx.version is not None else "",
        cpe=_cpe(helper.get("cpe"), product_id, tree),
        purl=_purl(helper, product_id, tree),
        version_text=ctx.version or "",
    )


def _cpe(value: object, product_id: str, tree: ProductTree) -> str | None:
    if not text(value):
        return None
    try:
        return normalize_cpe(text(value))
    except CpeError as exc:
        tree.warnings.append(f"cpe: {product_id}: {exc} (ignored)")
        return None


def _purl(helper: Mapping[str, Any], product_id: str, tree: ProductTree) -> str | None:
    # CSAF 2.0 has one "purl"; CSAF 2.1 a "purls" list (the first one is kept).
    raw = text(helper.get("purl")) or next(iter(_texts(helper.get("purls"))), "")
    if not raw:
        return None
    try:
        return normalize_purl(raw)
    except PurlError as exc:
        tree.warnings.append(f"purl: {product_id}: {exc} (ignored)")
        return None


def _texts(value: object) -> Iterator[str]:
    return (text(v) for v in arr(value) if text(v))


def as_relationship(path: Mapping[str, Any]) -> Mapping[str, Any]:
    """A CSAF 2.1 product path read as a 2.0 relationship (its first and last products)."""
    last = obj((arr(path.get("subpaths")) or [{}])[-1])
    return {
        "category": last.get("category"),
        "full_product_name": path.get("full_product_name"),
        "product_reference": path.get("beginning_product_reference"),
        "relates_to_product_reference": last.get("next_product_reference"),
    }


def _relationship(rel: Mapping[str, Any], pointer: str, tree: ProductTree) -> None:
    """A relationship defines a combined product: the referenced component (its vendor, product
    and version) ``category`` the other product, e.g. "app 1.2 installed_on Windows 10"."""
    fpn_pointer = f"{pointer}/full_product_name"
    combined = _product(rel.get("full_product_name"), _Context(), fpn_pointer, tree)
    if combined is None:
        return
    ref = tree.products.get(text(rel.get("product_reference")))
    other = tree.products.get(text(rel.get("relates_to_product_reference")))
    other_name = other.name if other else text(rel.get("relates_to_product_reference"))
    if ref is not None:
        combined = replace(
            combined,
            name=combined.name or f"{ref.name} {text(rel.get('category'))} {other_name}",
            vendor=ref.vendor,
            product=ref.product,
            version=ref.version,
            version_text=ref.version_text,
            cpe=combined.cpe or ref.cpe or (other.cpe if other else None),
            purl=combined.purl or ref.purl,
        )
    tree.define(combined, fpn_pointer)
