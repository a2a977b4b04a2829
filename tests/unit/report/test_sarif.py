"""SARIF 2.1.0 scan output: schema-valid, one rule per vulnerability, one result per finding."""

from __future__ import annotations

from dataclasses import replace

import orjson

from hemostat.report import sarif
from scan_support import errors, sample_report, sarif_validator


def _doc(report=None):  # type: ignore[no-untyped-def]
    return orjson.loads(sarif.render_sarif(report or sample_report()))


def test_valid_against_the_sarif_2_1_0_schema() -> None:
    data = sarif.render_sarif(sample_report())
    assert errors(sarif_validator(), data) == []


def test_one_rule_per_vulnerability_one_result_per_finding() -> None:
    run = _doc()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["CVE-2018-18074", "CVE-2022-25638", "CVE-2023-3724"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["CVE-2023-3724", "CVE-2022-25638", "CVE-2018-18074"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]


def test_rule_carries_help_cwe_cvss_and_github_security_severity() -> None:
    rules = {r["id"]: r for r in _doc()["runs"][0]["tool"]["driver"]["rules"]}
    kev = rules["CVE-2023-3724"]
    assert kev["properties"]["security-severity"] == "9.1"
    assert "CWE-287" in kev["properties"]["tags"]
    assert kev["properties"]["cvss"][0]["vector"].startswith("CVSS:3.1/")
    assert "CISA KEV since 2024-01-02" in kev["help"]["text"]
    assert "Fixed in: 5.6.2" in kev["help"]["text"]
    assert kev["helpUri"] == "https://nvd.nist.gov/vuln/detail/CVE-2023-3724"
    assert kev["defaultConfiguration"]["level"] == "error"
    assert "security-severity" not in rules["CVE-2018-18074"]["properties"]  # no CVSS: unknown


def test_result_is_at_the_sbom_with_the_component_as_logical_location() -> None:
    results = _doc()["runs"][0]["results"]
    loc = results[0]["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "sboms/pump.cdx.json"
    assert loc["logicalLocations"][0] == {
        "name": "wolfssl",
        "kind": "module",
        "fullyQualifiedName": "cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*",
    }
    assert results[2]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "pkg:pypi/requests@2.19.0"
    )
    near = results[1]
    assert near["properties"]["confidence"] == "low"
    assert "part 'o' in the SBOM, 'a' in NVD" in near["message"]["text"]
    assert results[0]["properties"]["kev"] is True
    assert results[0]["properties"]["epss"] == {"score": 0.00652, "percentile": 0.4827}


def test_fingerprints_follow_the_component_identity_not_the_revision() -> None:
    a = _doc()["runs"][0]["results"][0]["partialFingerprints"]
    moved = replace(sample_report(), sbom=replace(sample_report().sbom, source="other.json"))
    b = _doc(moved)["runs"][0]["results"][0]["partialFingerprints"]
    assert a == b


def test_deterministic_and_absolute_paths_become_file_uris() -> None:
    assert sarif.render_sarif(sample_report()) == sarif.render_sarif(sample_report())
    assert sarif.artifact_uri("/tmp/my sbom.json") == "file:///tmp/my%20sbom.json"
    assert sarif.artifact_uri("a/b.json") == "a/b.json"


def test_an_empty_scan_is_still_valid_sarif() -> None:
    empty = replace(sample_report(), findings=(), components=(), skipped=())
    data = sarif.render_sarif(empty)
    assert errors(sarif_validator(), data) == []
    assert orjson.loads(data)["runs"][0]["results"] == []
