"""`hemostat advisories` end to end on SQLite and PostgreSQL: a registered device model and its
releases against the CISA ICSMA advisories in the feed store."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner, Result

from hemostat.cli import main as cli_main
from hemostat.cli.advisories import advisories_cmd
from hemostat.config import Settings, get_settings
from hemostat.domain.finding import Confidence
from hemostat.errors import NotFoundError
from hemostat.services import catalog, feeds
from hemostat.services.advisories import advisories_for_products
from hemostat.services.uow import engine_for, unit_of_work

FEED_TABLES = (
    "feeds",
    "vulnerabilities",
    "vuln_keys",
    "kev_entries",
    "epss_scores",
    "csaf_advisories",
    "feed_quarantine",
)


def _clear_feeds(settings: Settings) -> None:
    with engine_for(settings).begin() as conn:
        for table in reversed(FEED_TABLES):
            conn.execute(sa.text(f"DELETE FROM {table}"))


def _register(settings: Settings) -> None:
    with unit_of_work(settings) as s:
        catalog.add_product(
            s, key="bd-alaris-pcu", name="BD Alaris PC Unit", manufacturer="BD", model_number="8015"
        )
        catalog.add_release(s, product="bd-alaris-pcu", version="9.19")
        catalog.add_release(s, product="bd-alaris-pcu", version="12.3")
        catalog.add_product(s, key="other", name="Syringe Driver", manufacturer="Acme Medical")


@pytest.fixture
def icsma_store(
    settings: Settings,
    shared_data: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Settings]:
    """Only the ICSMA advisories in the feed store (the bundled KEV/EPSS/OSV/NVD sets are not
    loaded: ``ensure_bundled`` is a no-op here; the fresh-store test loads them for real)."""
    _clear_feeds(settings)
    with unit_of_work(settings) as s:
        report = feeds.import_path(s, path=shared_data("csaf-cisa-icsma-2017-2021"))
    assert report.records == 109
    monkeypatch.setattr(feeds, "ensure_bundled", lambda session: False)
    _register(settings)
    yield settings
    _clear_feeds(settings)


def test_service_lists_the_advisory_for_the_affected_release(icsma_store: Settings) -> None:
    with unit_of_work(icsma_store) as s:
        hits = advisories_for_products(s)
    assert {(h.advisory, h.product, h.release) for h in hits} == {
        ("ICSMA-17-017-02", "bd-alaris-pcu", "9.19"),  # Alaris 8015 PC unit: 9.33 and prior
        ("ICSMA-20-170-06", "bd-alaris-pcu", "9.19"),  # Alaris PC Unit: 9.13, 9.19, 9.33, 12.1
        ("ICSMA-20-317-01", "bd-alaris-pcu", "9.19"),  # Alaris PC Unit Model 8015: <= 9.33.1
    }  # 12.3 is in no affected range; "Syringe Driver" by Acme is in no advisory
    listed = next(h for h in hits if h.advisory == "ICSMA-20-170-06")
    assert listed.vulnerabilities == ("CVE-2019-11479",)
    assert listed.confidence is Confidence.HIGH and listed.status == "known_affected"


def test_service_for_one_product_and_an_unknown_one(icsma_store: Settings) -> None:
    with unit_of_work(icsma_store) as s:
        assert advisories_for_products(s, product="other") == []
        with pytest.raises(NotFoundError):
            advisories_for_products(s, product="no-such-product")


@pytest.fixture
def cli(icsma_store: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Result]]:
    monkeypatch.setenv("HEMOSTAT_DATABASE_URL", icsma_store.database_url)
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    app = cli_main.app
    if not any(c.name == "advisories" for c in app.registered_commands):
        app = typer.Typer()  # until the root app registers it, as cli/main.py will
        app.callback()(lambda: None)
        app.command("advisories")(advisories_cmd)
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, ["advisories", *args])
    get_settings.cache_clear()


def test_cli_table_and_json(cli: Callable[..., Result]) -> None:
    table = cli()
    assert table.exit_code == 0, table.output
    for text in ("ICSMA-20-170-06", "bd-alaris-pcu", "9.19", "CVE-2019-11479", "vendor_fix"):
        assert text in table.stdout
    assert "12.3" not in table.stdout
    data = json.loads(cli("--product", "bd-alaris-pcu", "--format", "json").stdout)
    assert {d["advisory"] for d in data} == {
        "ICSMA-17-017-02",
        "ICSMA-20-170-06",
        "ICSMA-20-317-01",
    }
    first = data[0]
    assert first["confidence"] == "high" and first["reason"] and first["csaf_product_name"]
    assert cli("--product", "other", "--format", "json").stdout.strip() == "[]"


def test_fresh_store_uses_the_bundled_icsma_advisories(settings: Settings) -> None:
    if "postgresql" in settings.database_url:
        pytest.skip("the full bundled load is exercised on SQLite; PostgreSQL uses the same code")
    _register(settings)
    with unit_of_work(settings) as s:
        hits = advisories_for_products(s, product="bd-alaris-pcu")
    assert "ICSMA-20-170-06" in {h.advisory for h in hits}
