"""The three VEX renderers: schema-valid, deterministic, snapshot-stable, mapping as documented."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import orjson
import pytest
from vex_support import (
    csaf_validator,
    cyclonedx_validator,
    errors,
    openvex_validator,
    sample_doc,
    statements,
)

from hemostat.domain.assessment import Justification, VexStatus
from hemostat.domain.vex import VexDocument, VexValueError
from hemostat.report.vex_csaf import render_csaf_vex
from hemostat.report.vex_cyclonedx import render_cyclonedx_vex
from hemostat.report.vex_openvex import render_openvex
from snapshot_util import assert_snapshot

Renderer = Callable[[VexDocument], bytes]
FORMATS: list[tuple[str, Renderer, Callable[[], Any]]] = [
    ("cyclonedx", render_cyclonedx_vex, cyclonedx_validator),
    ("openvex", render_openvex, openvex_validator),
    ("csaf", render_csaf_vex, csaf_validator),
]
IDS = [f[0] for f in FORMATS]


@pytest.mark.parametrize(("name", "render", "validator"), FORMATS, ids=IDS)
def test_output_is_schema_valid(name: str, render: Renderer, validator: Callable[[], Any]) -> None:
    assert errors(validator(), render(sample_doc())) == []


@pytest.mark.parametrize(("name", "render", "validator"), FORMATS, ids=IDS)
def test_snapshot_and_order_independent(
    name: str, render: Renderer, validator: Callable[[], Any]
) -> None:
    out = render(sample_doc())
    assert render(sample_doc(statements=tuple(reversed(statements())))) == out
    assert_snapshot(f"vex/sample.{name}.json", out)


@pytest.mark.parametrize(("name", "render", "validator"), FORMATS, ids=IDS)
def test_not_affected_without_justification_is_refused(
    name: str, render: Renderer, validator: Callable[[], Any]
) -> None:
    bad = replace(statements()[0], justification=None, impact_statement="")
    with pytest.raises(VexValueError, match=r"justification.*code_not_present"):
        render(sample_doc(statements=(bad,)))


def test_cyclonedx_maps_states_and_keeps_component_not_present_in_detail() -> None:
    doc = orjson.loads(render_cyclonedx_vex(sample_doc()))
    by = {(v["id"], v["affects"][0]["ref"]): v["analysis"] for v in doc["vulnerabilities"]}
    assert by["CVE-2023-0464", "pkg:generic/openssl@3.0.13"]["state"] == "not_affected"
    assert by["CVE-2023-0465", "pkg:generic/openssl@3.0.13"] == {
        "state": "exploitable",
        "response": ["update", "workaround_available"],
        "detail": "Reachable through the network stack.",
        "firstIssued": "2024-06-01T09:00:00Z",
        "lastUpdated": "2024-06-03T14:30:00Z",
    }
    cnp = by["CVE-2022-37434", "zlib-1"]
    assert cnp["justification"] == "code_not_present"
    assert cnp["detail"] == "[component_not_present] inflateGetHeader is not linked."
    assert by["CVE-2022-37434", "busybox"]["state"] == "resolved"
    assert by["CVE-2022-48174", "busybox"]["state"] == "in_triage"
    refs = {c["bom-ref"] for c in doc["components"]}
    assert {ref for _, ref in by} <= refs


def test_openvex_statements() -> None:
    doc = orjson.loads(render_openvex(sample_doc()))
    assert doc["@context"] == "https://openvex.dev/ns/v0.2.0"
    assert doc["version"] == 2 and doc["timestamp"] == "2024-06-03T14:30:00Z"
    sts = {(s["vulnerability"]["name"], s["products"][0]["@id"]): s for s in doc["statements"]}
    na = sts["CVE-2023-0464", "pkg:generic/openssl@3.0.13"]
    assert na["justification"] == "vulnerable_code_not_in_execute_path"
    assert na["impact_statement"] == "X.509 policy processing is never enabled."
    assert na["products"][0]["identifiers"]["cpe23"].startswith("cpe:2.3:a:openssl")
    aff = sts["CVE-2023-0465", "pkg:generic/openssl@3.0.13"]
    assert aff["action_statement"] == "Update to firmware 4.2.1 or disable remote TLS."
    assert "justification" not in aff
    assert sts["CVE-2022-37434", "pkg:generic/zlib@1.2.13"]["justification"] == (
        "component_not_present"
    )


def test_openvex_folds_justifications() -> None:
    st = replace(statements()[0], justification=Justification.PROTECTED_AT_PERIMETER)
    doc = orjson.loads(render_openvex(sample_doc(statements=(st,))))
    assert doc["statements"][0]["justification"] == "inline_mitigations_already_exist"


def test_csaf_vex_status_flags_remediations() -> None:
    doc = orjson.loads(render_csaf_vex(sample_doc()))
    assert doc["document"]["category"] == "csaf_vex"
    assert doc["document"]["tracking"]["version"] == "2"
    assert [r["number"] for r in doc["document"]["tracking"]["revision_history"]] == ["1", "2"]
    vulns = {v.get("cve"): v for v in doc["vulnerabilities"]}
    v464 = vulns["CVE-2023-0465"]
    assert v464["ids"] == [{"system_name": "GHSA", "text": "GHSA-xxxx-yyyy-zzzz"}]
    assert sorted(r["category"] for r in v464["remediations"]) == ["vendor_fix", "workaround"]
    zl = vulns["CVE-2022-37434"]
    assert set(zl["product_status"]) == {"fixed", "known_not_affected"}
    assert zl["flags"][0]["label"] == "component_not_present"
    assert zl["flags"][0]["product_ids"] == zl["product_status"]["known_not_affected"]
    pid = zl["product_status"]["known_not_affected"][0]
    leaves = _leaves(doc["product_tree"])
    assert leaves[pid]["product_identification_helper"] == {"purl": "pkg:generic/zlib@1.2.13"}


def test_affected_without_responses_gets_none_available() -> None:
    st = replace(statements()[1], responses=(), action_statement="")
    doc = orjson.loads(render_csaf_vex(sample_doc(statements=(st,))))
    assert doc["vulnerabilities"][0]["remediations"] == [
        {
            "category": "none_available",
            "details": "No remediation details provided",
            "product_ids": doc["vulnerabilities"][0]["product_status"]["known_affected"],
        }
    ]
    assert VexStatus.AFFECTED.value == "affected"


def _leaves(node: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if "product" in node:
        out[node["product"]["product_id"]] = node["product"]
    for b in node.get("branches", []):
        out.update(_leaves(b))
    return out
