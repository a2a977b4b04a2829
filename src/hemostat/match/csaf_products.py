"""Vendor advisories → a hospital's device models: which registered model (and release) each CSAF
advisory names as affected.

A model hits a product-tree leaf when its manufacturer names the leaf's vendor (or, as when a
brand changed hands — "Welch Allyn" products in a Hillrom advisory — leads the product name), its
name or model number names the product (``csaf_names``), and the release is within the leaf's
version. Never on the vendor alone. A leaf whose version cannot be read, or a model without
releases, still hits, with confidence low and the reason; a release outside every range does not.
Several leaves of one advisory that hit one release make one ``AdvisoryHit``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from hemostat.domain.advisory import AdvisoryHit, DeviceModel
from hemostat.domain.finding import Confidence
from hemostat.domain.vulnerability import CsafAdvisory
from hemostat.match.csaf_common import (
    ALL_VERSIONS,
    AffectedLeaf,
    VersionError,
    affected_leaves,
    in_range,
)
from hemostat.match.csaf_names import Fit, model_key, name_of, product_fit, vendor_fit, vendor_of

__all__ = ["affected_models"]

_RANK = {Confidence.HIGH: 0, Confidence.MEDIUM: 1, Confidence.LOW: 2}


@dataclass(frozen=True, slots=True)
class _Verdict:
    leaf: AffectedLeaf
    confidence: Confidence
    reason: str


def _worst(*confidences: Confidence) -> Confidence:
    return max(confidences, key=_RANK.__getitem__)


@lru_cache(maxsize=1 << 14)
def _vendor(manufacturer: str, vendor: str) -> tuple[Fit | None, frozenset[str]]:
    """How the manufacturer names the vendor (None: it does not), and the vendor words to
    ignore in product names."""
    maker, other = vendor_of(manufacturer), vendor_of(vendor)
    drop = frozenset(w for w in maker.words + other.words if len(w) > 1)
    drop |= maker.aliases | other.aliases
    return vendor_fit(manufacturer, vendor), drop


def _maker_fit(
    manufacturer: str, leaf: AffectedLeaf, product: str
) -> tuple[Fit, frozenset[str]] | None:
    """The vendor fit; failing that, the manufacturer's name leading the product name."""
    vendor = leaf.product.vendor or leaf.advisory.publisher  # full_product_names have no vendor
    fit, drop = _vendor(manufacturer, vendor)
    if fit is not None:
        if not leaf.product.vendor:
            fit = Fit(fit.confidence, f"vendor taken from the publisher '{vendor}'")
        return fit, drop
    maker = vendor_of(manufacturer)
    words = name_of(product).words
    if maker.words and words[: len(maker.words)] == maker.words and len(maker.joined) >= 3:
        reason = f"manufacturer '{manufacturer}' leads the product name; vendor '{vendor}'"
        return Fit(Confidence.MEDIUM, reason), drop
    return None


def _model_fit(model: DeviceModel, leaf: AffectedLeaf) -> Fit | None:
    product = leaf.product.product or leaf.product.name
    maker = _maker_fit(model.manufacturer, leaf, product)
    if maker is None:
        return None
    vendor, drop = maker
    fit = product_fit(
        name_of(model.name, drop), model_key(model.model_number), name_of(product, drop)
    )
    if fit is None:
        return None
    reasons = [r for r in (vendor.reason, f"product '{product}' by {fit.reason}") if r]
    return Fit(_worst(vendor.confidence, fit.confidence), "; ".join(reasons), fit.exact)


def _version(release: str | None, leaf: AffectedLeaf) -> tuple[Confidence, str] | None:
    """(confidence cap, reason) when ``release`` is affected; None when it is not."""
    target, text = leaf.product.version, leaf.product.version_text
    if target == ALL_VERSIONS or not (target or text):
        return Confidence.HIGH, "all versions"
    if release is not None and _literal(release) == _literal(text):
        return Confidence.HIGH, f"release {release} is '{text}'"
    if not target:
        return Confidence.LOW, f"version not interpretable: {text}"
    if release is None:
        return Confidence.LOW, f"no release registered to compare with '{text}'"
    return _compare(release, target, text)


def _compare(release: str, target: str, text: str) -> tuple[Confidence, str] | None:
    try:
        if not in_range(target, release):
            return None
    except VersionError as err:
        return Confidence.LOW, f"release '{release}' not comparable with '{text}': {err}"
    return Confidence.HIGH, f"release {release} in '{text}'"


def _literal(version: str) -> str:
    return " ".join(version.lower().split())


def _verdicts(release: str | None, fits: Sequence[tuple[AffectedLeaf, Fit]]) -> list[_Verdict]:
    out = []
    for leaf, fit in fits:
        version = _version(release, leaf)
        if version is not None:
            confidence = _worst(fit.confidence, version[0])
            out.append(_Verdict(leaf, confidence, f"{fit.reason}; {version[1]}"))
    return out


def _hit(model: DeviceModel, release: str | None, verdicts: list[_Verdict]) -> AdvisoryHit:
    best = min(verdicts, key=lambda v: _RANK[v.confidence])
    leaves = [v.leaf for v in verdicts]
    scores = [s for leaf in leaves if (s := leaf.max_cvss()) is not None]
    remediations = {(r.category, r.details, r.url): r for x in leaves for r in x.remediations()}
    product = best.leaf.product
    return AdvisoryHit(
        advisory=best.leaf.advisory.id,
        title=best.leaf.advisory.title,
        product=model.key,
        release=release,
        csaf_product_id=product.product_id,
        csaf_product_name=product.name,
        version_text=product.version_text,
        status=best.leaf.status,
        vulnerabilities=tuple(dict.fromkeys(i for x in leaves for i in x.vulnerability_ids())),
        max_cvss=max(scores, default=None),
        remediations=tuple(remediations.values()),
        confidence=best.confidence,
        reason=best.reason,
    )


def _model_hits(model: DeviceModel, leaves: Sequence[AffectedLeaf]) -> list[AdvisoryHit]:
    by_advisory: dict[str, list[tuple[AffectedLeaf, Fit]]] = defaultdict(list)
    for leaf in leaves:
        if (fit := _model_fit(model, leaf)) is not None:
            by_advisory[leaf.advisory.id].append((leaf, fit))
    releases: tuple[str | None, ...] = model.releases or (None,)
    hits = []
    for found in by_advisory.values():
        # the leaves naming the model itself, when there are any ("Alaris Gateway Workstation"
        # rather than "Alaris Gateway Workstation Alaris GS" in ICSMA-19-164-01)
        fits = [(leaf, fit) for leaf, fit in found if fit.exact] or found
        for release in releases:
            if verdicts := _verdicts(release, fits):
                hits.append(_hit(model, release, verdicts))
    return hits


def affected_models(
    models: Sequence[DeviceModel], advisories: Iterable[CsafAdvisory]
) -> tuple[AdvisoryHit, ...]:
    """Every (advisory, model, release) the advisories name as affected, sorted by model,
    release and advisory."""
    leaves = [leaf for advisory in advisories for leaf in affected_leaves(advisory)]
    hits = [hit for model in models for hit in _model_hits(model, leaves)]
    return tuple(sorted(hits, key=lambda h: (h.product, h.release or "", h.advisory)))
