"""The `hemostat` command end to end, in-process, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from hemostat.cli.main import main
from hemostat.config import Settings, get_settings

ASSETS = Path(__file__).resolve().parents[1] / "assets"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def hemostat(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HEMOSTAT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()

    def run(*args: str) -> Run:
        capsys.readouterr()
        monkeypatch.setattr("sys.argv", ["hemostat", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Run(code, out, err)

    yield run
    get_settings.cache_clear()


@pytest.fixture
def registered(hemostat):  # type: ignore[no-untyped-def]
    assert (
        hemostat(
            "product",
            "add",
            "mini-pump",
            "--name",
            "Mini Pump",
            "--manufacturer",
            "Example Medical",
            "--device-class",
            "II",
        ).code
        == 0
    )
    assert hemostat("release", "add", "mini-pump", "1.0.0", "--date", "2025-01-15").code == 0
    assert hemostat("release", "add", "mini-pump", "1.1.0").code == 0
    return hemostat


def test_product_and_release_listing(registered) -> None:  # type: ignore[no-untyped-def]
    products = registered("product", "list", "--format", "json").json()
    assert [p["key"] for p in products] == ["mini-pump"]
    assert products[0]["device_class"] == "II" and products[0]["releases"] == 2
    table = registered("release", "list", "mini-pump")
    assert "1.0.0" in table.out and "2025-01-15" in table.out


def test_import_twice_then_show_diff_export(registered, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = registered("sbom", "import", "mini-pump", "1.0.0", str(ASSETS / "mini-1.cdx.json"))
    assert first.code == 0 and "revision 1" in first.out
    again = registered("sbom", "import", "mini-pump", "1.0.0", str(ASSETS / "mini-1.cdx.json"))
    assert again.code == 0 and "unchanged" in again.out
    registered("sbom", "import", "mini-pump", "1.1.0", str(ASSETS / "mini-2.cdx.json"))
    shown = registered("sbom", "show", "mini-pump", "1.0.0", "--format", "json").json()
    assert shown["sbom"]["revision"] == 1  # type: ignore[index]
    assert len(shown["components"]) == 4  # type: ignore[index]
    d = registered("sbom", "diff", "mini-pump@1.0.0", "mini-pump@1.1.0", "--format", "json").json()
    assert [c["name"] for c in d["added"]] == ["mynewt-nimble"]  # type: ignore[index]
    out = tmp_path / "export.cdx.json"
    exp = registered(
        "sbom", "export", "mini-pump", "1.1.0", "--to", "cyclonedx-json", "-o", str(out)
    )
    assert exp.code == 0
    doc = json.loads(out.read_text())
    assert doc["specVersion"] == "1.6"
    assert {c["name"] for c in doc["components"]} >= {"wolfssl", "mynewt-nimble"}


def test_bad_input_exit_2_names_the_file_without_traceback(registered, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [')
    r = registered("sbom", "import", "mini-pump", "1.0.0", str(bad))
    assert r.code == 2
    assert str(bad) in r.err and "Traceback" not in r.err + r.out
    assert registered("sbom", "show", "mini-pump", "1.0.0").code == 2  # nothing was stored


def test_usage_errors_exit_2(registered) -> None:  # type: ignore[no-untyped-def]
    r = registered("sbom", "import", "no-such-product", "1.0", str(ASSETS / "mini-1.cdx.json"))
    assert r.code == 2 and "no-such-product" in r.err and "mini-pump" in r.err
    assert registered("sbom", "import").code == 2
    assert registered("sbom", "diff", "mini-pump", "x").code == 2
    assert registered("sbom", "export", "mini-pump", "1.0.0", "--to", "pdf").code == 2


def test_check_is_stateless_and_fail_below_exits_1(hemostat) -> None:  # type: ignore[no-untyped-def]
    r = hemostat("sbom", "check", str(ASSETS / "mini-1.cdx.json"), "--format", "json")
    assert r.code == 0
    report = r.json()["completeness"]  # type: ignore[index]
    assert 0 < report["score"] < 100
    assert (
        hemostat("sbom", "check", str(ASSETS / "mini-1.cdx.json"), "--fail-below", "100").code == 1
    )


def test_enrich_command(registered) -> None:  # type: ignore[no-untyped-def]
    registered("sbom", "import", "mini-pump", "1.0.0", str(ASSETS / "mini-1.cdx.json"))
    r = registered("sbom", "enrich", "mini-pump", "1.0.0", str(ASSETS / "mini-support.csv"))
    assert r.code == 0 and "3 components" in r.out
    assert "not-in-this-sbom" in r.err
