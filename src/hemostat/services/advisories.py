"""Which registered device models (and releases) the loaded vendor CSAF advisories name as
affected: the catalog's products as ``DeviceModel`` values against the feed store's advisories
(the bundled ICSMA set on a fresh, offline machine; more with ``feeds import``/``sync``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hemostat.domain.advisory import AdvisoryHit, DeviceModel
from hemostat.services import catalog

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hemostat.domain.vulnerability import CsafAdvisory

__all__ = ["advisories_for_products", "device_models"]


def device_models(session: Session, *, product: str | None = None) -> list[DeviceModel]:
    """The catalog's products (or one of them: unknown keys raise NotFoundError) with their
    release versions."""
    releases: dict[str, list[str]] = defaultdict(list)
    for r in catalog.list_releases(session, product=product):
        releases[r.product].append(r.version)
    return [
        DeviceModel(p.key, p.manufacturer, p.name, p.model_number, tuple(releases[p.key]))
        for p in catalog.list_products(session)
        if product is None or p.key == product
    ]


def advisories_for_products(
    session: Session,
    *,
    product: str | None = None,
    advisories: Sequence[CsafAdvisory] | None = None,
) -> list[AdvisoryHit]:
    """Every (advisory, device model, release) hit, sorted by model, release and advisory.

    ``advisories`` defaults to the feed store's (loading the bundled snapshot into an empty
    store first, as scans do)."""
    from hemostat.match.csaf_products import affected_models  # noqa: PLC0415 - version libraries

    models = device_models(session, product=product)
    if advisories is None:
        from hemostat.services.scan import session_intel  # noqa: PLC0415 - heavy

        advisories = session_intel(session).advisories
    return list(affected_models(models, advisories))
