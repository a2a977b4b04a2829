"""`hemostat scan`, `analyze`, `explain` end to end against the bundled feed snapshot.

The bundled snapshot is loaded once per session into a fresh SQLite store through the real
``load_local_intel`` (the fresh, offline machine path); every other test reuses that ``Intel`` by
replacing ``services.scan.session_intel``, the one seam every scan path loads intel through.
Stored findings run on SQLite and PostgreSQL (the ``settings`` fixture).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from hemostat.cli import main as cli_main
from hemostat.cli import scan as scan_cli
from hemostat.config import Settings, get_settings
from hemostat.match.index import VulnIndex
from hemostat.report import sarif, scan_json, vdr
from hemostat.services import scan
from hemostat.services.feeds import Intel
from scan_support import cyclonedx_validator, errors, sarif_validator, scan_result_validator
from snapshot_util import assert_snapshot

ASSETS = Path(__file__).resolve().parents[1] / "assets"
MINI = ASSETS / "mini-1.cdx.json"
HEARTBLEED = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "version": 1,
    "components": [
        {
            "type": "library",
            "bom-ref": "openssl",
            "name": "openssl",
            "version": "1.0.1f",
            "cpe": "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*",
        }
    ],
}


@pytest.fixture(scope="session")
def intel(tmp_path_factory: pytest.TempPathFactory) -> Intel:
    db = tmp_path_factory.mktemp("feeds") / "feeds.db"
    return scan.load_local_intel(Settings(database_url=f"sqlite:///{db}"))


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def hemostat(settings: Settings, intel: Intel, monkeypatch: pytest.MonkeyPatch, capsys):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HEMOSTAT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("COLUMNS", "220")
    monkeypatch.setattr(scan, "session_intel", lambda _s: intel)
    get_settings.cache_clear()
    app = cli_main.app
    if "scan" not in {c.name for c in app.registered_commands}:  # until the lead wires them
        monkeypatch.setattr(app, "registered_commands", list(app.registered_commands))
        for name, fn in (
            ("scan", scan_cli.scan_cmd),
            ("analyze", scan_cli.analyze_cmd),
            ("explain", scan_cli.explain_cmd),
        ):
            app.command(name)(fn)

    def run(*args: str) -> Run:
        capsys.readouterr()
        monkeypatch.setattr("sys.argv", ["hemostat", *args])
        code = 0
        try:
            cli_main.main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Run(code, out, err)

    yield run
    get_settings.cache_clear()


def test_mini_sbom_findings_with_evidence(intel: Intel) -> None:
    report = scan.scan_file(MINI, intel=intel)
    found = {(f.finding.component, f.finding.vulnerability): f for f in report.findings}
    assert {
        ("lwip", "CVE-2020-22284"),
        ("wolfssl", "CVE-2022-25638"),
        ("wolfssl", "CVE-2023-3724"),
    } <= set(found)
    wolf = found[("wolfssl", "CVE-2022-25638")].finding
    ev = wolf.evidence[0]
    assert (ev.matcher, ev.feed) == ("nvd-cpe", "nvd")
    assert ev.identifier == "cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*"
    assert "<5.2.0" in ev.matched
    assert wolf.epss is not None and wolf.cvss
    scores = [f.score or -1.0 for f in report.findings]
    assert scores == sorted(scores, reverse=True)  # no KEV here: ordered by CVSS
    assert [k.component for k in report.skipped] == ["druglib"]
    assert report.skipped[0].reason == "no purl or CPE"
    assert {"kev", "nvd", "epss"} <= {f.feed for f in report.feeds}
    assert [c.bom_ref for c in report.components] == ["lwip", "wolfssl"]


@pytest.mark.parametrize(
    ("fmt", "render", "validator"),
    [
        ("json", scan_json.render_json, scan_result_validator),
        ("sarif", sarif.render_sarif, sarif_validator),
        ("vdr.json", vdr.render_vdr, cyclonedx_validator),
    ],
)
def test_outputs_valid_and_snapshot(
    intel: Intel, monkeypatch: pytest.MonkeyPatch, fmt: str, render: Any, validator: Any
) -> None:
    monkeypatch.chdir(ASSETS)  # a relative path keeps the snapshot machine-independent
    data = render(scan.scan_file(Path("mini-1.cdx.json"), intel=intel))
    assert errors(validator(), data) == []
    assert_snapshot(f"scan/mini-1.{fmt}", data)


def test_kev_findings_sort_first_and_fail_on_kev(hemostat, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sbom = tmp_path / "heartbleed.cdx.json"
    sbom.write_text(json.dumps(HEARTBLEED))
    r = hemostat("scan", str(sbom), "--format", "json", "--fail-on", "kev")
    assert r.code == 1
    doc = r.json()
    assert errors(scan_result_validator(), r.out.encode()) == []
    first = doc["findings"][0]
    assert first["id"] == "CVE-2014-0160" and first["kev"]["date_added"] == "2022-05-04"
    assert doc["summary"]["threshold_met"] is True


def test_fail_on_thresholds(hemostat) -> None:  # type: ignore[no-untyped-def]
    assert hemostat("scan", str(MINI), "--format", "json", "--fail-on", "kev").code == 0
    assert hemostat("scan", str(MINI), "--format", "json", "--fail-on", "critical").code == 1
    assert hemostat("scan", str(MINI), "--format", "json").code == 0
    assert hemostat("scan", str(MINI), "--fail-on", "severe").code == 2  # not a threshold


def test_table_output(hemostat) -> None:  # type: ignore[no-untyped-def]
    r = hemostat("scan", str(MINI))
    assert r.code == 0
    assert "CVE-2023-3724" in r.out and "wolfssl 4.8.1" in r.out
    assert "critical 1" in r.out and "█" in r.out
    assert "drug-library-parser" in r.out and "no purl or CPE" in r.out


def test_sarif_and_vdr_to_a_file(hemostat, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "mini.sarif"
    assert hemostat("scan", str(MINI), "--format", "sarif", "--output", str(out)).code == 0
    assert errors(sarif_validator(), out.read_bytes()) == []
    r = hemostat("scan", str(MINI), "--format", "cyclonedx-vdr")
    assert r.code == 0 and errors(cyclonedx_validator(), r.out.encode()) == []


@pytest.mark.parametrize(
    "content", [b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [', b"\x00\xff"]
)
def test_bad_sbom_exits_2(hemostat, tmp_path: Path, content: bytes) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    r = hemostat("scan", str(bad))
    assert r.code == 2 and "error" in r.err
    assert hemostat("scan", str(tmp_path / "missing.json")).code == 2


@pytest.fixture
def released(hemostat):  # type: ignore[no-untyped-def]
    assert (
        hemostat("product", "add", "mini-pump", "--name", "Mini", "--manufacturer", "X").code == 0
    )
    assert hemostat("release", "add", "mini-pump", "1.0.0").code == 0
    assert hemostat("sbom", "import", "mini-pump", "1.0.0", str(MINI)).code == 0
    return hemostat


def test_analyze_stores_findings_and_reanalysis_replaces_them(
    released, intel: Intel, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    first = released("analyze", "mini-pump", "1.0.0", "--format", "json")
    assert first.code == 0, first.err
    stored = {(f["component"]["bom_ref"], f["id"]) for f in first.json()["findings"]}
    assert ("wolfssl", "CVE-2022-25638") in stored
    assert f"{len(stored)} findings stored (previously 0)" in first.err
    again = released("analyze", "mini-pump", "1.0.0", "--format", "json")
    assert f"{len(stored)} findings stored (previously {len(stored)})" in again.err
    assert _stored(released, "CVE-2022-25638") == ["mini-pump@1.0.0#1"]
    # a feed without wolfSSL's CVE: re-analysis drops the stored finding, nothing lingers
    keep = [v for v in _all_vulns(intel) if v.id != "CVE-2022-25638"]
    monkeypatch.setattr(
        scan, "session_intel", lambda _s: replace(intel, index=VulnIndex.build(keep))
    )
    third = released("analyze", "mini-pump", "1.0.0", "--format", "json")
    assert f"{len(stored) - 1} findings stored (previously {len(stored)})" in third.err
    assert _stored(released, "CVE-2022-25638") == []


def _stored(run, vuln: str) -> list[str]:  # type: ignore[no-untyped-def]
    hits = run("explain", vuln, "--format", "json").json()["hits"]
    return [h["where"] for h in hits]


def _all_vulns(intel: Intel) -> list[Any]:
    """Every record that can hit a component of the mini SBOM (all of them are CPE matches)."""
    pairs = (("wolfssl", "wolfssl"), ("lwip_project", "lwip"), ("amazon", "freertos"))
    return list({v.id: v for p in pairs for v in intel.index.by_cpe(*p)}.values())


def test_explain_names_the_range_feed_and_confidence(released) -> None:  # type: ignore[no-untyped-def]
    r = released("explain", "CVE-2022-25638", "--file", str(MINI))
    assert r.code == 0
    assert "nvd-cpe (cpe-exact)" in r.out
    assert "cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*" in r.out
    assert "<5.2.0" in r.out and "confidence  high" in r.out
    assert "feed        nvd, snapshot" in r.out and "CISA KEV: not listed" in r.out
    live = released("explain", "CVE-2022-25638", "--release", "mini-pump@1.0.0")
    assert "matched now (the release was never analysed)" in live.out
    assert released("analyze", "mini-pump", "1.0.0").code == 0
    stored = released("explain", "CVE-2022-25638", "--release", "mini-pump@1.0.0")
    assert "stored analysis" in stored.out and "<5.2.0" in stored.out
    none = released("explain", "CVE-1999-0001", "--file", str(MINI))
    assert "is not on any component" in none.out
    assert released("explain", "CVE-2022-25638", "--release", "nonsense").code == 2
