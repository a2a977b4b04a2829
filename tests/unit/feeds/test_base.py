"""The feed seam: registry, auto-detection of every format from files, folders and zips, capped
gzip, lenient timestamps, and the exception contract under random mutation (FeedError or a batch,
never anything else)."""

from __future__ import annotations

import gzip
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemostat.domain.vulnerability import FeedBatch, FeedKind
from hemostat.errors import FeedError, HemostatError
from hemostat.feeds import base, detect_feed, read_feed, readers
from hemostat.feeds.base import gunzip, iter_documents, parse_timestamp

KEV_DOC: dict[str, Any] = {
    "catalogVersion": "2024.02.01",
    "dateReleased": "2024-02-01T17:00:00.000Z",
    "count": 2,
    "vulnerabilities": [
        {
            "cveID": "CVE-2024-0001",
            "vendorProject": "Acme",
            "product": "Pump",
            "vulnerabilityName": "Pump bug",
            "dateAdded": "2024-02-01",
            "shortDescription": "x",
            "requiredAction": "Patch.",
            "dueDate": "2024-02-22",
            "knownRansomwareCampaignUse": "Unknown",
            "notes": "",
            "cwes": ["CWE-287"],
        },
        {"cveID": "CVE-2024-0002", "dateAdded": "2024-02-01", "dueDate": None},
    ],
}
OSV_DOC: dict[str, Any] = {
    "schema_version": "1.6.0",
    "id": "GHSA-aaaa-bbbb-cccc",
    "modified": "2024-03-01T10:00:00Z",
    "aliases": ["CVE-2024-1111"],
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "acme"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}],
            "versions": ["1.0", "1.1"],
        }
    ],
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "references": [{"type": "WEB", "url": "https://example.com"}],
}


def test_registry_has_the_builtin_readers() -> None:
    registered = readers()
    assert {FeedKind.KEV, FeedKind.EPSS, FeedKind.OSV} <= set(registered)
    assert all(kind is reader.kind for kind, reader in registered.items())


def test_missing_reader_modules_are_tolerated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "_BUILTIN", (*base._BUILTIN, "not_written_yet"))
    assert FeedKind.KEV in readers()


@pytest.mark.parametrize(
    ("dataset", "relative", "kind"),
    [
        ("cisa-kev", "known_exploited_vulnerabilities.json", FeedKind.KEV),
        ("cisa-kev", ".", FeedKind.KEV),
        ("epss-scores", "epss_scores-derived-2026-08-16.csv.gz", FeedKind.EPSS),
        ("epss-scores", ".", FeedKind.EPSS),
        ("osv-pypa", ".", FeedKind.OSV),
        ("osv-pypa", "vulns/zstd/PYSEC-2023-121.yaml", FeedKind.OSV),
        ("osv-golang", ".", FeedKind.OSV),
        ("osv-golang", "data/osv/GO-2020-0001.json", FeedKind.OSV),
        ("osv-rustsec", ".", FeedKind.OSV),
        ("osv-schema-testdata", "tools/osv-linter/testdata/PYSEC-2023-74.json", FeedKind.OSV),
        ("osv-schema-testdata", "tools/ghsa/testdata/withdrawn.osv.json", FeedKind.OSV),
    ],
)
def test_detects_each_real_format(
    shared_data: Callable[[str], Path], dataset: str, relative: str, kind: FeedKind
) -> None:
    assert detect_feed(shared_data(dataset) / relative) is kind


def test_detects_a_zip_by_its_members(shared_data: Callable[[str], Path], tmp_path: Path) -> None:
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted((shared_data("osv-golang") / "data" / "osv").glob("GO-2020-*.json")):
            zf.write(file, file.name)
    assert detect_feed(archive) is FeedKind.OSV
    assert len(read_feed(archive).vulnerabilities) == len(zipfile.ZipFile(archive).namelist())


@pytest.mark.parametrize(
    "relative",
    [
        "cisa-kev/known_exploited_vulnerabilities_schema.json",  # the schema, not the catalog
        "cisa-kev/README.md",
        "osv-schema-testdata/ecosystems.json",
        "osv-schema-testdata/tools/ghsa/testdata/withdrawn.json",  # GitHub's format, not OSV
    ],
)
def test_not_a_feed(shared_data: Callable[[str], Path], relative: str) -> None:
    dataset, _, rest = relative.partition("/")
    with pytest.raises(FeedError, match="not a recognised vulnerability feed"):
        read_feed(shared_data(dataset) / rest)


def test_missing_path_and_wrong_kind(shared_data: Callable[[str], Path], tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="no such file"):
        read_feed(tmp_path / "nope.json")
    kev = shared_data("cisa-kev") / "known_exploited_vulnerabilities.json"
    with pytest.raises(FeedError):
        read_feed(kev, kind=FeedKind.EPSS)


def test_gunzip_caps_and_corruption() -> None:
    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024))
    assert len(bomb) < 10_000
    with pytest.raises(FeedError, match="decompresses to more than 1048576 bytes"):
        gunzip(bomb, source="x", cap=1024 * 1024)
    with pytest.raises(FeedError, match="truncated gzip stream"):
        gunzip(bomb[:-10], source="x", cap=8 * 1024 * 1024)
    with pytest.raises(FeedError, match="corrupt gzip stream"):
        gunzip(b"\x1f\x8b\x08\x00garbage-garbage", source="x", cap=1024)
    assert gunzip(gzip.compress(b"ok"), source="x", cap=2) == b"ok"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-08-25T17:04:19.9796Z", datetime(2025, 8, 25, 17, 4, 19, 979600, tzinfo=UTC)),
        ("2024-10-27T14:05:09.316165759Z", datetime(2024, 10, 27, 14, 5, 9, 316165, tzinfo=UTC)),
        ("2025-09-03T00:00:00+0000", datetime(2025, 9, 3, tzinfo=UTC)),
        ("2021-01-01", datetime(2021, 1, 1, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_is_lenient(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("value", ["2023-02-30T00:00:00Z", "yesterday", "", 20240101, None])
def test_parse_timestamp_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(value)


def test_folder_walk_skips_hidden_and_symlinks(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.json").write_text("{}")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("x")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.json"
    outside.write_text("{}")
    (tmp_path / "link.json").symlink_to(outside)
    assert [m.name for m in iter_documents(tmp_path, (".json",))] == ["a.json"]


# ---- exception contract under mutation (RELIABILITY.md IN-6) --------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += _paths(value, (*prefix, index))
    return found


def _mutate(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = orjson.loads(orjson.dumps(doc))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return copy


def _check(data: bytes, name: str, kind: FeedKind | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            batch = read_feed(path, kind=kind)
        except FeedError as exc:
            assert exc.code == "feed_error"
            assert exc.file
            return
        assert isinstance(batch, FeedBatch)
        for quarantined in batch.quarantined:
            assert quarantined.reason


@pytest.mark.parametrize(
    ("doc", "name", "kind"),
    [(KEV_DOC, "kev.json", FeedKind.KEV), (OSV_DOC, "osv.json", FeedKind.OSV)],
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_structural_mutations_raise_only_feed_error(
    doc: dict[str, Any], name: str, kind: FeedKind, data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(_paths(doc)))
    mutated = _mutate(doc, path, data.draw(json_values))
    encoded = orjson.dumps(mutated)
    _check(encoded, name, kind)
    _check(encoded, name, None)


@pytest.mark.parametrize(
    ("doc", "name"), [(KEV_DOC, "kev.json"), (OSV_DOC, "osv.json"), (OSV_DOC, "osv.yaml")]
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_byte_mutations_raise_only_feed_error(
    doc: dict[str, Any], name: str, data: st.DataObject
) -> None:
    raw = bytearray(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(raw)))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "cut":
            del raw[position:]
        elif action == "insert":
            raw[position:position] = data.draw(st.binary(min_size=1, max_size=6))
        elif position < len(raw):
            raw[position] = data.draw(st.integers(0, 255))
    try:
        _check(bytes(raw), name, None)
    except HemostatError as exc:  # pragma: no cover - would be a wrong error type
        pytest.fail(f"{type(exc).__name__} instead of FeedError: {exc}")
