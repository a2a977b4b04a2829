"""The feed store on SQLite and PostgreSQL: import, replace vs upsert, shrink guard, quarantine,
affected releases, the bundled snapshot, status and load_intel."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from hemostat.config import Settings
from hemostat.domain.vulnerability import FeedKind
from hemostat.errors import FeedError
from hemostat.services import catalog, feed_bundle, feeds, sboms
from hemostat.services.uow import engine_for, unit_of_work

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "feeds"
FEED_TABLES = (
    "feeds",
    "vulnerabilities",
    "vuln_keys",
    "kev_entries",
    "epss_scores",
    "csaf_advisories",
    "feed_quarantine",
)


@pytest.fixture
def db(settings: Settings) -> Settings:
    """An empty feed store (the shared PostgreSQL database keeps rows between tests)."""
    with engine_for(settings).begin() as conn:
        for table in reversed(FEED_TABLES):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    return settings


def counts(settings: Settings) -> dict[str, int]:
    with engine_for(settings).connect() as conn:
        return {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in FEED_TABLES
        }


def imp(settings: Settings, path: Path, **kw: object) -> feeds.FeedImportReport:
    with unit_of_work(settings) as s:
        return feeds.import_path(s, path=path, **kw)  # type: ignore[arg-type]


def test_kev_import_then_identical_and_changed_catalogs(db: Settings) -> None:
    first = imp(db, ASSETS / "kev-6.json")
    assert (first.feed, first.kind, first.added, first.records) == ("kev", FeedKind.KEV, 6, 6)
    again = imp(db, ASSETS / "kev-6.json")
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 6)
    later = imp(db, ASSETS / "kev-7.json")
    assert (later.added, later.updated, later.removed, later.unchanged) == (1, 1, 0, 5)
    assert later.snapshot == date(2025, 8, 26)
    with unit_of_work(db) as s:
        intel = feeds.load_intel(s)
    changed = json.loads((ASSETS / "kev-7.json").read_text())["vulnerabilities"][1]["cveID"]
    assert intel.kev[changed].ransomware == "Known"
    provenance = intel.kev[changed].provenance
    assert provenance is not None and provenance.snapshot == date(2025, 8, 26)
    assert counts(db)["kev_entries"] == 7


def test_shrink_guard_refuses_and_changes_nothing(db: Settings) -> None:
    imp(db, ASSETS / "kev-6.json")
    before = counts(db)
    with pytest.raises(FeedError) as err:
        imp(db, ASSETS / "kev-2.json")
    assert err.value.code == "feed_shrink_refused"
    assert "2 records" in err.value.message and "holds 6" in err.value.message
    assert "--allow-shrink" in (err.value.hint or "")
    assert counts(db) == before
    merged = imp(db, ASSETS / "kev-2.json", merge=True)  # an update: nothing removed
    assert (merged.complete, merged.removed, merged.unchanged, merged.records) == (False, 0, 2, 6)
    report = imp(db, ASSETS / "kev-2.json", allow_shrink=True)
    assert (report.removed, report.records) == (4, 2)
    assert counts(db)["kev_entries"] == 2


def test_osv_folder_with_a_broken_record_is_quarantined_and_counted(
    db: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "osv"
    shutil.copytree(ASSETS / "osv-go", folder)
    (folder / "GO-0000-BROKEN.json").write_text('{"id": "GO-0000-BROKEN", "affected": 7}')
    report = imp(db, folder)
    assert report.feed == "osv:Go"
    assert report.records == 3 and report.quarantined == 1
    with engine_for(db).connect() as conn:
        q = conn.execute(sa.text("SELECT record, reason FROM feed_quarantine")).all()
        keys = set(conn.execute(sa.text("SELECT key FROM vuln_keys")).scalars())
    assert len(q) == 1 and "BROKEN" in q[0][0]
    assert "pkg:Go/github.com/openfga/openfga" in keys
    with unit_of_work(db) as s:
        (row,) = feeds.status(s)
    assert (row.quarantined, row.origin) == (1, "imported")


def test_nvd_deltas_upsert_by_id(db: Settings) -> None:
    first = imp(db, ASSETS / "nvd" / "page-1.json")
    assert (first.feed, first.complete, first.added) == ("nvd", False, 2)
    second = imp(db, ASSETS / "nvd")  # both pages: one new record, two already stored
    assert (second.added, second.unchanged, second.removed, second.records) == (1, 2, 0, 3)
    with unit_of_work(db) as s:
        intel = feeds.load_intel(s)
    assert intel.index.by_cpe("busybox", "busybox")


def test_a_delta_never_removes_and_a_feed_family_only_replaces_itself(db: Settings) -> None:
    imp(db, ASSETS / "osv-go")
    imp(db, ASSETS / "osv-pypi")
    with unit_of_work(db) as s:
        by_name = {r.feed: r.records for r in feeds.status(s)}
    assert by_name == {"osv:Go": 3, "osv:PyPI": 2}


SBOM = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "version": 1,
    "metadata": {"component": {"type": "firmware", "name": "pump-fw", "bom-ref": "fw"}},
    "components": [
        {
            "type": "library",
            "name": "jinja2",
            "version": "2.10",
            "purl": "pkg:pypi/jinja2@2.10",
            "bom-ref": "jinja2",
        },
        {
            "type": "library",
            "name": "zlib",
            "version": "1.2.11",
            "purl": "pkg:generic/zlib@1.2.11",
            "bom-ref": "zlib",
        },
    ],
}


def test_import_reports_releases_that_became_and_stopped_being_affected(
    db: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "pump.cdx.json"
    path.write_text(json.dumps(SBOM))
    with unit_of_work(db) as s:
        catalog.add_product(s, key="pump", name="Pump", manufacturer="Example Medical")
        catalog.add_release(s, product="pump", version="2.0")
        sboms.import_sbom(s, product="pump", release="2.0", path=path, settings=db)
    report = imp(db, ASSETS / "osv-pypi")
    (rel,) = report.releases
    assert (rel.product, rel.release) == ("pump", "2.0")
    assert set(rel.became) == {"CVE-2019-10906", "CVE-2020-28493"} and rel.cleared == ()
    # The advisory is withdrawn upstream: the release stops being affected by it.
    folder = tmp_path / "osv-pypi"
    shutil.copytree(ASSETS / "osv-pypi", folder)
    record = folder / "PYSEC-2019-217.yaml"
    record.write_text(record.read_text() + "withdrawn: '2022-01-01T00:00:00Z'\n")
    (rel,) = imp(db, folder).releases
    assert rel.became == () and rel.cleared == ("CVE-2019-10906",)
    assert imp(db, folder).releases == ()  # nothing changed, nothing reported


def test_bundled_snapshot_loads_once_and_feeds_scanning(settings: Settings) -> None:
    if "postgresql" in settings.database_url:
        pytest.skip("the full bundled load is exercised on SQLite; PostgreSQL uses the same code")
    manifest = feed_bundle.read_manifest()
    assert {e.kind for e in manifest.sets} == set(FeedKind)
    with unit_of_work(settings) as s:
        assert feeds.ensure_bundled(s) is True
    with unit_of_work(settings) as s:
        assert feeds.ensure_bundled(s) is False
        rows = {r.feed: r for r in feeds.status(s, today=date(2026, 8, 20))}
        intel = feeds.load_intel(s)
    assert {e.feed: e.records for e in manifest.sets} == {k: r.records for k, r in rows.items()}
    assert all(r.origin == "bundled" and r.source.startswith("bundled:") for r in rows.values())
    assert not rows["epss"].stale and rows["kev"].stale  # 4 days vs ~1 year old
    assert rows["kev"].licence == "CC0-1.0"
    assert len(intel.kev) == rows["kev"].records
    assert intel.index.by_package("PyPI", "Jinja2")
    assert intel.index.by_cpe("busybox", "busybox")
    assert "CVE-2019-10906" in intel.epss  # EPSS kept for CVEs a finding can carry
    assert len(intel.epss) < rows["epss"].records
    assert intel.advisories and all(a.provenance.feed is FeedKind.CSAF for a in intel.advisories)


def test_bundled_set_with_a_bad_checksum_is_refused(tmp_path: Path) -> None:
    (entry,) = [e for e in feed_bundle.read_manifest().sets if e.name == "kev"]
    data = bytearray(feed_bundle.bundle_dir().joinpath(entry.file).read_bytes())
    data[100] ^= 0xFF
    (tmp_path / entry.file).write_bytes(bytes(data))
    with pytest.raises(FeedError, match="checksum"):
        feed_bundle.read_set(entry, root=tmp_path)


def test_status_marks_stale_feeds_per_kind(db: Settings) -> None:
    imp(db, ASSETS / "kev-6.json")  # snapshot 2025-08-25
    imp(db, ASSETS / "epss-small.csv.gz")  # snapshot 2026-08-16
    with unit_of_work(db) as s:
        rows = {r.feed: r for r in feeds.status(s, today=date(2026, 8, 20))}
        custom = {
            r.feed: r
            for r in feeds.status(s, today=date(2026, 8, 20), stale_days={FeedKind.EPSS: 2})
        }
    assert rows["epss"].age_days == 4 and not rows["epss"].stale
    assert rows["kev"].stale and rows["kev"].stale_after_days == 7
    assert custom["epss"].stale


def test_import_reports_a_release_hit_by_a_near_miss_cpe(db: Settings, tmp_path: Path) -> None:
    """The SBOM spells the vendor "busybox_project", NVD "busybox": the matcher reports it as a
    near miss, so a feed change must find the release through the near-miss rules too."""
    sbom = json.loads(json.dumps(SBOM))
    sbom["components"] = [
        {
            "type": "application",
            "name": "busybox",
            "version": "1.35.0",
            "cpe": "cpe:2.3:a:busybox_project:busybox:1.35.0:*:*:*:*:*:*:*",
            "bom-ref": "busybox",
        }
    ]
    path = tmp_path / "monitor.cdx.json"
    path.write_text(json.dumps(sbom))
    with unit_of_work(db) as s:
        catalog.add_product(s, key="monitor", name="Monitor", manufacturer="Example Medical")
        catalog.add_release(s, product="monitor", version="5.0")
        sboms.import_sbom(s, product="monitor", release="5.0", path=path, settings=db)
    (rel,) = imp(db, ASSETS / "nvd" / "page-1.json").releases
    assert (rel.product, rel.release, rel.became) == ("monitor", "5.0", ("CVE-2022-48174",))
