"""CISA KEV catalog: the real 2025-08-25 catalog read field by field, and broken catalogs and
entries turned into FeedError (whole file) or Quarantined entries (one entry) with reasons."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from hemostat.domain.vulnerability import FeedBatch, FeedKind, KevEntry
from hemostat.errors import FeedError
from hemostat.feeds import read_feed
from hemostat.feeds.kev import KevReader

ENTRY: dict[str, Any] = {
    "cveID": "CVE-2024-0001",
    "vendorProject": "Acme",
    "product": "Infusion Pump",
    "vulnerabilityName": "Acme Pump Authentication Bypass",
    "dateAdded": "2024-02-01",
    "shortDescription": "x",
    "requiredAction": "Apply updates per vendor instructions.",
    "dueDate": "2024-02-22",
    "knownRansomwareCampaignUse": "Unknown",
    "notes": "https://example.com",
    "cwes": ["CWE-287", "NVD-CWE-noinfo"],
    "forensicTriage": "No",  # a newer field: ignored
}


def catalog(entries: list[Any], **top: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2024.02.01",
        "dateReleased": "2024-02-01T17:00:00.000Z",
        "count": len(entries),
        "vulnerabilities": entries,
    }
    doc.update(top)
    return doc


def write(tmp_path: Path, doc: Any, name: str = "kev.json") -> Path:
    path = tmp_path / name
    path.write_bytes(doc if isinstance(doc, bytes) else orjson.dumps(doc))
    return path


@pytest.fixture(scope="module")
def real(shared_data: Callable[[str], Path]) -> FeedBatch:
    return read_feed(shared_data("cisa-kev") / "known_exploited_vulnerabilities.json")


def by_cve(batch: FeedBatch) -> dict[str, KevEntry]:
    return {e.cve: e for e in batch.kev}


def test_real_catalog_counts(real: FeedBatch) -> None:
    assert real.feed is FeedKind.KEV
    assert real.snapshot == date(2025, 8, 25)
    assert len(real.kev) == 1404
    assert real.quarantined == ()
    assert real.warnings == ()
    assert len({e.cve for e in real.kev}) == 1404
    assert sum(e.ransomware == "Known" for e in real.kev) == 293


def test_real_log4shell_entry(real: FeedBatch) -> None:
    entry = by_cve(real)["CVE-2021-44228"]
    assert entry.vendor == "Apache"
    assert entry.product == "Log4j2"
    assert entry.name == "Apache Log4j2 Remote Code Execution Vulnerability"
    assert entry.date_added == date(2021, 12, 10)
    assert entry.due_date == date(2021, 12, 24)
    assert entry.ransomware == "Known"
    assert entry.cwes == ("CWE-20", "CWE-400", "CWE-502")
    assert entry.notes == "https://nvd.nist.gov/vuln/detail/CVE-2021-44228"
    assert entry.required_action.startswith("For all affected software assets")
    assert entry.provenance is not None
    assert entry.provenance.snapshot == date(2025, 8, 25)
    assert entry.provenance.record == "CVE-2021-44228"
    assert entry.provenance.source.endswith("known_exploited_vulnerabilities.json")


def test_real_eternalblue_entry(real: FeedBatch) -> None:
    entry = by_cve(real)["CVE-2017-0144"]
    assert (entry.vendor, entry.product) == ("Microsoft", "SMBv1")
    assert entry.date_added == date(2022, 2, 10)
    assert entry.due_date == date(2022, 8, 10)
    assert entry.cwes == ("CWE-20",)


def test_folder_with_schema_next_to_catalog(shared_data: Callable[[str], Path]) -> None:
    # the folder also holds the catalog's JSON schema and CSV twin; only the catalog is read
    batch = read_feed(shared_data("cisa-kev"))
    assert len(batch.kev) == 1404


def test_unknown_fields_ignored_and_non_cwe_values_dropped(tmp_path: Path) -> None:
    batch = read_feed(write(tmp_path, catalog([ENTRY], extraTopLevel={"a": 1})))
    (entry,) = batch.kev
    assert entry.cwes == ("CWE-287",)
    assert entry.vendor == "Acme"
    assert batch.snapshot == date(2024, 2, 1)


def test_gzipped_catalog(tmp_path: Path) -> None:
    path = write(tmp_path, gzip.compress(orjson.dumps(catalog([ENTRY]))), "kev.json.gz")
    assert [e.cve for e in read_feed(path).kev] == ["CVE-2024-0001"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"cveID": "CVE-24-1"}, "is not a CVE id"),
        ({"cveID": None}, "is not a CVE id"),
        ({"dateAdded": None}, "dateAdded is missing"),
        ({"dateAdded": "2024-13-45"}, "dateAdded '2024-13-45' is not a date"),
        ({"dueDate": "soon"}, "dueDate 'soon' is not a date"),
        ({"product": 42}, "product is a int, not a string"),
        ({"cwes": "CWE-79"}, "cwes is not a list of strings"),
    ],
)
def test_bad_entry_quarantined_with_reason(
    tmp_path: Path, change: dict[str, Any], reason: str
) -> None:
    good = dict(ENTRY, cveID="CVE-2024-0002")
    batch = read_feed(write(tmp_path, catalog([dict(ENTRY, **change), good])))
    assert [e.cve for e in batch.kev] == ["CVE-2024-0002"]
    (bad,) = batch.quarantined
    assert bad.feed is FeedKind.KEV
    assert reason in bad.reason


def test_entry_of_wrong_type_and_duplicates(tmp_path: Path) -> None:
    batch = read_feed(write(tmp_path, catalog(["CVE-2024-0001", ENTRY, ENTRY])))
    assert len(batch.kev) == 1
    reasons = {q.record: q.reason for q in batch.quarantined}
    assert reasons["vulnerabilities[0]"] == "entry is a str, not an object"
    assert reasons["CVE-2024-0001"].startswith("duplicate cveID")


def test_missing_due_date_is_allowed(tmp_path: Path) -> None:
    entry = {k: v for k, v in ENTRY.items() if k != "dueDate"}
    (read,) = read_feed(write(tmp_path, catalog([entry]))).kev
    assert read.due_date is None


def test_count_mismatch_is_a_warning(tmp_path: Path) -> None:
    batch = read_feed(write(tmp_path, catalog([ENTRY], count=2)))
    assert batch.warnings == ("catalog says count=2 but lists 1 entries",)


def test_catalog_version_dates_a_catalog_without_date_released(tmp_path: Path) -> None:
    doc = catalog([ENTRY])
    del doc["dateReleased"]
    assert read_feed(write(tmp_path, doc)).snapshot == date(2024, 2, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b'{"catalogVersion": "2024.01.01", "vulnerabilities": [', "not valid JSON"),
        (b'[{"cveID": "CVE-2024-0001"}]', "not a KEV catalog"),
        (b'{"catalogVersion": "x", "vulnerabilities": {}}', "not a KEV catalog"),
        (b'{"catalogVersion": "x", "dateReleased": "y", "vulnerabilities": []}', "no usable"),
    ],
)
def test_unreadable_catalog_is_a_feed_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(FeedError, match=message) as info:
        KevReader().read(path)
    assert info.value.file == str(path)
    assert info.value.code == "feed_error"
