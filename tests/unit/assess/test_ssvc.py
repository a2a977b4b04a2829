"""Every row of CERT/CC's tables must come back from our lookup (PyPI ``ssvc`` fails this)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest

from hemostat.assess.ssvc import (
    DEPLOYER,
    HUMAN_IMPACT,
    PUBLIC_SAFETY_IMPACT,
    SUPPLIER,
    UTILITY,
    decide,
    load_table,
)
from hemostat.assess.ssvc_points import (
    deployer_decision,
    exploit_reported,
    exploitation_from_evidence,
    safety_impact_from_harm,
    supplier_decision,
)
from hemostat.domain.threat import HarmSeverity as H
from hemostat.errors import UsageError

ALL = (DEPLOYER, SUPPLIER, HUMAN_IMPACT, UTILITY, PUBLIC_SAFETY_IMPACT)
EXPECTED_ROWS = {DEPLOYER: 72, SUPPLIER: 36, HUMAN_IMPACT: 16, UTILITY: 4, PUBLIC_SAFETY_IMPACT: 4}


@pytest.fixture(scope="module")
def certcc(shared_data: Callable[[str], Path]) -> Path:
    return shared_data("ssvc-certcc") / "data"


@pytest.mark.parametrize("key", ALL)
def test_every_csv_row_of_the_upstream_archive_reproduces(certcc: Path, key: str) -> None:
    table = load_table(key)
    with (certcc / "csv" / "ssvc" / f"{key}.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == EXPECTED_ROWS[key] == len(table.rows)
    for row in rows:
        points = {
            label.rpartition(" v")[0]: value for label, value in row.items() if label != "row"
        }
        outcome = points.pop(table.outcome.name)
        assert decide(table, points).outcome == outcome, row


@pytest.mark.parametrize("key", [DEPLOYER, SUPPLIER])
def test_json_tables_agree_with_the_csv_we_ship(certcc: Path, key: str) -> None:
    doc = json.loads((certcc / "json" / "decision_tables" / "ssvc" / f"{key}.json").read_text())
    assert doc["version"] == load_table(key).version
    assert len(doc["mapping"]) == EXPECTED_ROWS[key]


def test_bundled_csv_is_byte_identical_to_upstream(certcc: Path) -> None:
    for key in ALL:
        ours = (files("hemostat") / "data" / "ssvc" / f"{key}.csv").read_bytes()
        assert ours == (certcc / "csv" / "ssvc" / f"{key}.csv").read_bytes()


# Spot checks against DOMAIN.md §4.2 / §4.3 as printed there.
@pytest.mark.parametrize(
    ("points", "outcome"),
    [
        (("none", "small", "no", "low"), "defer"),
        (("none", "open", "yes", "very high"), "out-of-cycle"),
        (("active", "open", "no", "very high"), "immediate"),
        (("public poc", "controlled", "yes", "very high"), "out-of-cycle"),
        (("active", "small", "yes", "low"), "scheduled"),
    ],
)
def test_deployer_rows_from_domain_doc(points: tuple[str, ...], outcome: str) -> None:
    names = ("Exploitation", "System Exposure", "Automatable", "Human Impact")
    decision = decide(load_table(DEPLOYER), dict(zip(names, points, strict=True)))
    assert decision.outcome == outcome
    assert decision.table_version == "1.0.0"
    assert decision.points[0] == ("Exploitation v1.1.0", points[0])


def test_missing_or_bad_point_names_field_and_allowed_values() -> None:
    table = load_table(SUPPLIER)
    with pytest.raises(UsageError, match="Utility"):
        decide(table, {"Exploitation": "none"})
    with pytest.raises(UsageError, match="none, public poc, active"):
        decide(
            table,
            {
                "Exploitation": "rampant",
                "Utility": "laborious",
                "Technical Impact": "total",
                "Public Safety Impact": "minimal",
            },
        )
    with pytest.raises(UsageError, match="unknown SSVC table"):
        load_table("coordinator_triage_1_0_0")


@pytest.mark.parametrize(
    ("kwargs", "value"),
    [
        ({"in_kev": True, "public_poc": True}, "active"),
        ({"public_poc": True}, "public poc"),
        ({"csaf_exploit_status": True}, "public poc"),
        ({"epss": 0.5}, "public poc"),
        ({"epss": 0.01}, "none"),
        ({}, "none"),
    ],
)
def test_exploitation_from_evidence(kwargs: dict[str, bool | float], value: str) -> None:
    assert exploitation_from_evidence(**kwargs)[0] == value  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("details", "reported"),
    [
        ("Exploit code is publicly available.", True),
        ("Active exploitation has been observed in the wild.", True),
        ("No known public exploits specifically target these vulnerabilities.", False),
        ("CISA is not aware of any exploitation.", False),
        ("", False),
    ],
)
def test_csaf_exploit_status_statements(details: str, reported: bool) -> None:
    assert exploit_reported(details) is reported


def test_medical_safety_mapping() -> None:
    got = [safety_impact_from_harm(s) for s in H]
    assert got == ["negligible", "negligible", "marginal", "critical", "catastrophic"]


def test_supplier_decision_chains_utility_and_public_safety() -> None:
    d = supplier_decision(
        exploitation="public poc",
        automatable=True,
        value_density="concentrated",
        technical_impact="partial",
        harm=H.SERIOUS,
    )
    # automatable+concentrated -> super effective; serious -> marginal -> significant
    assert d.outcome == "immediate"
    assert ("Utility v1.0.1", "super effective") in d.points
    assert ("Public Safety Impact v2.0.1", "significant") in d.points
    assert d.table == "supplier patch development priority"
    assert any("§4.5" in line for line in d.reasoning)
    minor = supplier_decision(
        exploitation="none",
        automatable=False,
        value_density="diffuse",
        technical_impact="partial",
        harm=H.MINOR,
    )
    assert minor.outcome == "defer"


def test_deployer_decision_chains_human_impact() -> None:
    d = deployer_decision(
        exploitation="active",
        exposure="open",
        automatable=False,
        harm=H.CRITICAL,
        mission_impact="mef failure",
    )
    assert ("Human Impact v2.0.2", "high") in d.points
    assert d.outcome == "out-of-cycle"
    worst = deployer_decision(
        exploitation="active",
        exposure="open",
        automatable=True,
        harm=H.CATASTROPHIC,
        mission_impact="degraded",
    )
    assert worst.outcome == "immediate"
