"""read_vex on the real OpenVEX, CSAF and CycloneDX examples, and on bad input (each error names
the file, the location and the allowed values)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import orjson
import pytest

from hemostat.domain.assessment import Justification, Response, VexStatus
from hemostat.errors import (
    FormatNotRecognized,
    IngestError,
    MalformedDocument,
    SchemaViolation,
    UnsupportedSpecVersion,
)
from hemostat.ingest.vex_read import read_vex


def _openvex_files(root: Path) -> list[Path]:
    out = []
    for f in sorted(root.rglob("*.json")):
        doc = orjson.loads(f.read_bytes())
        if isinstance(doc, dict) and str(doc.get("@context", "")).startswith("https://openvex"):
            out.append(f)
    return out


def test_every_openvex_example_reads(shared_data: Any) -> None:
    files = _openvex_files(shared_data("openvex-examples"))
    assert len(files) >= 25
    for f in files:
        doc = read_vex(f.read_bytes(), source=f.name)
        assert doc.statements, f.name
        assert all(s.vulnerability for s in doc.statements)


def test_openvex_001_shape(shared_data: Any) -> None:
    f = shared_data("openvex-examples") / "go-vex" / "pkg" / "vex" / "testdata" / "v0.0.1.json"
    doc = read_vex(f.read_bytes(), source="v0.0.1.json")
    assert doc.version == 1
    assert [s.product.purl for s in doc.statements] == [
        "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7",
        "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64",
    ]
    assert {(s.vulnerability, s.status) for s in doc.statements} == {
        ("CVE-2023-12345", VexStatus.FIXED)
    }
    assert doc.statements[0].product.name == "git"
    assert doc.statements[0].product.version == "2.39.0-r1"
    assert doc.statements[0].timestamp == doc.timestamp  # inherited from the document


def test_openvex_justification_and_aliases(shared_data: Any) -> None:
    f = shared_data("openvex-examples") / "examples" / "sarif" / "sample-history.openvex.json"
    st = read_vex(f.read_bytes(), source="x").statements[0]
    assert st.justification is Justification.COMPONENT_NOT_PRESENT
    assert st.aliases == ("SNYK-DEBIAN12-LIBDE265-3361563",)


def test_csaf_vex_examples(shared_data: Any) -> None:
    folder = shared_data("csaf-oasis-examples") / "csaf_2.0" / "examples" / "csaf" / "csaf_vex"
    files = sorted(folder.glob("*.json"))
    assert len(files) >= 13
    for f in files:
        assert read_vex(f.read_bytes(), source=f.name).statements, f.name
    na = read_vex((folder / "2022-evd-uc-01-na-001.json").read_bytes(), source="na").statements
    assert [s.status for s in na] == [VexStatus.NOT_AFFECTED]
    assert na[0].justification is not None or na[0].impact_statement
    assert na[0].product.csaf_product_id and na[0].product.name


def test_csaf_affected_has_responses(shared_data: Any) -> None:
    f = shared_data("csaf-oasis-examples") / "csaf_2.0" / "examples" / "csaf" / "csaf_vex"
    sts = read_vex((f / "2022-evd-uc-01-a-001.json").read_bytes(), source="a").statements
    assert sts[0].status is VexStatus.AFFECTED
    assert sts[0].action_statement


def test_csaf_advisory_without_flags_is_accepted(shared_data: Any) -> None:
    f = (
        shared_data("csaf-oasis-examples")
        / "csaf_2.0"
        / "examples"
        / "csaf"
        / "rhsa-2021_5186.json"
    )
    sts = read_vex(f.read_bytes(), source="rhsa").statements
    na = [s for s in sts if s.status is VexStatus.NOT_AFFECTED]
    assert na and all(s.impact_statement for s in na)
    assert all(s.product.purl or s.product.cpe or s.product.name for s in sts)


def test_cyclonedx_vex_example(shared_data: Any) -> None:
    f = shared_data("cyclonedx-bom-examples") / "VEX" / "vex.json"
    st = read_vex(f.read_bytes(), source="vex.json").statements[0]
    assert st.status is VexStatus.NOT_AFFECTED
    assert st.justification is Justification.CODE_NOT_REACHABLE
    assert st.responses == (Response.WILL_NOT_FIX, Response.UPDATE)
    assert (
        st.product.purl == "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"
    )


def _cdx(analysis: dict[str, Any] | None) -> bytes:
    vuln: dict[str, Any] = {"id": "CVE-2024-0001", "affects": [{"ref": "a"}]}
    if analysis is not None:
        vuln["analysis"] = analysis
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [{"type": "library", "bom-ref": "a", "name": "a", "purl": "pkg:npm/a@1"}],
        "vulnerabilities": [vuln],
    }
    return orjson.dumps(doc)


def test_cyclonedx_false_positive_and_vdr() -> None:
    st = read_vex(_cdx({"state": "false_positive", "detail": "wrong match"}), source="x")
    assert st.statements[0].status is VexStatus.NOT_AFFECTED
    assert st.statements[0].detail == "[false_positive] wrong match"
    vdr = read_vex(gzip.compress(_cdx(None)), source="vdr.json.gz").statements[0]
    assert vdr.status is VexStatus.AFFECTED and vdr.product.purl == "pkg:npm/a@1"


@pytest.mark.parametrize(
    ("data", "error", "needle"),
    [
        (b"{not json", MalformedDocument, "not valid JSON"),
        (b"[]", MalformedDocument, "JSON object"),
        (b'{"spdxVersion": "SPDX-2.3"}', FormatNotRecognized, "not a VEX document"),
        (b'{"bomFormat": "CycloneDX", "specVersion": "1.2"}', UnsupportedSpecVersion, "1.2"),
        (b'{"@context": "https://openvex.dev/ns/v9"}', UnsupportedSpecVersion, "OpenVEX"),
        (b'{"document": {"csaf_version": "2.1"}}', UnsupportedSpecVersion, "CSAF"),
    ],
)
def test_bad_documents(data: bytes, error: type[IngestError], needle: str) -> None:
    with pytest.raises(error, match=needle) as info:
        read_vex(data, source="bad.json")
    assert info.value.file == "bad.json"


def _openvex(statement: dict[str, Any]) -> bytes:
    base = {"vulnerability": {"name": "CVE-2024-1"}, "products": [{"@id": "pkg:npm/a@1"}]}
    doc = {
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://example.com/vex/1",
        "author": "x",
        "timestamp": "2024-01-01T00:00:00Z",
        "version": 1,
        "statements": [base | statement],
    }
    return orjson.dumps(doc)


def test_openvex_not_affected_needs_justification() -> None:
    with pytest.raises(SchemaViolation) as info:
        read_vex(_openvex({"status": "not_affected"}), source="v.json")
    err = info.value
    assert err.location == "/statements/0/justification"
    assert err.hint is not None and "vulnerable_code_not_present" in err.hint


def test_unknown_status_names_allowed_values() -> None:
    with pytest.raises(SchemaViolation) as info:
        read_vex(_openvex({"status": "maybe"}), source="v.json")
    assert info.value.location == "/statements/0/status"
    assert info.value.hint is not None and "under_investigation" in info.value.hint


def test_bad_timestamp_is_located() -> None:
    with pytest.raises(SchemaViolation, match="RFC 3339") as info:
        read_vex(_openvex({"status": "fixed", "timestamp": "yesterday"}), source="v.json")
    assert info.value.location == "/statements/0/timestamp"


def test_bad_cyclonedx_justification() -> None:
    data = _cdx({"state": "not_affected", "justification": "because"})
    with pytest.raises(SchemaViolation) as info:
        read_vex(data, source="c.json")
    assert info.value.location == "/vulnerabilities/0/analysis/justification"
    assert info.value.hint is not None and "protected_by_compiler" in info.value.hint
