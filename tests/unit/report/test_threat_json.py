"""JSON export: the whole analysis, versioned, sorted and byte-stable."""

from __future__ import annotations

import json

from threat_support import sample_analysis, shuffled

from hemostat import __version__
from hemostat.report.threat_json import render
from snapshot_util import assert_snapshot


def test_json_matches_snapshot() -> None:
    assert_snapshot("threat/analysis.json", render(sample_analysis()))


def test_json_does_not_depend_on_input_order() -> None:
    expected = render(sample_analysis())
    for seed in (8, 9, 10):
        assert render(shuffled(sample_analysis(), seed)) == expected


def test_json_carries_the_whole_analysis() -> None:
    doc = json.loads(render(sample_analysis()))
    assert doc["format"] == "hemostat-threat-analysis/1"
    assert doc["generator"] == {"name": "hemostat", "version": __version__}
    assert doc["rules_version"] == "hemostat-rules 2025.1"
    assert doc["stale_treatments"] == ["MD-S-009@old-flow"]
    model = doc["model"]
    assert [e["id"] for e in model["elements"]] == sorted(e["id"] for e in model["elements"])
    pump = next(e for e in model["elements"] if e["id"] == "pump")
    assert pump["attributes"] == {"runs_rtos": True, "stores_phi": True}
    assert pump["kind"] == "device" and pump["source"] == {"file": "model.yaml", "line": 20}
    assert pump["components"][0] == {
        "cpe": None,
        "name": None,
        "purl": "pkg:github/wolfssl/wolfssl@5.6.6",
    }
    assert len(model["flows"]) == 9 and len(model["treatments"]) == 2
    assert model["assumptions"][0].startswith("The hospital network is hostile")
    threat = next(t for t in doc["threats"] if t["id"] == "MD-S-001@app-to-pump-therapy")
    assert threat["stride"] == "spoofing" and threat["residual_risk"] == "high"
    assert threat["fda_categories"] == ["authentication"]
    no_hazard = next(t for t in doc["threats"] if t["id"] == "MD-I-003@pump-to-ehr")
    assert no_hazard["severity"] is None


def test_json_keys_are_sorted_and_output_ends_with_a_newline() -> None:
    data = render(sample_analysis())
    assert data.endswith(b"}\n")
    doc = json.loads(data)
    assert json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n" == data.decode()
