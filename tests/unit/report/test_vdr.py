"""CycloneDX 1.6 VDR scan output: schema-valid, affects point at listed components, exact scores."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import orjson

from hemostat.domain.assessment import Justification, VexStatus
from hemostat.domain.vex import VexProduct, VexStatement
from hemostat.report import scan_json, vdr
from hemostat.report.vex_cyclonedx import analysis
from scan_support import cyclonedx_validator, errors, sample_report, scan_result_validator
from snapshot_util import assert_snapshot


def test_valid_against_the_cyclonedx_1_6_schema() -> None:
    assert errors(cyclonedx_validator(), vdr.render_vdr(sample_report())) == []


def test_affects_point_at_bom_refs_of_listed_components() -> None:
    doc = orjson.loads(vdr.render_vdr(sample_report()))
    listed = {c["bom-ref"]: c for c in doc["components"]}
    assert listed["wolfssl"]["cpe"] == "cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*"
    assert listed["requests"]["purl"] == "pkg:pypi/requests@2.19.0"
    refs = {a["ref"] for v in doc["vulnerabilities"] for a in v["affects"]}
    assert refs == set(listed)


def test_ratings_cwes_source_references_and_kev_epss_properties() -> None:
    doc = orjson.loads(vdr.render_vdr(sample_report()))
    vulns = {v["id"]: v for v in doc["vulnerabilities"]}
    kev = vulns["CVE-2023-3724"]
    assert kev["source"] == {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2023-3724"}
    assert kev["ratings"][0] == {
        "score": 9.1,
        "severity": "critical",
        "method": "CVSSv31",
        "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N",
        "source": {"name": "nvd@nist.gov"},
    }
    assert kev["ratings"][1]["method"] == "CVSSv2"
    assert kev["cwes"] == [287]  # NVD-CWE-noinfo has no number
    props = {p["name"]: p["value"] for p in kev["properties"]}
    assert props["hemostat:kev"] == "true"
    assert props["hemostat:kev:due_date"] == "2024-01-23"
    assert props["hemostat:epss:score"] == "0.00652"
    assert kev["recommendation"] == "Upgrade to a fixed version: 5.6.2"
    osv = vulns["CVE-2018-18074"]
    assert [r["id"] for r in osv["references"]] == ["GHSA-x84v-xcm2-53pg", "PYSEC-2018-28"]
    assert "ratings" not in osv


def test_scores_are_written_as_exact_decimals() -> None:
    data = vdr.render_vdr(sample_report())
    assert b'"score": 9.1' in data and b'"score": 6.4' in data
    assert b"9.09999" not in data and b"6.39999" not in data


def test_deterministic_serial_changes_with_the_findings() -> None:
    r = sample_report()
    assert vdr.render_vdr(r) == vdr.render_vdr(r)
    fewer = replace(r, findings=r.findings[:1])
    assert vdr.serial(fewer) != vdr.serial(r)


def test_an_empty_scan_is_a_valid_bom_without_vulnerabilities() -> None:
    empty = replace(sample_report(), findings=(), components=())
    data = vdr.render_vdr(empty)
    assert errors(cyclonedx_validator(), data) == []
    assert "vulnerabilities" not in orjson.loads(data)


def test_json_output_matches_its_published_schema() -> None:
    data = scan_json.render_json(sample_report(fail_on="kev", met=True))
    assert errors(scan_result_validator(), data) == []
    doc = orjson.loads(data)
    assert doc["summary"]["by_severity"] == {
        "critical": 1,
        "high": 0,
        "medium": 1,
        "low": 0,
        "none": 0,
        "unknown": 1,
    }
    assert doc["summary"]["kev"] == 1 and doc["summary"]["threshold_met"] is True
    assert doc["findings"][0]["evidence"][0]["snapshot"] == "2024-06-01"
    assert doc["skipped"][0]["suggestions"][0]["confidence"] == "low"


def _analyses() -> dict[tuple[str, str], dict[str, object]]:
    decided = VexStatement(
        "CVE-2022-25638",
        VexProduct(bom_ref="wolfssl", name="wolfssl", version="4.8.1"),
        VexStatus.NOT_AFFECTED,
        datetime(2026, 1, 5, tzinfo=UTC),
        justification=Justification.CODE_NOT_REACHABLE,
        detail="The session cache is compiled out.",
    )
    return {(decided.vulnerability, "wolfssl"): analysis(decided)}


def test_vdr_with_decisions_is_valid_and_holds_one_analysis_per_entry() -> None:
    data = vdr.render_vdr(sample_report(), _analyses())
    assert errors(cyclonedx_validator(), data) == []
    doc = orjson.loads(data)
    entries = {(v["id"], v["affects"][0]["ref"]): v for v in doc["vulnerabilities"]}
    assert all(len(v["affects"]) == 1 for v in doc["vulnerabilities"])
    decided = entries[("CVE-2022-25638", "wolfssl")]
    assert decided["analysis"]["state"] == "not_affected"
    assert decided["analysis"]["justification"] == "code_not_reachable"
    assert decided["bom-ref"] == "vuln:CVE-2022-25638@wolfssl"
    assert "analysis" not in entries[("CVE-2023-3724", "wolfssl")]  # no decision given for it
    assert vdr.serial(sample_report(), _analyses()) != vdr.serial(sample_report())
    assert_snapshot("scan/sample.vdr-vex.json", data)
