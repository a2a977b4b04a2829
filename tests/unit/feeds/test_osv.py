"""OSV: the whole PyPA (YAML), Go and RustSec databases, records checked field by field, an
``all.zip`` built from a folder, and malformed records quarantined with the reason."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from hemostat.domain.vulnerability import (
    AffectedPackage,
    AffectedRange,
    CvssScore,
    FeedBatch,
    FeedKind,
    RangeEvent,
    RangeKind,
    Vulnerability,
)
from hemostat.errors import FeedError
from hemostat.feeds import FeedLimits, read_feed
from hemostat.feeds.osv import OsvReader

SHORT_GIT_HASHES = {
    "PYSEC-2017-27",
    "PYSEC-2019-155",
    "PYSEC-2021-371",
    "PYSEC-2021-424",
    "PYSEC-2021-425",
    "PYSEC-2021-436",
    "PYSEC-2023-80",
}
RECORD: dict[str, Any] = {
    "schema_version": "1.6.0",
    "id": "GHSA-aaaa-bbbb-cccc",
    "modified": "2024-03-01T10:00:00Z",
    "published": "2024-02-01T10:00:00Z",
    "aliases": ["CVE-2024-1111", "GHSA-aaaa-bbbb-cccc"],
    "summary": "Heap overflow in acme",
    "affected": [
        {
            "package": {"ecosystem": "npm", "name": "acme", "purl": "pkg:npm/acme"},
            "ranges": [
                {
                    "type": "SEMVER",
                    "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.3"}],
                },
                {"type": "ECOSYSTEM", "events": [{"introduced": "2.0.0"}, {"limit": "2.5.0"}]},
            ],
            "versions": ["1.0.0", "1.1.0"],
        }
    ],
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "database_specific": {"cwe_ids": ["CWE-787", "CWE-bad"], "severity": "CRITICAL"},
    "references": [{"type": "WEB", "url": "https://example.com/a"}],
}


def record(**changes: Any) -> dict[str, Any]:
    doc = orjson.loads(orjson.dumps(RECORD))
    doc.update(changes)
    return {k: v for k, v in doc.items() if v is not None}


def write(path: Path, doc: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(doc if isinstance(doc, bytes) else orjson.dumps(doc))
    return path


def by_id(batch: FeedBatch) -> dict[str, Vulnerability]:
    return {v.id: v for v in batch.vulnerabilities}


@pytest.fixture(scope="module")
def pypa(shared_data: Callable[[str], Path]) -> FeedBatch:
    return read_feed(shared_data("osv-pypa"))


@pytest.fixture(scope="module")
def golang(shared_data: Callable[[str], Path]) -> FeedBatch:
    return read_feed(shared_data("osv-golang"))


@pytest.fixture(scope="module")
def rustsec(shared_data: Callable[[str], Path]) -> FeedBatch:
    return read_feed(shared_data("osv-rustsec"))


def test_pypa_counts(pypa: FeedBatch, shared_data: Callable[[str], Path]) -> None:
    files = list((shared_data("osv-pypa") / "vulns").rglob("*.yaml"))
    assert len(files) == 2661
    assert len(pypa.vulnerabilities) + len(pypa.quarantined) == len(files)
    assert len(pypa.vulnerabilities) == 2661  # YAML dates read as strings: none invalid
    assert pypa.snapshot == date(2024, 10, 10)
    # the seven records with short or ".patch" GIT hashes are kept, with a warning each
    assert {w.split(":")[0] for w in pypa.warnings} == SHORT_GIT_HASHES
    assert sum(v.withdrawn is not None for v in pypa.vulnerabilities) == 10


def test_pypa_record_with_cvss(pypa: FeedBatch) -> None:
    vuln = by_id(pypa)["PYSEC-2020-342"]
    assert vuln.provenance.feed is FeedKind.OSV
    assert vuln.provenance.record == "PYSEC-2020-342"
    assert vuln.provenance.snapshot == date(2024, 10, 10)
    assert vuln.aliases == ("CVE-2020-13921",)
    assert vuln.summary.startswith("**Resolved** Only when using H2/MySQL/TiDB")  # from details
    assert vuln.modified == datetime(2023, 11, 7, 20, 24, 23, 946863, tzinfo=UTC)
    assert vuln.published == datetime(2020, 8, 5, 14, 15, tzinfo=UTC)
    assert vuln.withdrawn is None
    assert vuln.cvss == (
        CvssScore("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CRITICAL"),
    )
    (package,) = vuln.packages
    assert (package.ecosystem, package.name, package.purl) == (
        "PyPI",
        "apache-skywalking",
        "pkg:pypi/apache-skywalking",
    )
    assert package.ranges == (AffectedRange(RangeKind.ECOSYSTEM, (RangeEvent("introduced", "0"),)),)
    assert package.versions[:3] == ("0.1.0", "0.2.0", "0.3.0")
    assert len(package.versions) == 10
    assert len(vuln.references) == 3  # the repeated openwall URL is kept once


def test_pypa_record_with_short_git_hash_keeps_its_ecosystem_range(pypa: FeedBatch) -> None:
    vuln = by_id(pypa)["PYSEC-2021-424"]
    assert set(vuln.aliases) == {"CVE-2021-39163", "GHSA-jj53-8fmw-f2w2"}
    (package,) = vuln.packages
    git, eco = package.ranges
    assert git == AffectedRange(
        RangeKind.GIT, (RangeEvent("introduced", "0"), RangeEvent("fixed", "cb35df940a"))
    )
    assert eco.events == (RangeEvent("introduced", "0"), RangeEvent("fixed", "1.41.1"))
    assert "1.9.0.dev1" in package.versions


def test_pypa_withdrawn_record(pypa: FeedBatch) -> None:
    vuln = by_id(pypa)["PYSEC-2023-73"]
    assert vuln.withdrawn == datetime(2023, 6, 6, 10, 37, tzinfo=UTC)
    assert "1.34" in vuln.packages[0].versions  # a quoted YAML version stays a string


def test_go_database(golang: FeedBatch) -> None:
    assert len(golang.vulnerabilities) == 4291
    assert golang.quarantined == ()
    # every record carries Go's zero time as "modified": the newest real date dates the batch
    assert golang.snapshot == date(2026, 8, 18)
    vuln = by_id(golang)["GO-2020-0001"]
    assert vuln.modified is None
    assert vuln.published == datetime(2021, 4, 14, 20, 4, 52, tzinfo=UTC)
    assert vuln.aliases == ("CVE-2020-36567", "GHSA-6vm3-jj99-7229")
    assert vuln.summary == "Arbitrary log line injection in github.com/gin-gonic/gin"
    assert vuln.packages == (
        AffectedPackage(
            ecosystem="Go",
            name="github.com/gin-gonic/gin",
            purl=None,
            ranges=(
                AffectedRange(
                    RangeKind.SEMVER, (RangeEvent("introduced", "0"), RangeEvent("fixed", "1.6.0"))
                ),
            ),
        ),
    )
    assert vuln.references == (
        "https://github.com/gin-gonic/gin/pull/2237",
        "https://github.com/gin-gonic/gin/commit/a71af9c144f9579f6dbe945341c1df37aaf09c0d",
    )
    assert sum(v.withdrawn is not None for v in golang.vulnerabilities) == 17


def test_rustsec_database(rustsec: FeedBatch) -> None:
    assert len(rustsec.vulnerabilities) == 1206
    assert rustsec.quarantined == ()
    assert rustsec.snapshot == date(2026, 8, 21)
    vuln = by_id(rustsec)["RUSTSEC-2024-0445"]
    assert vuln.cvss == (
        CvssScore(
            "4.0", "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 2.3, "LOW"
        ),
    )
    (package,) = vuln.packages
    assert (package.ecosystem, package.name, package.purl) == (
        "crates.io",
        "cap-primitives",
        "pkg:cargo/cap-primitives",
    )
    assert package.ranges[0].events == (
        RangeEvent("introduced", "0.0.0-0"),
        RangeEvent("fixed", "3.4.1"),
    )
    assert package.versions == ()
    assert vuln.summary == "cap-primitives doesn't fully sandbox all the Windows device filenames"


def test_all_zip_built_from_a_folder(
    shared_data: Callable[[str], Path], rustsec: FeedBatch, tmp_path: Path
) -> None:
    folder = shared_data("osv-rustsec") / "crates"
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(folder.glob("*.json")):
            zf.write(file, file.name)
        zf.writestr("LICENSE.txt", "not a record")
        zf.writestr("broken.json", b'{"id": "RUSTSEC-0000-0000", "modified": ')
    batch = read_feed(archive)
    assert batch.source == str(archive)
    assert {v.id for v in batch.vulnerabilities} == {v.id for v in rustsec.vulnerabilities}
    from_zip, from_folder = by_id(batch)["RUSTSEC-2024-0445"], by_id(rustsec)["RUSTSEC-2024-0445"]
    assert replace(from_zip, provenance=from_folder.provenance) == from_folder
    assert from_zip.provenance.source == str(archive)
    (bad,) = batch.quarantined
    assert bad.record == "broken.json"
    assert bad.reason.startswith("not valid JSON")


def test_zip_limits(tmp_path: Path) -> None:
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.json", orjson.dumps(record(id="A-1")))
        zf.writestr("b.json", orjson.dumps(record(id="B-1", details="x" * 200_000)))
    small = OsvReader(limits=FeedLimits(max_member_bytes=100_000))
    batch = small.read(archive)
    assert [v.id for v in batch.vulnerabilities] == ["A-1"]
    assert "over the cap" in batch.quarantined[0].reason
    with pytest.raises(FeedError, match="members, over the limit"):
        OsvReader(limits=FeedLimits(max_members=1)).read(archive)
    with pytest.raises(FeedError, match=r"over the \d+-byte limit"):
        OsvReader(limits=FeedLimits(max_total_bytes=1000)).read(archive)


def test_zip_bomb_member_and_corrupt_zip(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("ok.json", orjson.dumps(record()))
        zf.writestr("bomb.json", b" " * (40 * 1024 * 1024))
    archive = write(tmp_path / "all.zip", buf.getvalue())
    batch = OsvReader(limits=FeedLimits(max_member_bytes=1024 * 1024)).read(archive)
    assert len(batch.vulnerabilities) == 1
    assert batch.quarantined[0].record == "bomb.json"
    truncated = write(tmp_path / "cut.zip", buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(FeedError):
        read_feed(truncated, kind=FeedKind.OSV)


def test_json_array_and_single_files(tmp_path: Path) -> None:
    batch = read_feed(write(tmp_path / "records.json", [record(id="A-1"), record(id="A-2"), 5]))
    assert [v.id for v in batch.vulnerabilities] == ["A-1", "A-2"]
    assert batch.quarantined[0].record == "records.json[2]"
    single = read_feed(write(tmp_path / "one.json", record()))
    (vuln,) = single.vulnerabilities
    assert vuln.aliases == ("CVE-2024-1111",)  # its own id is not an alias
    assert vuln.cwes == ("CWE-787",)
    assert vuln.cvss[0].base_score == 9.8
    assert vuln.packages[0].ranges[1] == AffectedRange(
        RangeKind.ECOSYSTEM, (RangeEvent("introduced", "2.0.0"), RangeEvent("limit", "2.5.0"))
    )
    assert single.snapshot == date(2024, 3, 1)


def test_summary_and_references_capped(tmp_path: Path) -> None:
    refs = [{"type": "WEB", "url": f"https://example.com/{i}"} for i in range(30)]
    doc = record(summary=None, details="y" * 5000, references=refs)
    (vuln,) = read_feed(write(tmp_path / "r.json", doc)).vulnerabilities
    assert len(vuln.summary) == 1000
    assert vuln.summary.endswith("…")
    assert vuln.references == tuple(f"https://example.com/{i}" for i in range(20))


def test_invalid_cvss_vector_dropped_with_warning(tmp_path: Path) -> None:
    doc = record(
        severity=[{"type": "CVSS_V3", "score": "CVSS:3.1/AV:Q"}, {"type": "Ubuntu", "score": "low"}]
    )
    batch = read_feed(write(tmp_path / "r.json", doc))
    assert batch.vulnerabilities[0].cvss == ()
    assert batch.warnings == (
        "GHSA-aaaa-bbbb-cccc: invalid CVSS_V3 vector 'CVSS:3.1/AV:Q' dropped",
    )


def event_range(*events: dict[str, str], kind: str = "ECOSYSTEM") -> list[dict[str, Any]]:
    affected = RECORD["affected"][0]
    return [dict(affected, ranges=[{"type": kind, "events": list(events)}])]


BAD_RECORDS = [
    (record(id=None), "missing required field `id`"),
    (record(modified=None), "missing required field `modified`"),
    (record(modified="yesterday"), "'modified' 'yesterday' is not an RFC 3339 date"),
    (record(published="2024-02-30T00:00:00Z"), "'published' '2024-02-30T00:00:00Z' is not"),
    (record(aliases="CVE-2024-1111"), "Expected `array | null`, got `str` - at `$.aliases`"),
    (record(affected=[{"package": {"name": "acme"}}]), "`ecosystem` - at `$.affected[0].package`"),
    (record(affected=event_range({"fixed": "1.0"})), "affected[0].ranges[0]: no 'introduced'"),
    (
        record(affected=event_range({"introduced": "0", "fixed": "1"})),
        "ranges[0].events[0]: needs exactly one",
    ),
    (record(affected=event_range({"introduced": "0"}, kind="SEMVER2")), "unknown range type"),
    (
        record(affected=event_range({"introduced": "0"}, {"fixed": "1"}, {"last_affected": "2"})),
        "both 'fixed' and 'last_affected'",
    ),
    (record(affected=event_range({"introduced": " "})), "empty 'introduced' version"),
    (record(id=" "), "empty 'id'"),
]


@pytest.mark.parametrize(("doc", "reason"), BAD_RECORDS)
def test_malformed_record_quarantined_in_a_folder(
    tmp_path: Path, doc: dict[str, Any], reason: str
) -> None:
    write(tmp_path / "good.json", record(id="GOOD-1"))
    write(tmp_path / "bad.json", doc)
    batch = read_feed(tmp_path)
    assert [v.id for v in batch.vulnerabilities] == ["GOOD-1"]
    (bad,) = batch.quarantined
    assert bad.feed is FeedKind.OSV
    assert reason in bad.reason


def test_patch_suffix_in_ecosystem_range_is_kept(tmp_path: Path) -> None:
    doc = record(affected=event_range({"introduced": "0"}, {"fixed": "195caac1.patch"}))
    (vuln,) = read_feed(write(tmp_path / "r.json", doc)).vulnerabilities
    assert vuln.packages[0].ranges[0].events[1] == RangeEvent("fixed", "195caac1.patch")


def test_duplicate_id_keeps_the_first(tmp_path: Path) -> None:
    write(tmp_path / "a.json", record())
    write(tmp_path / "b.json", record(summary="other"))
    batch = read_feed(tmp_path)
    assert batch.vulnerabilities[0].summary == "Heap overflow in acme"
    assert batch.quarantined[0].reason == "duplicate id (the first record is kept) [b.json]"


def test_yaml_record_keeps_dates_and_versions_as_strings(tmp_path: Path) -> None:
    text = (
        "id: PYSEC-0000-1\nmodified: 2024-01-02T03:04:05Z\npublished: 2023-12-01\n"
        "affected:\n- package: {ecosystem: PyPI, name: acme}\n"
        "  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 1.10\n"
        "  versions: [1.0, 1.5]\n"
    )
    (vuln,) = read_feed(write(tmp_path / "x.yaml", text.encode())).vulnerabilities
    assert vuln.modified == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert vuln.published == datetime(2023, 12, 1, tzinfo=UTC)
    assert vuln.packages[0].ranges[0].events[1] == RangeEvent("fixed", "1.10")  # not 1.1
    assert vuln.packages[0].versions == ("1.0", "1.5")


def test_yaml_alias_bomb_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb = "\n".join(
        ["id: PYSEC-0000-2", "modified: 2024-01-01T00:00:00Z", *lines, "affected: *a8"]
    )
    path = write(tmp_path / "bomb.yaml", bomb.encode())
    with pytest.raises(FeedError, match="YAML aliases"):
        read_feed(path)
    write(tmp_path / "good.json", record())
    batch = read_feed(tmp_path)
    assert [q.record for q in batch.quarantined] == ["bomb.yaml"]


def test_osv_linter_cases_quarantined_with_reasons(shared_data: Callable[[str], Path]) -> None:
    batch = read_feed(shared_data("osv-schema-testdata") / "tools" / "osv-linter" / "testdata")
    assert len(batch.vulnerabilities) == 9
    reasons = {q.reason for q in batch.quarantined}
    assert (
        "affected[0].ranges[0]: no 'introduced' event [nointroduced-CVE-2023-41045.json]" in reasons
    )
    ghsa = by_id(batch)["GHSA-9v2f-6vcg-3hgv"]
    assert ghsa.cwes == ("CWE-94",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b'{"id": "GO-1", "modified": "2024-01-01T00:00:00Z", "affected": [', "not valid JSON"),
        (orjson.dumps(record(aliases=7)), "no readable OSV records .*aliases"),
        (b"[1, 2", "not a JSON array"),
    ],
)
def test_unreadable_single_file_is_a_feed_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    with pytest.raises(FeedError, match=message):
        OsvReader().read(write(tmp_path / "r.json", content))


def test_yaml_that_is_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="not a mapping"):
        OsvReader().read(write(tmp_path / "r.yaml", b"- id: x\n"))
    with pytest.raises(FeedError, match="not valid YAML"):
        OsvReader().read(write(tmp_path / "s.yaml", b"id: [unclosed\n"))


def test_empty_folder_is_a_feed_error(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="no readable OSV records"):
        OsvReader().read(tmp_path)
