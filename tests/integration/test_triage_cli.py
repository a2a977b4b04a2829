"""`hemostat triage` and `hemostat audit verify` through Typer, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from hemostat.cli.triage import audit_app, triage_app
from hemostat.config import Settings, get_settings
from hemostat.errors import ConflictError
from hemostat.services import catalog, sboms
from hemostat.services.uow import engine_for, unit_of_work

MINI = Path(__file__).resolve().parents[1] / "assets" / "mini-1.cdx.json"
app = typer.Typer()
app.add_typer(triage_app, name="triage")
app.add_typer(audit_app, name="audit")


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HEMOSTAT_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    with unit_of_work(settings) as s:
        catalog.add_product(s, key="pump", name="Pump", manufacturer="ACME")
        catalog.add_release(s, product="pump", version="1.0")
        sboms.import_sbom(s, product="pump", release="1.0", path=MINI)
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


SET = ("triage", "set", "pump", "1.0", "CVE-2021-1", "--component", "wolfssl")


def test_set_show_and_verify(cli, settings: Settings):  # type: ignore[no-untyped-def]
    ok = cli(*SET, "--status", "not_affected", "--justification", "code_not_reachable",
             "--author", "alice", "--reason", "not called", "-f", "json")  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["sequence"] == 1
    cli(*SET, "--status", "affected", "--response", "update", "--author", "bob", "--reason", "r")
    shown = json.loads(cli("triage", "show", "pump", "1.0", "CVE-2021-1", "-f", "json").output)
    assert shown["current"][0]["status"] == "affected"
    assert [h["author"] for h in shown["history"]] == ["alice", "bob"]
    assert cli("audit", "verify").exit_code == 0
    with engine_for(settings).begin() as conn:
        conn.execute(sa.text("UPDATE analysis_records SET author = 'mallory' WHERE id = 1"))
    broken = cli("audit", "verify", "-f", "json")
    assert broken.exit_code == 1 and json.loads(broken.output)["broken_at"] == 1


def test_set_rejects_missing_justification_and_stale_sequence(cli):  # type: ignore[no-untyped-def]
    bad = cli(*SET, "--status", "not_affected", "--author", "a", "--reason", "r")
    assert bad.exit_code != 0 and "justification" in str(bad.exception)
    cli(*SET, "--status", "affected", "--author", "a", "--reason", "r")
    stale = cli(*SET, "--status", "fixed", "--author", "b", "--reason", "r",
                "--expected-sequence", "0")  # fmt: skip
    assert isinstance(stale.exception, ConflictError)
    listed = cli("triage", "list", "--product", "pump", "-f", "json")
    # Never analysed: the queue holds only what a decision declares (affected, not matched).
    [declared] = json.loads(listed.output)
    assert listed.exit_code == 0 and declared["declared"] and declared["state"] == "affected"
