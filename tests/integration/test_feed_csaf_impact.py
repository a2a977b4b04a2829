"""Importing a vendor CSAF advisory names the registered device models it hits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hemostat.config import Settings
from hemostat.services import catalog, feeds
from hemostat.services.uow import unit_of_work


def test_csaf_import_reports_the_device_models_it_names(
    settings: Settings, shared_data: Callable[[str], Path]
) -> None:
    advisory = shared_data("csaf-cisa-icsma-2017-2021") / "2020" / "icsma-20-170-06.json"
    with unit_of_work(settings) as s:
        catalog.add_product(
            s,
            key="bd-alaris-pcu",
            name="BD Alaris PC Unit",
            manufacturer="BD",
            model_number="8015",
        )
        catalog.add_release(s, product="bd-alaris-pcu", version="9.19")
        catalog.add_release(s, product="bd-alaris-pcu", version="12.3")
        catalog.add_product(
            s, key="other-pump", name="Hemoflow LVP-300", manufacturer="Hemoflow Medical"
        )
    with unit_of_work(settings) as s:
        report = feeds.import_path(s, path=advisory)
    hits = {(h.advisory, h.product, h.release) for h in report.device_models}
    assert ("ICSMA-20-170-06", "bd-alaris-pcu", "9.19") in hits
    assert all(h.product != "other-pump" for h in report.device_models)
    assert not any(h.release == "12.3" for h in report.device_models)  # not in the named versions
