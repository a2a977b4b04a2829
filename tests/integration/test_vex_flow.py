"""VEX out of a release's decisions in three formats, and a supplier's VEX back in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hemostat.config import Settings
from hemostat.domain.assessment import VexStatus
from hemostat.errors import IngestError, UsageError
from hemostat.ingest.vex_read import read_vex
from hemostat.report.csaf_checks import check_csaf
from hemostat.services import catalog, feeds, findings, sboms, scan, triage, vex
from hemostat.services.feeds import Intel
from hemostat.services.uow import unit_of_work
from scan_support import cyclonedx_validator, errors
from vex_statements import kev_catalog, supplier_openvex

ASSETS = Path(__file__).resolve().parents[1] / "assets"


@pytest.fixture(scope="module")
def intel(tmp_path_factory: pytest.TempPathFactory) -> Intel:
    dbfile = tmp_path_factory.mktemp("feeds") / "feeds.db"
    return scan.load_local_intel(Settings(database_url=f"sqlite:///{dbfile}"))


@pytest.fixture
def pump(settings: Settings, intel: Intel) -> Settings:
    with unit_of_work(settings) as s:
        catalog.add_product(s, key="pump", name="Mini Pump", manufacturer="Example Medical")
        catalog.add_release(s, product="pump", version="1.0")
        sboms.import_sbom(s, product="pump", release="1.0", path=ASSETS / "mini-1.cdx.json")
        findings.analyze_release(s, "pump", "1.0", intel=intel)
    with unit_of_work(settings) as s:
        triage.set_decision(
            s,
            product="pump",
            release="1.0",
            vulnerability="CVE-2020-22284",
            component="lwip",
            status="not_affected",
            justification="code_not_reachable",
            detail="6LoWPAN is not compiled in.",
            author="alice",
            reason="code review",
        )
    return settings


def test_export_in_three_formats_carries_the_decision(pump: Settings) -> None:
    docs = {}
    with unit_of_work(pump) as s:
        for fmt in ("cyclonedx", "openvex", "csaf"):
            docs[fmt] = vex.export(s, product="pump", release="1.0", fmt=fmt)
            again = vex.export(s, product="pump", release="1.0", fmt=fmt)
            assert docs[fmt] == again  # deterministic
    for fmt, data in docs.items():
        statements = {st.vulnerability: st for st in read_vex(data, source=fmt).statements}
        assert statements["CVE-2020-22284"].status is VexStatus.NOT_AFFECTED, fmt
        others = [st for v, st in statements.items() if v != "CVE-2020-22284"]
        assert others and all(st.status is VexStatus.UNDER_INVESTIGATION for st in others), fmt
    cdx = json.loads(docs["cyclonedx"])
    [lwip] = [v for v in cdx["vulnerabilities"] if v["id"] == "CVE-2020-22284"]
    assert lwip["analysis"]["justification"] == "code_not_reachable"


def test_csaf_advisory_for_chosen_vulnerabilities(pump: Settings) -> None:
    with unit_of_work(pump) as s:
        data = vex.export_advisory(
            s, product="pump", release="1.0", vulnerabilities=["CVE-2020-22284", "CVE-2023-3724"]
        )
    doc = json.loads(data)
    assert doc["document"]["category"] == "csaf_security_advisory"
    assert [v["cve"] for v in doc["vulnerabilities"]] == ["CVE-2020-22284", "CVE-2023-3724"]
    decided, vuln = doc["vulnerabilities"]
    assert "scores" not in decided  # not_affected: nothing to score
    assert vuln["scores"][0]["cvss_v3"]["baseScore"] > 0
    assert vuln["cwe"]["id"].startswith("CWE-") and vuln["cwe"]["name"]  # named by MITRE's list
    assert check_csaf(doc) == ()  # every CSAF 2.0 mandatory test, 6.1.11 included


def test_supplier_vex_is_recorded_and_unknown_products_reported(
    pump: Settings, tmp_path: Path
) -> None:
    supplier = supplier_openvex()
    path = tmp_path / "supplier.openvex.json"
    path.write_text(json.dumps(supplier))
    with unit_of_work(pump) as s:
        result = vex.import_vex(s, path=path)
    assert len(result.recorded) == 1 and "CVE-2023-3724" in result.recorded[0]
    assert result.unmatched == ("CVE-2099-0001 pkg:npm/left-pad@1.0.0",)
    with unit_of_work(pump) as s:
        [rec] = triage.history(s, product="pump", vulnerability="CVE-2023-3724")
    assert rec.status is VexStatus.NOT_AFFECTED and rec.origin.startswith("supplier:")


def test_bad_vex_file_is_refused(pump: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [')
    with pytest.raises(IngestError), unit_of_work(pump) as s:
        vex.import_vex(s, path=bad)


def test_vdr_export_carries_scores_and_decisions(pump: Settings) -> None:
    with unit_of_work(pump) as s:
        data = vex.export(s, product="pump", release="1.0", fmt="cyclonedx-vdr")
        assert data == vex.export(s, product="pump", release="1.0", fmt="cyclonedx-vdr")
    assert errors(cyclonedx_validator(), data) == []
    doc = json.loads(data)
    by_id = {(v["id"], v["affects"][0]["ref"]): v for v in doc["vulnerabilities"]}
    [lwip] = [v for (vid, _), v in by_id.items() if vid == "CVE-2020-22284"]
    assert lwip["analysis"]["state"] == "not_affected" and lwip["ratings"]
    assert lwip["analysis"]["justification"] == "code_not_reachable"
    assert {v["analysis"]["state"] for v in doc["vulnerabilities"]} == {"not_affected", "in_triage"}
    assert all(len(v["affects"]) == 1 for v in doc["vulnerabilities"])  # one analysis each


def test_vdr_of_an_unanalysed_release_is_refused(pump: Settings) -> None:
    with unit_of_work(pump) as s:
        catalog.add_release(s, product="pump", version="2.0")
        sboms.import_sbom(s, product="pump", release="2.0", path=ASSETS / "mini-1.cdx.json")
        with pytest.raises(UsageError, match="has not been analysed"):
            vex.export(s, product="pump", release="2.0", fmt="cyclonedx-vdr")


def test_supplier_affected_statement_adds_a_finding(pump: Settings, tmp_path: Path) -> None:
    """A supplier knows its own code: "affected" for a vulnerability Hemostat did not match adds
    it to the queue (with KEV from the store) and to every VEX out; "not_affected" adds nothing."""
    kev = tmp_path / "known_exploited_vulnerabilities.json"
    kev.write_text(json.dumps(kev_catalog("CVE-2099-0002")))
    supplier = supplier_openvex()
    supplier["statements"] = [
        {"vulnerability": {"name": vid}, "status": status, **extra,
         "products": [{"@id": "pkg:github/wolfssl/wolfssl@v4.8.1-stable"}]}
        for vid, status, extra in (
            ("CVE-2099-0002", "affected", {"action_statement": "Upgrade to 5.6.4"}),
            ("CVE-2099-0003", "not_affected", {"justification": "component_not_present"}),
        )
    ]  # fmt: skip
    path = tmp_path / "supplier.openvex.json"
    path.write_text(json.dumps(supplier))
    with unit_of_work(pump) as s:
        feeds.import_path(s, path=kev)
        vex.import_vex(s, path=path)
    with unit_of_work(pump) as s:
        items = {i.vulnerability: i for i in triage.triage_list(s, product="pump")}
        docs = {f: vex.export(s, product="pump", release="1.0", fmt=f) for f in vex.RENDERERS}
    declared = items["CVE-2099-0002"]
    assert declared.declared and declared.kev and declared.state == "affected"
    assert "CVE-2099-0003" not in items and not items["CVE-2020-22284"].declared
    assert next(iter(items)) == "CVE-2099-0002"  # KEV first
    for fmt, data in docs.items():
        statuses = {st.vulnerability: st.status for st in read_vex(data, source=fmt).statements}
        assert statuses["CVE-2099-0002"] is VexStatus.AFFECTED, fmt
        assert "CVE-2099-0003" not in statuses, fmt


@pytest.mark.parametrize("fmt", ["cyclonedx", "openvex", "csaf"])
def test_own_export_reimports_with_every_statement_matched(
    pump: Settings, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"vex.{fmt}.json"
    with unit_of_work(pump) as s:
        path.write_bytes(vex.export(s, product="pump", release="1.0", fmt=fmt))
    with unit_of_work(pump) as s:
        result = vex.import_vex(s, path=path, author="hospital")
    assert result.statements == 3 and len(result.recorded) == 3, result
    assert result.unmatched == () and result.refused == ()
