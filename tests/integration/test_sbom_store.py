"""SBOM lifecycle on a real database (SQLite and PostgreSQL): import, revisions, diff, enrich."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from hemostat.config import Settings
from hemostat.domain.component import SupportLevel
from hemostat.errors import ConflictError, IngestError, NotFoundError
from hemostat.services import catalog, sboms
from hemostat.services.uow import engine_for, unit_of_work

ASSETS = Path(__file__).resolve().parents[1] / "assets"
TABLES = ("products", "releases", "sboms", "components", "dependencies", "sbom_enrichments")


def counts(settings: Settings) -> dict[str, int]:
    with engine_for(settings).connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


@pytest.fixture
def pump(settings: Settings) -> Settings:
    with unit_of_work(settings) as s:
        catalog.add_product(
            s, key="mini-pump", name="Mini Pump", manufacturer="Example Medical", device_class="II"
        )
        catalog.add_release(s, product="mini-pump", version="1.0.0", released=date(2025, 1, 15))
        catalog.add_release(s, product="mini-pump", version="1.1.0")
    return settings


def imp(settings: Settings, release: str, name: str, **kw: Path) -> sboms.ImportResult:
    with unit_of_work(settings) as s:
        return sboms.import_sbom(
            s, product="mini-pump", release=release, path=ASSETS / name, settings=settings, **kw
        )


def test_import_stores_components_dependencies_and_original_bytes(pump: Settings) -> None:
    result = imp(pump, "1.0.0", "mini-1.cdx.json")
    assert result.created and result.sbom.revision == 1
    assert result.sbom.component_count == 4
    with unit_of_work(pump) as s:
        view, sbom = sboms.show(s, product="mini-pump", release="1.0.0")
        raw = sboms.find_sbom(s, product="mini-pump", release="1.0.0", revision=None).raw
    assert raw == (ASSETS / "mini-1.cdx.json").read_bytes()
    by_ref = {c.bom_ref: c for c in sbom.components}
    assert by_ref["freertos"].level_of_support is SupportLevel.ACTIVELY_MAINTAINED
    assert by_ref["freertos"].end_of_support == date(2027, 12, 31)
    assert by_ref["freertos"].cpes == ("cpe:2.3:o:amazon:freertos:10.4.3:*:*:*:*:*:*:*",)
    assert ("wolfssl", "lwip") in {(d.ref, d.depends_on) for d in sbom.dependencies}
    assert sbom.subject is not None and sbom.subject.name == "mini-pump-firmware"
    assert view.completeness["score"] < 100  # lwip and the parser lack support data


def test_same_bytes_twice_changes_nothing(pump: Settings) -> None:
    imp(pump, "1.0.0", "mini-1.cdx.json")
    before = counts(pump)
    again = imp(pump, "1.0.0", "mini-1.cdx.json")
    assert not again.created and again.sbom.revision == 1
    assert counts(pump) == before


def test_new_sbom_is_a_new_revision_and_diff_shows_changes(pump: Settings) -> None:
    imp(pump, "1.0.0", "mini-1.cdx.json")
    second = imp(pump, "1.0.0", "mini-2.cdx.json")
    assert second.created and second.sbom.revision == 2
    with unit_of_work(pump) as s:
        d = sboms.diff_sboms(
            s, before=sboms.Ref("mini-pump", "1.0.0", 1), after=sboms.Ref("mini-pump", "1.0.0", 2)
        )
    assert [c.name for c in d.added] == ["mynewt-nimble"]
    assert [c.name for c in d.removed] == ["lwip"]
    changed = {c.name: {f.field: (f.before, f.after) for f in c.changes} for c in d.changed}
    assert changed["wolfssl"]["version"] == ("4.8.1", "5.6.6")
    assert d.unchanged == 2


def test_component_identity_is_stable_across_revisions(pump: Settings) -> None:
    imp(pump, "1.0.0", "mini-1.cdx.json")
    imp(pump, "1.1.0", "mini-2.cdx.json")
    with unit_of_work(pump) as s:
        a = sboms.load(s, product="mini-pump", release="1.0.0")
        b = sboms.load(s, product="mini-pump", release="1.1.0")
    ida = {c.name: c.identity for c in a.components}
    idb = {c.name: c.identity for c in b.components}
    assert ida["wolfssl"] == idb["wolfssl"] == "purl:pkg:github/wolfssl/wolfssl"


def test_bad_file_writes_nothing(pump: Settings, tmp_path: Path) -> None:
    imp(pump, "1.0.0", "mini-1.cdx.json")
    before = counts(pump)
    bad = tmp_path / "broken.cdx.json"
    bad.write_bytes((ASSETS / "mini-2.cdx.json").read_bytes()[:-200])
    with pytest.raises(IngestError) as err:
        imp_path(pump, bad)
    assert err.value.file == str(bad)
    assert counts(pump) == before


def imp_path(settings: Settings, path: Path) -> None:
    with unit_of_work(settings) as s:
        sboms.import_sbom(s, product="mini-pump", release="1.0.0", path=path, settings=settings)


def test_enrich_fills_support_data_and_reports_unmatched(pump: Settings) -> None:
    imp(pump, "1.0.0", "mini-1.cdx.json")
    with unit_of_work(pump) as s:
        score_before = sboms.show(s, product="mini-pump", release="1.0.0")[0].completeness["score"]
    with unit_of_work(pump) as s:
        applied, unmatched = sboms.enrich(
            s, product="mini-pump", release="1.0.0", path=ASSETS / "mini-support.csv"
        )
    assert applied == 3
    assert unmatched == ["line 5: pkg:npm/not-in-this-sbom"]
    with unit_of_work(pump) as s:
        view, sbom = sboms.show(s, product="mini-pump", release="1.0.0")
    by = {c.name: c for c in sbom.components}
    assert by["lwip"].end_of_support == date(2026, 6, 30)
    assert by["wolfssl"].end_of_support == date(2028, 1, 1)
    assert by["drug-library-parser"].support_note is not None
    assert view.completeness["score"] > score_before
    assert counts(pump)["sbom_enrichments"] == 1


def test_bad_support_csv_changes_nothing(pump: Settings, tmp_path: Path) -> None:
    imp(pump, "1.0.0", "mini-1.cdx.json")
    before = counts(pump)
    bad = tmp_path / "support.csv"
    bad.write_text("match,level_of_support,end_of_support,support_note\nlwip,forever,,\n")
    with pytest.raises(IngestError) as err, unit_of_work(pump) as s:
        sboms.enrich(s, product="mini-pump", release="1.0.0", path=bad)
    assert err.value.location == "line 2, column level_of_support"
    assert counts(pump) == before


def test_catalog_errors(pump: Settings) -> None:
    with pytest.raises(ConflictError), unit_of_work(pump) as s:
        catalog.add_product(s, key="mini-pump", name="x", manufacturer="y")
    with pytest.raises(NotFoundError) as err, unit_of_work(pump) as s:
        catalog.get_release(s, "mini-pump", "9.9")
    assert "1.0.0" in (err.value.hint or "")
    with unit_of_work(pump) as s:
        releases = catalog.list_releases(s, product="mini-pump")
        products = catalog.list_products(s)
    assert [r.version for r in releases] == ["1.0.0", "1.1.0"]
    assert products[0].releases == 2
