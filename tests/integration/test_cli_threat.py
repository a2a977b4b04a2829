"""`hemostat threat` and `hemostat mud` end to end (no database involved)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from hemostat.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
PUMP = ROOT / "examples" / "infusion-pump" / "threat" / "model.yaml"
BAD = ROOT / "tests" / "assets" / "threat" / "bad" / "threat-model.yaml"


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr("sys.argv", ["hemostat", *args])
    capsys.readouterr()
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_check_counts_threats_and_fail_on_open(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, monkeypatch, "threat", "check", str(PUMP), "--format", "json")
    assert code == 0
    summary = json.loads(out)
    assert summary["rules"] >= 60
    assert summary["threats"] == sum(summary["by_stride"].values()) > 0
    assert 0 < summary["open"] < summary["threats"]
    code, _, _ = run(capsys, monkeypatch, "threat", "check", str(PUMP), "--fail-on-open")
    assert code == 1


def test_invalid_model_lists_every_problem_with_file_and_line(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, monkeypatch, "threat", "check", str(BAD))
    assert code == 2
    assert "Traceback" not in out + err
    assert err.count("line ") >= 3  # several problems, each located
    assert "threat-model.yaml" in err and "more.yaml" in err


def test_user_rules_add_to_the_builtin_library(capsys, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "extra.yaml").write_text(
        """
- id: ACME-S-001
  title: Any pump flow at all
  stride: spoofing
  target: flow
  when: 'flow.transport == "ble"'
  mitigated_by: [acme_magic]
  exploitability: low
  description: House rule used by the tests.
  capec: [CAPEC-151]
  cwe: [CWE-290]
  fda_categories: [authentication]
  iec62443: ["CR 1.2"]
  nist80053: [IA-3]
"""
    )
    _, base, _ = run(capsys, monkeypatch, "threat", "check", str(PUMP), "--format", "json")
    code, out, _ = run(
        capsys,
        monkeypatch,
        "threat",
        "check",
        str(PUMP),
        "--rules",
        str(tmp_path),
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["rules"] == json.loads(base)["rules"] + 1
    assert json.loads(out)["threats"] > json.loads(base)["threats"]


def test_report_diagram_trace_and_all(capsys, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, monkeypatch, "threat", "report", str(PUMP))
    assert code == 0 and out.startswith("#") and "MD-" in out
    svg = tmp_path / "mp.svg"
    code, _, _ = run(
        capsys,
        monkeypatch,
        "threat",
        "diagram",
        str(PUMP),
        "--view",
        "multi_patient_harm",
        "-o",
        str(svg),
    )
    assert code == 0 and etree.fromstring(svg.read_bytes()).tag.endswith("svg")
    code, out, _ = run(capsys, monkeypatch, "threat", "trace", str(PUMP))
    assert code == 0 and out.splitlines()[0].lower().startswith("hazard")
    code, _, _ = run(capsys, monkeypatch, "threat", "diagram", str(PUMP), "--view", "nope")
    assert code == 2
    code, _, _ = run(
        capsys, monkeypatch, "threat", "report", str(PUMP), "--all", str(tmp_path / "all")
    )
    assert code == 0
    assert len(list((tmp_path / "all").iterdir())) == 10


def test_mud_generate_then_check(capsys, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mud = tmp_path / "pump.mud.json"
    code, _, err = run(
        capsys,
        monkeypatch,
        "mud",
        "generate",
        str(PUMP),
        "--device",
        "pump",
        "--mud-url",
        "https://mud.example/pump.json",
        "--last-update",
        "2025-06-01T00:00:00Z",
        "-o",
        str(mud),
    )
    assert code == 0, err
    doc = json.loads(mud.read_text())
    assert doc["ietf-mud:mud"]["mud-url"] == "https://mud.example/pump.json"
    code, out, _ = run(capsys, monkeypatch, "mud", "check", str(mud), "--format", "json")
    assert code == 0 and json.loads(out)["errors"] == 0
    doc["ietf-mud:mud"]["mud-url"] = "http://insecure.example/x.json"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc))
    code, out, _ = run(capsys, monkeypatch, "mud", "check", str(broken))
    assert code == 1 and "https" in out
    code, _, err = run(
        capsys,
        monkeypatch,
        "mud",
        "generate",
        str(PUMP),
        "--device",
        "nope",
        "--mud-url",
        "https://mud.example/x.json",
    )
    assert code == 2 and "nope" in err
