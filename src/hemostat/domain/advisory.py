"""Vendor advisories (CSAF) against a hospital's or a manufacturer's device models: which
registered model, in which release, a vendor advisory names as affected, and how sure we are."""

from __future__ import annotations

from dataclasses import dataclass

from hemostat.domain.finding import Confidence
from hemostat.domain.vulnerability import CsafRemediation

__all__ = ["AFFECTED_STATUSES", "AdvisoryHit", "DeviceModel"]

# CSAF product_status categories that mean "this product is affected" (CSAF 2.0 §3.2.3.9).
AFFECTED_STATUSES = ("known_affected", "first_affected", "last_affected")


@dataclass(frozen=True, slots=True)
class DeviceModel:
    """A registered device model (a product of the catalog) and its release versions."""

    key: str
    manufacturer: str
    name: str
    model_number: str | None = None
    releases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AdvisoryHit:
    """One advisory naming one device model (in one release, or any when none is registered).

    ``csaf_product_*`` and ``version_text`` cite the product-tree leaf that hit, as the vendor
    wrote it; ``reason`` says why it matched and anything that lowered the confidence.
    """

    advisory: str  # /document/tracking/id, e.g. ICSMA-20-170-06
    title: str
    product: str  # DeviceModel.key
    release: str | None
    csaf_product_id: str
    csaf_product_name: str
    version_text: str
    status: str  # known_affected | first_affected | last_affected
    vulnerabilities: tuple[str, ...]  # CVE ids (other ids when a vulnerability has no CVE)
    max_cvss: float | None
    remediations: tuple[CsafRemediation, ...]
    confidence: Confidence
    reason: str
