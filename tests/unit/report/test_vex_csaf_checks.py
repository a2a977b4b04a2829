"""CSAF 2.0 §6.1 mandatory tests: the OASIS test cases shipped in the PyPI ``csaf`` package
(``-01..-09`` must fail the named test, ``-11..-19`` must pass it), the OASIS examples (all
pass), and Hemostat's own CSAF output (zero findings here and in the ``csaf`` validator)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import csaf  # type: ignore[import-untyped]
import orjson
import pytest
from csaf.csaf.v20._validator import validate  # type: ignore[import-untyped]
from vex_support import csaf_validator, errors, sample_doc

import hemostat
from hemostat.domain.vulnerability import CvssScore
from hemostat.errors import UsageError
from hemostat.report.csaf_advisory import render_advisory
from hemostat.report.csaf_checks import check_csaf
from hemostat.report.vex_csaf import render_csaf_vex
from snapshot_util import assert_snapshot

CASES = Path(csaf.__file__).parent / "csaf" / "v20" / "data" / "mandatory"
IMPLEMENTED = set(range(1, 34))  # every CSAF 2.0 mandatory test, 6.1.1-6.1.33
_NAME = re.compile(r"6-1-(\d+)-(\d+)(?:-(\d+))?\.json$")
SCORE = CvssScore("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CRITICAL")


def _cases() -> list[tuple[str, str, bool]]:
    out = []
    for f in sorted(CASES.glob("*.json")):
        m = _NAME.search(f.name)
        if m is None or int(m.group(1)) not in IMPLEMENTED:
            continue
        n = int(m.group(1))
        test, case = (
            (f"6.1.{n}.{int(m.group(2))}", int(m.group(3)))
            if m.group(3)
            else (f"6.1.{n}", int(m.group(2)))
        )
        out.append((f.name, test, case < 10))
    return out


def test_enough_oasis_cases_found() -> None:
    cases = _cases()
    assert len(cases) > 130
    assert {t for _, t, _ in cases} >= {"6.1.1", "6.1.9", "6.1.21", "6.1.27.9", "6.1.27.10"}
    later = {"6.1.11", "6.1.12", "6.1.24", "6.1.25", "6.1.26", "6.1.28", "6.1.30", "6.1.31"}
    assert {t for _, t, _ in cases} >= later | {"6.1.33"}


@pytest.mark.parametrize(("name", "test", "invalid"), _cases())
def test_oasis_mandatory_case(name: str, test: str, invalid: bool) -> None:
    found = [f for f in check_csaf(orjson.loads((CASES / name).read_bytes())) if f.test == test]
    assert bool(found) == invalid, found


def test_oasis_examples_pass(shared_data: Any) -> None:
    folder = shared_data("csaf-oasis-examples") / "csaf_2.0" / "examples" / "csaf"
    files = sorted(folder.rglob("*.json"))
    assert len(files) >= 15
    for f in files:
        assert check_csaf(orjson.loads(f.read_bytes())) == (), f.name


def test_cisa_medical_advisories_pass_every_test(shared_data: Any) -> None:
    """The 109 ICSMA advisories, CWE objects included (6.1.11 checks each name against MITRE's
    list), pass all 33 tests; the CWE check is not vacuous on them."""
    folder = shared_data("csaf-cisa-icsma-2017-2021")
    docs = [orjson.loads(f.read_bytes()) for f in sorted(folder.rglob("icsma-*.json"))]
    assert len(docs) == 109
    assert [d["document"]["tracking"]["id"] for d in docs if check_csaf(d)] == []
    cwes = [v["cwe"] for d in docs for v in d.get("vulnerabilities", []) if "cwe" in v]
    assert len(cwes) > 200
    renamed = {**docs[0], "vulnerabilities": [{"cwe": {**cwes[0], "name": "Renamed"}}]}
    assert [f.test for f in check_csaf(renamed) if f.path == "/vulnerabilities/0/cwe/name"] == [
        "6.1.11"
    ]


def test_cwe_list_rebuilds_byte_identical(tmp_path: Path) -> None:
    """src/hemostat/data/cwe is what tools/build_cwe.py makes of MITRE's list (no hand edits)."""
    script = Path(__file__).parents[3] / "tools" / "build_cwe.py"
    spec = importlib.util.spec_from_file_location("build_cwe", script)
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    build.main(["--out", str(tmp_path)])
    shipped = Path(hemostat.__file__).parent / "data" / "cwe"
    assert (tmp_path / "names.json").read_bytes() == (shipped / "names.json").read_bytes()
    assert "MITRE" in (shipped / "LICENSE").read_text()


def _second_opinion(doc: dict[str, Any]) -> list[Any]:
    report = validate(doc)
    return [r for r in report.results if not r.passed and not r.skipped]


def test_vex_output_passes_every_check() -> None:
    doc = orjson.loads(render_csaf_vex(sample_doc()))
    assert check_csaf(doc) == ()
    assert _second_opinion(doc) == []


def test_advisory_is_valid_and_scored() -> None:
    data = render_advisory(
        sample_doc(), ["CVE-2023-0465", "CVE-2022-37434"], {"CVE-2023-0465": [SCORE]}
    )
    assert errors(csaf_validator(), data) == []
    doc = orjson.loads(data)
    assert check_csaf(doc) == ()
    assert _second_opinion(doc) == []
    assert doc["document"]["category"] == "csaf_security_advisory"
    assert [v["cve"] for v in doc["vulnerabilities"]] == ["CVE-2022-37434", "CVE-2023-0465"]
    scored = doc["vulnerabilities"][1]["scores"]
    assert scored[0]["cvss_v3"]["baseScore"] == 9.8
    assert scored[0]["products"] == doc["vulnerabilities"][1]["product_status"]["known_affected"]


def test_advisory_refuses_unknown_vulnerability() -> None:
    with pytest.raises(UsageError, match="CVE-1999-0001"):
        render_advisory(sample_doc(), ["CVE-1999-0001"])


def test_checks_catch_broken_output() -> None:
    doc = orjson.loads(render_csaf_vex(sample_doc()))
    vuln = doc["vulnerabilities"][0]
    vuln["product_status"]["known_affected"] = ["NOPE"]
    doc["document"]["tracking"]["version"] = "7"
    tests = {f.test for f in check_csaf(doc)}
    assert {"6.1.1", "6.1.16", "6.1.27.10"} <= tests


def test_advisory_snapshot() -> None:
    data = render_advisory(sample_doc(), ["CVE-2023-0465"], {"CVE-2023-0465": [SCORE]})
    assert_snapshot("vex/sample.advisory.csaf.json", data)


def test_advisory_names_the_cwe_from_mitres_list() -> None:
    data = render_advisory(
        sample_doc(), ["CVE-2023-0465"], {"CVE-2023-0465": [SCORE]},
        {"CVE-2023-0465": ["NVD-CWE-noinfo", "CWE-295", "CWE-20"]},
    )  # fmt: skip
    doc = orjson.loads(data)
    assert doc["vulnerabilities"][0]["cwe"] == {
        "id": "CWE-295",
        "name": "Improper Certificate Validation",
    }
    assert errors(csaf_validator(), data) == [] and check_csaf(doc) == ()
