"""The example threat models in examples/*/threat load cleanly, link to components that exist in
their product's SBOMs, and produce MUD files that pass the MUD linter."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from hemostat.domain.component import Component
from hemostat.domain.purl import purl_parts
from hemostat.domain.threat import ComponentLink, ElementKind, HarmSeverity, ThreatModel
from hemostat.ingest.reader import read_path
from hemostat.threat.model import load_model
from hemostat.threat.mud import generate_mud
from hemostat.threat.mud_check import check_mud

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

# device flows a MUD file cannot express, per product (BLE, USB, serial, local UI, or a person
# with no network identity as the peer)
EXPECTED_SKIPPED = {
    "infusion-pump": {
        "app-to-pump-therapy",
        "clinician-to-pump-keypad",
        "debug-to-pump",
        "service-tool-to-pump",
    },
    "patient-monitor": {"biomed-ssh", "clinician-to-monitor", "sensors-to-monitor", "usb-service"},
    "imaging-workstation": {"radiologist-to-viewer", "usb-export", "usb-import"},
}


def _products() -> list[dict[str, Any]]:
    with (EXAMPLES / "portfolio.toml").open("rb") as fh:
        products: list[dict[str, Any]] = tomllib.load(fh)["product"]
    return products


PRODUCTS = {p["key"]: p for p in _products()}


@cache
def _model(key: str) -> ThreatModel:
    return load_model(EXAMPLES / PRODUCTS[key]["threat_model"])


@cache
def _sbom_components(key: str) -> dict[str, tuple[Component, ...]]:
    """Components of each release's SBOM, by release version."""
    return {
        rel["version"]: read_path(EXAMPLES / rel["sbom"]).components
        for rel in PRODUCTS[key]["release"]
    }


def _links_to(link: ComponentLink, comp: Component) -> bool:
    """purl: same type/namespace/name, any version; CPE: prefix of the component's CPE fields."""
    if link.purl is not None:
        if comp.purl is None:
            return False
        want, have = purl_parts(link.purl), purl_parts(comp.purl)
        return (want.type, want.namespace, want.name) == (have.type, have.namespace, have.name)
    if link.cpe is not None:
        fields = link.cpe.lower().split(":")
        return any(c.lower().split(":")[: len(fields)] == fields for c in comp.cpes)
    return comp.name == link.name


@pytest.mark.parametrize("key", sorted(PRODUCTS))
def test_model_loads_and_belongs_to_its_product(key: str) -> None:
    model = _model(key)
    assert model.product == key
    assert set(model.releases) == {r["version"] for r in PRODUCTS[key]["release"]}
    assert len(model.files) >= 2  # split with include:
    assert model.assumptions and model.rationale


@pytest.mark.parametrize("key", sorted(PRODUCTS))
def test_model_has_deliberate_gaps_and_iso14971_hazards(key: str) -> None:
    model = _model(key)
    assert {t.result for t in model.tests} >= {"pass", "fail"}
    assert any(t.result in ("fail", "not_run") for t in model.tests)
    assert any(h.multi_patient for h in model.hazards)
    assert {h.severity for h in model.hazards} <= set(HarmSeverity)
    assert any(
        h.severity in (HarmSeverity.CRITICAL, HarmSeverity.CATASTROPHIC) for h in model.hazards
    )
    controlled = {target for c in model.controls for target in c.applies_to}
    unprotected = [f.id for f in model.flows if f.id not in controlled and f.encryption == "none"]
    assert unprotected, "some flows are meant to stay open"


@pytest.mark.parametrize("key", sorted(PRODUCTS))
def test_component_links_exist_in_the_sboms(key: str) -> None:
    sboms = _sbom_components(key)
    missing: list[str] = []
    linked = 0
    for element in _model(key).elements:
        releases = element.releases or tuple(sboms)  # no releases listed: every release
        for link in element.components:
            linked += 1
            for release in releases:
                if not any(_links_to(link, c) for c in sboms[release]):
                    missing.append(f"{element.id}: {link} not in {key} {release}")
    assert missing == []
    assert linked >= 10


@pytest.mark.parametrize("key", sorted(PRODUCTS))
def test_mud_for_the_device_passes_the_linter(key: str) -> None:
    model, product = _model(key), PRODUCTS[key]
    (device,) = [e for e in model.elements if e.kind is ElementKind.DEVICE]
    latest = max(date.fromisoformat(r["released"]) for r in product["release"])
    result = generate_mud(
        model,
        device=device.id,
        mud_url=product["mud_url"],
        last_update=datetime.combine(latest, time(), tzinfo=UTC),
        mfg_name=product["manufacturer"],
        model_name=product["model_number"],
    )
    assert check_mud(result.to_json(), source=f"{key}.mud.json") == []
    assert {s.split(":")[0] for s in result.skipped} == EXPECTED_SKIPPED[key]
    ip_flows = {
        f.id
        for f in model.flows
        if device.id in (f.source, f.target) and f.id not in EXPECTED_SKIPPED[key]
    }
    (from_acl, _to_acl) = result.document["ietf-access-control-list:acls"]["acl"]
    assert {a["name"].removesuffix("-frdev") for a in from_acl["aces"]["ace"]} == ip_flows
    assert result.document["ietf-mud:mud"]["mud-url"] == product["mud_url"]
