"""Imported VEX documents are kept verbatim (sha256-addressed), cited by the decisions they
produce, listed and returned byte for byte through the CLI, and checked by ``audit verify``;
on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from hemostat.cli.triage import audit_app
from hemostat.cli.vex import vex_app
from hemostat.config import Settings, get_settings
from hemostat.errors import IngestError, NotFoundError, UsageError
from hemostat.services import audit, catalog, sboms, triage, vex
from hemostat.services.uow import engine_for, unit_of_work
from vex_statements import supplier_openvex

MINI = Path(__file__).resolve().parents[1] / "assets" / "mini-1.cdx.json"
app = typer.Typer()
app.add_typer(vex_app, name="vex")
app.add_typer(audit_app, name="audit")


@pytest.fixture
def pump(settings: Settings, tmp_path: Path) -> tuple[Settings, Path]:
    with unit_of_work(settings) as s:
        catalog.add_product(s, key="pump", name="Mini Pump", manufacturer="Example Medical")
        catalog.add_release(s, product="pump", version="1.0")
        sboms.import_sbom(s, product="pump", release="1.0", path=MINI)
    path = tmp_path / "supplier.openvex.json"
    path.write_bytes(
        json.dumps(supplier_openvex(), indent=1).encode() + b"\n"
    )  # exact bytes matter
    return settings, path


def test_document_is_kept_verbatim_and_cited(pump: tuple[Settings, Path]) -> None:
    settings, path = pump
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with unit_of_work(settings) as s:
        first = vex.import_vex(s, path=path, author="carol")
    assert (first.sha256, first.format, first.stored) == (digest, "openvex", True)
    with unit_of_work(settings) as s:
        again = vex.import_vex(s, path=path, author="carol")
        [doc] = vex.documents(s)
        meta, raw = vex.document_source(s, digest[:12])
        history = triage.history(s, product="pump", vulnerability="CVE-2023-3724")
        report = audit.verify(s)
    assert again.stored is False and again.sha256 == digest
    assert raw == path.read_bytes() and meta == doc
    assert (doc.format, doc.statements, doc.imported_by, doc.size) == (
        "openvex", 2, "carol", len(raw)
    )  # fmt: skip
    assert doc.doc_id == "https://wolfssl.example/vex/2025-001"
    assert history and all(digest in h.reason for h in history)
    assert report.ok and report.documents == 1


def test_audit_catches_an_edited_or_missing_document(pump: tuple[Settings, Path]) -> None:
    settings, path = pump
    with unit_of_work(settings) as s:
        vex.import_vex(s, path=path)
    with engine_for(settings).begin() as conn:
        conn.execute(sa.update(sa.table("vex_documents", sa.column("raw"))).values(raw=b"{}"))
    with unit_of_work(settings) as s:
        edited = audit.verify(s)
    assert not edited.ok and "no longer matches its sha256" in edited.problem
    with engine_for(settings).begin() as conn:
        conn.execute(sa.text("DELETE FROM vex_documents"))
    with unit_of_work(settings) as s:
        missing = audit.verify(s)
    assert not missing.ok and "not stored" in missing.problem and missing.broken_at is None


def test_refused_document_is_not_kept(pump: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, _ = pump
    bad = tmp_path / "bad.json"
    bad.write_text('{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [')
    with pytest.raises(IngestError), unit_of_work(settings) as s:
        vex.import_vex(s, path=bad)
    with unit_of_work(settings) as s:
        assert vex.documents(s) == []
        with pytest.raises(UsageError, match="not a sha256"):
            vex.document_source(s, "abc")
        with pytest.raises(NotFoundError):
            vex.document_source(s, "0" * 64)


def test_cli_lists_and_writes_back(
    pump: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings, path = pump
    monkeypatch.setenv("HEMOSTAT_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        imported = runner.invoke(app, ["vex", "import", str(path)])
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert imported.exit_code == 0 and f"kept as sha256 {digest}" in imported.output
        listed = runner.invoke(app, ["vex", "documents", "-f", "json"])
        assert [d["sha256"] for d in json.loads(listed.output)] == [digest]
        out = tmp_path / "back.json"
        assert runner.invoke(app, ["vex", "source", digest[:10], "-o", str(out)]).exit_code == 0
        assert out.read_bytes() == path.read_bytes()
        verified = runner.invoke(app, ["audit", "verify"])
        assert verified.exit_code == 0 and "1 VEX documents match" in verified.output
    finally:
        get_settings.cache_clear()
