"""Device models against the real 2017–2021 CISA ICSMA advisories (CSAF 2.0, as CISA wrote them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from hemostat.domain.advisory import AdvisoryHit, DeviceModel
from hemostat.domain.finding import Confidence
from hemostat.domain.vulnerability import (
    CsafAdvisory,
    CsafProduct,
    CsafVulnerability,
    FeedKind,
    Provenance,
)
from hemostat.feeds import read_feed
from hemostat.match.csaf_names import vendor_fit
from hemostat.match.csaf_products import affected_models


@pytest.fixture(scope="module")
def icsma(shared_data: Callable[[str], Path]) -> tuple[CsafAdvisory, ...]:
    batch = read_feed(shared_data("csaf-cisa-icsma-2017-2021"))
    assert len(batch.advisories) == 109
    return batch.advisories


def _hits(advisories: tuple[CsafAdvisory, ...], *models: DeviceModel) -> list[AdvisoryHit]:
    return list(affected_models(models, advisories))


def _keys(hits: list[AdvisoryHit]) -> set[tuple[str, str | None]]:
    return {(h.advisory, h.release) for h in hits}


def test_bd_alaris_pc_unit_releases_hit_the_alaris_advisories(
    icsma: tuple[CsafAdvisory, ...],
) -> None:
    # ICSMA-20-170-06 lists "Versions 9.13, 9.19, 9.33 and 12.1"; ICSMA-20-317-01 "Alaris PC Unit
    # Model 8015: 9.33.1 and earlier"; ICSMA-17-017-02 "Alaris 8015 PC unit: 9.33 and prior"
    model = DeviceModel("alaris-pcu", "BD", "BD Alaris PC Unit", "8015", ("9.19", "9.33.1", "12.3"))
    hits = _hits(icsma, model)
    assert _keys(hits) == {
        ("ICSMA-17-017-02", "9.19"),
        ("ICSMA-20-170-06", "9.19"),
        ("ICSMA-20-317-01", "9.19"),
        ("ICSMA-20-317-01", "9.33.1"),
    }
    listed = next(h for h in hits if h.advisory == "ICSMA-20-170-06")
    assert listed.csaf_product_name == "Alaris PC Unit: Versions 9.13 9.19 9.33 and 12.1"
    assert listed.status == "known_affected" and listed.confidence is Confidence.HIGH
    assert listed.vulnerabilities == ("CVE-2019-11479",) and listed.max_cvss == 5.3
    assert {r.category for r in listed.remediations} == {"vendor_fix"}
    assert "release 9.19 in '9.13 | 9.19 | 9.33 | 12.1'" in listed.reason
    old = next(h for h in hits if h.advisory == "ICSMA-17-017-02")
    assert set(old.vulnerabilities) == {"CVE-2016-8375", "CVE-2016-9355"}  # both leaves' CVEs


def test_the_alaris_8000_advisory_does_not_hit_the_8015(icsma: tuple[CsafAdvisory, ...]) -> None:
    hits = _hits(icsma, DeviceModel("pcu", "Becton Dickinson", "Alaris PC Unit", "8015", ("1.0",)))
    assert "ICSMA-17-017-01" not in {h.advisory for h in hits}  # "Alaris 8000 PC unit"
    old = DeviceModel("pcu-8000", "BD", "Alaris PC Unit", "8000", ("1.0",))
    assert _keys(_hits(icsma, old)) == {("ICSMA-17-017-01", "1.0")}  # "all versions"


def test_philips_intellivue_mx40_before_b0618(icsma: tuple[CsafAdvisory, ...]) -> None:
    model = DeviceModel("mx40", "Philips Medical Systems", "IntelliVue MX40", None, ("B.06.12",))
    [hit] = _hits(icsma, model)
    assert hit.advisory == "ICSMA-17-255-01" and hit.version_text == "< B.06.18"
    assert set(hit.vulnerabilities) == {"CVE-2017-9657", "CVE-2017-9658"}
    assert hit.confidence is Confidence.HIGH


def test_philips_intellivue_mx40_fixed_release_is_not_hit(icsma: tuple[CsafAdvisory, ...]) -> None:
    fixed = DeviceModel("mx40", "Philips", "IntelliVue MX40", None, ("B.06.18", "B.07.01"))
    assert _hits(icsma, fixed) == []


def test_medtronic_valleylab_ft10_by_model_number(icsma: tuple[CsafAdvisory, ...]) -> None:
    # ICSMA-19-311-01 "FT10 ... (VLFT10GEN): <= 2.1.0", ICSMA-19-311-02 "<= 4.0.0"
    model = DeviceModel(
        "ft10", "Medtronic plc", "Valleylab FT10", "VLFT10GEN", ("2.0.3", "4.0.0", "4.1")
    )
    assert _keys(_hits(icsma, model)) == {
        ("ICSMA-19-311-01", "2.0.3"),
        ("ICSMA-19-311-02", "2.0.3"),
        ("ICSMA-19-311-02", "4.0.0"),
    }


def test_medtronic_carelink_without_releases_hits_all_versions_advisories(
    icsma: tuple[CsafAdvisory, ...],
) -> None:
    hits = _hits(icsma, DeviceModel("carelink", "Medtronic", "CareLink Programmer", "2090"))
    assert {h.advisory for h in hits} == {"ICSMA-18-058-01", "ICSMA-18-347-01", "ICSMA-19-080-01"}
    assert all(h.release is None and h.confidence is Confidence.HIGH for h in hits)


def test_same_vendor_other_product_is_a_near_miss(icsma: tuple[CsafAdvisory, ...]) -> None:
    models = (
        DeviceModel("minimed", "Medtronic", "MiniMed 630G", "MMT-1715", ("1.0",)),
        DeviceModel("monitor", "Philips", "Patient Monitor", None, ("1.0",)),  # generic words
        DeviceModel("alaris-ccg", "BD", "Alaris Syringe Module", "8110", ("1.0",)),
    )
    assert _hits(icsma, *models) == []


def test_same_product_in_a_fixed_release_is_a_near_miss(icsma: tuple[CsafAdvisory, ...]) -> None:
    # ICSMA-20-317-01: "Alaris Systems Manager: Versions 4.33 and earlier"
    fixed = DeviceModel("asm", "BD", "Alaris Systems Manager", None, ("4.34",))
    assert _hits(icsma, fixed) == []
    affected = DeviceModel("asm", "BD", "Alaris Systems Manager", None, ("4.33",))
    assert _keys(_hits(icsma, affected)) == {("ICSMA-20-317-01", "4.33")}


def test_an_unreadable_advisory_version_is_a_low_confidence_hit(
    icsma: tuple[CsafAdvisory, ...],
) -> None:
    # ICSMA-17-227-01: "Luna CPAP Machine: all devices released prior to July 1 2017"
    [hit] = _hits(icsma, DeviceModel("luna", "3B Medical", "Luna CPAP", None, ("2.0",)))
    assert hit.advisory == "ICSMA-17-227-01" and hit.confidence is Confidence.LOW
    assert hit.reason.endswith("version not interpretable: <  july 1 2017")


def test_a_misspelt_vendor_and_a_brand_in_the_product_name_match_with_medium_confidence(
    icsma: tuple[CsafAdvisory, ...],
) -> None:
    isc = DeviceModel("isc", "Philips", "IntelliSpace Cardiovascular", None, ("2.2",))
    phillips = next(h for h in _hits(icsma, isc) if h.advisory == "ICSMA-18-025-01")
    assert phillips.confidence is Confidence.MEDIUM  # the advisory's vendor is "Phillips"
    cardio = DeviceModel("cardio", "Welch Allyn", "Connex Cardio", None, ("1.1.0",))
    [hit] = _hits(icsma, cardio)  # ICSMA-21-343-01's vendor is Hillrom
    assert hit.advisory == "ICSMA-21-343-01" and hit.confidence is Confidence.MEDIUM


def _advisory(*products: CsafProduct, publisher: str = "CISA") -> CsafAdvisory:
    return CsafAdvisory(
        id="X-1",
        title="t",
        publisher=publisher,
        category="csaf_security_advisory",
        initial_release=None,
        current_release=None,
        products=products,
        vulnerabilities=(CsafVulnerability("CVE-2099-1", (), "", (("known_affected", ("P",)),)),),
        provenance=Provenance(FeedKind.CSAF, "test", date(2024, 1, 1)),
    )


def test_never_on_the_vendor_alone() -> None:
    advisory = _advisory(CsafProduct("P", "Widget", "Medtronic", "Widget", "*", version_text="*"))
    assert affected_models([DeviceModel("m", "Medtronic", "Gadget")], [advisory]) == ()
    [hit] = affected_models([DeviceModel("m", "Medtronic", "Widget")], [advisory])
    assert hit.vulnerabilities == ("CVE-2099-1",) and hit.confidence is Confidence.HIGH


def test_a_full_product_name_without_vendor_uses_the_publisher() -> None:
    # full_product_names carry no vendor branch: a vendor's own PSIRT publishes the advisory
    product = CsafProduct("P", "Widget 3.1", product="Widget 3.1", version="")
    advisory = _advisory(product, publisher="Acme Medical PSIRT")
    [hit] = affected_models(
        [DeviceModel("m", "Acme Medical Inc.", "Widget", None, ("3.1",))], [advisory]
    )
    assert hit.reason.startswith("vendor taken from the publisher 'Acme Medical PSIRT'")
    assert affected_models([DeviceModel("m", "Other", "Widget")], [advisory]) == ()


@pytest.mark.parametrize(
    ("manufacturer", "vendor", "matches"),
    [
        ("BD", "Becton, Dickinson and Company (BD)", True),
        ("Becton Dickinson", "Becton, Dickinson and Company (BD)", True),
        ("GE", "GE Healthcare", True),
        ("B. Braun Melsungen AG", "B. Braun Medical", True),
        ("3B Medical, Inc.", "BMC Medical, 3B Medical", True),
        ("Smiths Medical", "Smith & Nephew", False),
        ("Baxter", "BD", False),
        ("Medical Systems Inc.", "Philips", False),
    ],
)
def test_vendor_names(manufacturer: str, vendor: str, matches: bool) -> None:
    assert (vendor_fit(manufacturer, vendor) is not None) is matches
