"""`hemostat demo` end to end: the whole product on the example devices, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hemostat.cli.main import main


def test_demo_writes_every_artefact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    monkeypatch.setattr("sys.argv", ["hemostat", "demo", "--output", str(out)])
    try:
        main()
    except SystemExit as exc:  # pragma: no cover - success returns normally
        assert exc.code in (0, None)
    printed = capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    assert [r["product"] for r in summary["releases"]].count("infusion-pump") == 2
    assert len(summary["releases"]) == 6 and len(summary["threat_models"]) == 3
    for rel in summary["releases"]:
        folder = out / rel["product"] / rel["version"]
        for name in (
            "sbom.cdx.json",
            "sbom.cdx.xml",
            "sbom.spdx.json",
            "completeness.json",
            "findings.scan.json",
            "findings.sarif",
            "findings.vdr.json",
            "vex.cdx.json",
            "vex.openvex.json",
            "vex.csaf.json",
            "triage.json",
        ):
            assert (folder / name).stat().st_size > 0, folder / name
    findings = {(f["product"], f["version"]): f for f in summary["findings"]}
    assert findings[("imaging-workstation", "8.0")]["kev"] >= 1
    # KEV first: the imaging workstation's top finding is the one in CISA's catalog
    assert findings[("imaging-workstation", "8.0")]["top"][0][3] is True
    assert all(f["findings"] > 0 for f in summary["findings"])
    for product in ("infusion-pump", "patient-monitor", "imaging-workstation"):
        threat = out / product / "threat"
        assert len(list(threat.glob("*.svg"))) == 5
        assert (threat / f"{product}.mud.json").exists()
    assert "Known vulnerabilities" in printed and "KEV" in printed
    # The products' risk answers (portfolio.toml [product.risk]) drive the postmarket control:
    # critical harm makes the pump's findings uncontrolled, minor harm keeps imaging controlled.
    queues = {(t["product"], t["version"]): t for t in summary["triage"]}
    assert all(t["decided"] == 2 for t in queues.values())
    assert queues[("infusion-pump", "2.1.0")]["uncontrolled"] > 0
    assert queues[("imaging-workstation", "8.0")]["uncontrolled"] == 0
    pump = json.loads((out / "infusion-pump" / "2.1.0" / "triage.json").read_text())
    assert pump[0]["control"] == "uncontrolled" and pump[0]["next_due"]
    assert {i["state"] for i in pump} >= {"affected", "not_affected"}
    assert "Triage: risk to patients" in printed
