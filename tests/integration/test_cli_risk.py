"""`hemostat rubric|ssvc|postmarket|triage|vex` from the command line, on a real database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from hemostat.cli.main import main
from hemostat.config import Settings, get_settings

ASSETS = Path(__file__).resolve().parents[1] / "assets"
WOLF = "CVE-2023-3724"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HEMOSTAT_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()

    def run(*args: str) -> Run:
        capsys.readouterr()
        monkeypatch.setattr("sys.argv", ["hemostat", *args])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Run(code, out, err)

    for args in (
        ("product", "add", "pump", "--name", "Mini Pump", "--manufacturer", "Example Medical"),
        ("release", "add", "pump", "1.0"),
        ("sbom", "import", "pump", "1.0", str(ASSETS / "mini-1.cdx.json")),
        ("analyze", "pump", "1.0"),
    ):
        r = run(*args)
        assert r.code == 0, (args, r.err)
    yield run
    get_settings.cache_clear()


def test_risk_commands_end_to_end(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(
        "rubric",
        "answer",
        "pump",
        "--scope",
        "product",
        "--set",
        "XAVN=no",
        "--set",
        "XAVP=yes",
        "--set",
        "XAVPA=yes",
        "--set",
        "harm_severity=critical",
        "--author",
        "alice",
    )
    assert r.code == 0, r.err
    shown = cli("rubric", "show", "pump", "1.0", WOLF, "--component", "wolfssl", "-f", "json")
    assert shown.code == 0 and "AV:P" in shown.out
    ssvc = cli("ssvc", "show", "pump", "1.0", WOLF, "--component", "wolfssl", "-f", "json")
    assert ssvc.code == 0 and "1.0.0" in ssvc.out  # the CERT/CC table version is cited
    pm = cli("postmarket", "show", "pump", "1.0", WOLF, "--component", "wolfssl", "-f", "json")
    assert pm.code == 0 and "controlled" in pm.out
    bad = cli(
        "rubric", "answer", "pump", "--scope", "product", "--set", "XAVN=maybe", "--author", "alice"
    )
    assert bad.code == 2 and "XAVN" in bad.err


def test_triage_then_vex_export(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    queue = cli("triage", "list", "-f", "json")
    assert queue.code == 0 and WOLF in queue.out
    missing = cli(
        "triage",
        "set",
        "pump",
        "1.0",
        WOLF,
        "--component",
        "wolfssl",
        "--status",
        "not_affected",
        "--author",
        "a",
        "--reason",
        "r",
    )
    assert missing.code == 2 and "justification" in missing.err
    ok = cli(
        "triage",
        "set",
        "pump",
        "1.0",
        WOLF,
        "--component",
        "wolfssl",
        "--status",
        "not_affected",
        "--justification",
        "requires_configuration",
        "--author",
        "a",
        "--reason",
        "TLS 1.3 is disabled in this build",
    )
    assert ok.code == 0, ok.err
    for fmt in ("cyclonedx", "openvex", "csaf"):
        target = tmp_path / f"vex.{fmt}.json"
        r = cli("vex", "export", "pump", "1.0", "-f", fmt, "-o", str(target))
        assert r.code == 0, r.err
        assert json.loads(target.read_text())
    assert cli("audit", "verify").code == 0


def test_triage_queue_shows_risk_ssvc_and_deadlines(cli) -> None:  # type: ignore[no-untyped-def]
    for scope, answer in (("product", "harm_severity=catastrophic"),
                          (f"vulnerability:{WOLF}", "learned_on=2025-01-01")):  # fmt: skip
        r = cli("rubric", "answer", "pump", "--scope", scope, "--set", answer, "--author", "a")
        assert r.code == 0, r.err
    queue = json.loads(cli("triage", "list", "-f", "json").out)
    [wolf] = [i for i in queue if i["vulnerability"] == WOLF]
    assert wolf["risk"]["control"] == "uncontrolled" and wolf["risk"]["overdue"] is True
    assert wolf["risk"]["next_due"] == "2025-01-31"  # 30 days to tell customers
    assert wolf["risk"]["ssvc"] in ("immediate", "out-of-cycle", "scheduled", "defer")
    assert queue[0]["vulnerability"] == WOLF  # overdue first
    table = cli("triage", "list").out
    assert "uncontrolled" in table and "2025-01-31 overdue" in table and "SSVC" in table
    shown = cli("triage", "show", "pump", "1.0", WOLF, "--component", "wolfssl")
    assert shown.code == 0 and "risk: uncontrolled" in shown.out
    assert "next deadline 2025-01-31 overdue" in shown.out
    as_json = json.loads(cli("triage", "show", "pump", "1.0", WOLF, "-f", "json").out)
    assert [r["control"] for r in as_json["risk"]] == ["uncontrolled"]
