"""NVD CVE API 2.0: the 75 embedded-device records, the recorded API pages and the osv.dev test
records read field by field (configurations counted by hand on four CVEs), and broken files and
records turned into FeedError (whole file) or Quarantined (one record), never anything else."""

from __future__ import annotations

import copy
import gzip
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemostat.domain.vulnerability import ConfigNode, CpeMatch, FeedBatch, FeedKind, Vulnerability
from hemostat.errors import FeedError
from hemostat.feeds import detect_feed, read_feed
from hemostat.feeds.nvd import CVE_RE, MAX_REFERENCES, NvdReader, page_info, page_params, parse_nvd

Data = Callable[[str], Path]
FIXTURE_CHECK = HealthCheck.function_scoped_fixture
READER = NvdReader()


@pytest.fixture(scope="module")
def devices(shared_data: Data) -> dict[str, Vulnerability]:
    batch = read_feed(shared_data("nvd-embedded-devices"))
    assert batch.feed is FeedKind.NVD
    return {v.id: v for v in batch.vulnerabilities}


def all_matches(vuln: Vulnerability) -> list[CpeMatch]:
    return [m for c in vuln.configurations for n in c.nodes for m in n.matches]


def responses(shared_data: Data) -> Path:
    return shared_data("nvd-api2-samples") / "nvd-api" / "testdata" / "responses"


def test_all_75_embedded_device_records_parse(shared_data: Data) -> None:
    folder = shared_data("nvd-embedded-devices")
    assert detect_feed(folder) is FeedKind.NVD
    batch = READER.read(folder)
    assert len(batch.vulnerabilities) == 75
    assert batch.quarantined == () and batch.warnings == ()
    assert batch.complete is False  # NVD batches are always merged, never replace the store
    assert batch.snapshot == max(v.modified for v in batch.vulnerabilities if v.modified).date()
    assert all(v.configurations for v in batch.vulnerabilities)
    assert sum(len(v.configurations) for v in batch.vulnerabilities) == 293
    matches = [m for v in batch.vulnerabilities for m in all_matches(v)]
    assert len(matches) == 806
    assert all(
        m.criteria == m.criteria.lower() and m.criteria.startswith("cpe:2.3:") for m in matches
    )


def test_windows_only_dotnet_cve_keeps_and_configurations(
    devices: dict[str, Vulnerability],
) -> None:
    cve = devices["CVE-2020-0646"]
    assert len(cve.configurations) == 12
    assert all(c.operator == "AND" and not c.negate for c in cve.configurations)
    matches = all_matches(cve)
    assert len(matches) == 74
    assert sum(not m.vulnerable for m in matches) == 46  # the Windows platforms it runs on
    second = cve.configurations[1]
    assert second.nodes[0] == ConfigNode(
        "OR", False, (CpeMatch("cpe:2.3:a:microsoft:.net_framework:3.5:*:*:*:*:*:*:*"),)
    )
    platforms = second.nodes[1].matches
    assert [m.criteria for m in platforms] == [
        "cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x86:*",
        "cpe:2.3:o:microsoft:windows_8.1:*:*:*:*:*:*:*:*",
        "cpe:2.3:o:microsoft:windows_server_2012:-:*:*:*:*:*:*:*",
        "cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*",
    ]
    assert not any(m.vulnerable for m in platforms)
    assert cve.cwes == ("CWE-91",)
    assert cve.published == datetime(2020, 1, 14, 23, 15, 33, 143000, tzinfo=UTC)
    assert cve.provenance.snapshot == date(2025, 10, 21)


def test_infusion_pump_firmware_on_hardware(devices: dict[str, Vulnerability]) -> None:
    cve = devices["CVE-2017-12718"]
    (config,) = cve.configurations
    assert config.operator == "AND"
    firmware, hardware = config.nodes
    assert [m.criteria.split(":")[5] for m in firmware.matches] == ["1.1", "1.5", "1.6"]
    assert all(m.vulnerable for m in firmware.matches)
    assert all(m.criteria.startswith("cpe:2.3:o:smiths-medical:") for m in firmware.matches)
    assert hardware.matches == (
        CpeMatch(
            "cpe:2.3:h:smiths-medical:medfusion_4000_wireless_syringe_infusion_pump:-:*:*:*:*:*:*:*",
            vulnerable=False,
        ),
    )
    # Primary (NVD) scores first, newest CVSS version first; CWEs primary first, no duplicates.
    assert [(s.version, s.base_score, s.severity, s.source) for s in cve.cvss] == [
        ("3.0", 8.1, "HIGH", "nvd@nist.gov"),
        ("2.0", 6.8, "MEDIUM", "nvd@nist.gov"),
    ]
    assert cve.cwes == ("CWE-119", "CWE-120")


def test_version_bounds_are_kept_exactly(devices: dict[str, Vulnerability]) -> None:
    sdk = devices["CVE-2019-17518"].configurations[0].nodes
    assert sdk[0].matches[0].version_end_including == "1.0.14.1081"
    assert sdk[0].matches[0].version_end_excluding is None
    assert [m.vulnerable for m in sdk[1].matches] == [False] * 4
    pump = devices["CVE-2021-33882"].configurations[0].nodes[0].matches[0]
    assert pump.criteria == "cpe:2.3:o:bbraun:spacecom2:*:*:*:*:*:*:*:*"
    assert pump.version_end_excluding == "012u000062"
    assert pump.version_start_including is None


def test_scores_secondary_after_primary_and_v4_kept(devices: dict[str, Vulnerability]) -> None:
    cve = devices["CVE-2021-31344"]
    assert [(s.version, s.source) for s in cve.cvss] == [
        ("3.1", "nvd@nist.gov"),
        ("2.0", "nvd@nist.gov"),
        ("4.0", "productcert@siemens.com"),
        ("3.1", "productcert@siemens.com"),
    ]
    assert cve.cvss[2].base_score == 6.9


def test_references_and_summary_are_capped(devices: dict[str, Vulnerability]) -> None:
    heartbleed = devices["CVE-2014-0160"]
    assert len(heartbleed.references) == MAX_REFERENCES  # the record lists 286
    assert heartbleed.summary.startswith("The (1) TLS and (2) DTLS implementations in OpenSSL")
    assert all(len(v.summary) <= 1000 for v in devices.values())


def test_api_pages_parse_with_their_totals(shared_data: Data) -> None:
    folder = responses(shared_data)
    first = READER.read(folder / "cves-1999.json.gz")
    last = READER.read(folder / "cves-2023.json.gz")
    assert (len(first.vulnerabilities), len(last.vulnerabilities)) == (200, 200)
    with_config = [v for b in (first, last) for v in b.vulnerabilities if v.configurations]
    assert len(with_config) == 390  # as the data set's README says
    assert first.complete is False and first.snapshot == date(2022, 8, 17)
    rejected = {v.id for v in first.vulnerabilities if v.withdrawn}
    assert rejected == {"CVE-1999-0335", "CVE-1999-1056", "CVE-1999-1310"}
    info = page_info(gzip.decompress((folder / "cves-2023.json.gz").read_bytes()))
    assert (info.results_per_page, info.start_index, info.total_results) == (200, 200000, 220499)
    assert info.timestamp == datetime(2023, 7, 18, 6, 46, 32, 267000, tzinfo=UTC)


def test_folder_of_mixed_nvd_api_files(shared_data: Data) -> None:
    batch = READER.read(shared_data("nvd-api2-samples"))
    # two 200-CVE pages, a 1-CVE page and one per-CVE record that repeats a page's CVE (merged,
    # newest kept); CPE/match/history/source pages are skipped with a warning; the CVSS score
    # lists are not NVD records: quarantined.
    assert len(batch.vulnerabilities) == 401
    assert len([w for w in batch.warnings if "holds no CVE records" in w]) == 4
    assert sorted(Path(q.source).name for q in batch.quarantined) == [
        "v30-scores.json.gz",
        "v31-scores.json.gz",
    ]


def test_osv_dev_testdata_records(shared_data: Data) -> None:
    folder = shared_data("osvdev-vulnfeeds-testdata") / "vulnfeeds" / "test_data" / "nvdcve-2.0"
    batch = READER.read(folder)
    assert len(batch.vulnerabilities) == 23 and batch.quarantined == ()
    xz = next(v for v in batch.vulnerabilities if v.id == "CVE-2024-3094")
    criteria = {m.criteria for m in all_matches(xz)}
    assert "cpe:2.3:a:tukaani:xz:5.6.0:*:*:*:*:*:*:*" in criteria


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "CVE-2024-0001",
        "published": "2024-01-02T03:04:05.678",
        "lastModified": "2024-02-03T04:05:06.789",
        "vulnStatus": "Analyzed",
        "descriptions": [{"lang": "es", "value": "x"}, {"lang": "en", "value": " An  issue "}],
        "weaknesses": [
            {"type": "Primary", "description": [{"lang": "en", "value": "NVD-CWE-Other"}]}
        ],
        "configurations": [
            {
                "nodes": [
                    {
                        "operator": "OR",
                        "negate": False,
                        "cpeMatch": [
                            {
                                "vulnerable": True,
                                "criteria": "cpe:2.3:a:Acme:Pump:1.0:*:*:*:*:*:*:*",
                            },
                            {"vulnerable": True, "criteria": "cpe:2.3:a:acme:bad"},
                        ],
                    }
                ]
            }
        ],
        "references": [{"url": "https://example.com/a"}, {"url": "https://example.com/a"}],
    }
    base.update(changes)
    return base


def test_single_record_shapes_and_bad_cpe_dropped(tmp_path: Path) -> None:
    for name, doc in (("wrapped.json", {"cve": record()}), ("bare.json", record())):
        (tmp_path / name).write_bytes(orjson.dumps(doc))
        batch = READER.read(tmp_path / name)
        (vuln,) = batch.vulnerabilities
        assert (vuln.summary, vuln.cwes) == ("An issue", ())
        assert vuln.references == ("https://example.com/a",)
        (node,) = vuln.configurations[0].nodes
        assert node.matches == (CpeMatch("cpe:2.3:a:acme:pump:1.0:*:*:*:*:*:*:*"),)
        assert len(batch.warnings) == 1
        assert batch.warnings[0].startswith("CVE-2024-0001: dropped CPE match 'cpe:2.3:a:acme:bad'")


def test_newest_duplicate_wins_and_bad_records_are_quarantined(tmp_path: Path) -> None:
    page = {
        "resultsPerPage": 4,
        "startIndex": 0,
        "totalResults": 4,
        "format": "NVD_CVE",
        "version": "2.0",
        "timestamp": "2024-03-01T00:00:00.000",
        "vulnerabilities": [
            {"cve": record(descriptions=[{"lang": "en", "value": "old"}])},
            {"cve": record(lastModified="2024-03-01T00:00:00.000", vulnStatus="Rejected")},
            {"cve": record(id="CVE-2024-0002", published="yesterday")},
            {
                "cve": record(
                    id="CVE-2024-0003",
                    configurations=[{"nodes": [{"cpeMatch": [{"criteria": 7}]}]}],
                )
            },
            {"cve": record(id="GHSA-xxxx")},
            "not an object",
        ],
    }
    path = tmp_path / "page.json.gz"
    path.write_bytes(gzip.compress(orjson.dumps(page)))
    batch = read_feed(path)
    (vuln,) = batch.vulnerabilities
    assert vuln.withdrawn == datetime(2024, 3, 1, tzinfo=UTC) and vuln.summary == "An issue"
    assert batch.snapshot == date(2024, 3, 1)
    reasons = {q.record: q.reason for q in batch.quarantined}
    assert set(reasons) == {"CVE-2024-0002", "CVE-2024-0003", "GHSA-xxxx", "vulnerabilities[5]"}
    assert "bad published/lastModified date" in reasons["CVE-2024-0002"]
    assert "criteria" in reasons["CVE-2024-0003"]
    assert "not a CVE id" in reasons["GHSA-xxxx"]


def test_unreadable_files(tmp_path: Path) -> None:
    cases = {
        "syntax.json": b'{"vulnerabilities": [',
        "nvd11.json": b'{"CVE_data_type": "CVE", "CVE_Items": []}',
        "other.json": b'{"hello": "world"}',
        "list.json": b"[1, 2]",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(FeedError):
            READER.read(tmp_path / name)
    (tmp_path / "good.json").write_bytes(orjson.dumps(record()))
    batch = READER.read(tmp_path)  # in a folder the bad files are quarantined and counted
    assert len(batch.vulnerabilities) == 1
    assert sorted(q.record for q in batch.quarantined) == sorted(cases)
    assert "NVD 1.1" in next(q.reason for q in batch.quarantined if q.record == "nvd11.json")


def test_page_params() -> None:
    assert page_params(None, 0) == {"resultsPerPage": "2000", "startIndex": "0"}
    now = datetime(2024, 12, 31, tzinfo=UTC)
    params = page_params(datetime(2024, 1, 1, 12, 30), 4000, now=now)
    assert params == {
        "resultsPerPage": "2000",
        "startIndex": "4000",
        "lastModStartDate": "2024-01-01T12:30:00.000+00:00",
        "lastModEndDate": "2024-04-30T12:30:00.000+00:00",  # the API's 120-day cap
    }
    recent = page_params(datetime(2024, 12, 1, tzinfo=UTC), 0, now=now)
    assert recent["lastModEndDate"] == "2024-12-31T00:00:00.000+00:00"


# --- hostile input: random mutations of one real record never escape as other exceptions ---

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["cpe:2.3:a:x", "CVE-2020-0001", "2024-01-01", "Rejected", "AND"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            out += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            out += paths(child, (*prefix, i))
    return out


def mutate(doc: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    doc = copy.deepcopy(doc)
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


@pytest.fixture(scope="module")
def sample(shared_data: Data) -> dict[str, Any]:
    folder = shared_data("nvd-embedded-devices")
    doc: dict[str, Any] = orjson.loads((folder / "CVE-2017-12718.json").read_bytes())
    return doc


@settings(max_examples=200, deadline=None, suppress_health_check=[FIXTURE_CHECK])
@given(data=st.data())
def test_mutated_record_is_read_quarantined_or_refused(
    sample: dict[str, Any], data: st.DataObject
) -> None:
    doc: Any = {"vulnerabilities": [{"cve": sample}]} if data.draw(st.booleans()) else sample
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths(doc)))
        delete = bool(path) and data.draw(st.booleans())
        doc = mutate(doc, path, data.draw(json_values), delete=delete)
    raw = orjson.dumps(doc)
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    try:
        batch = parse_nvd(raw, source="fuzz")
    except FeedError:
        return
    assert isinstance(batch, FeedBatch)
    assert all(CVE_RE.fullmatch(v.id) and v.modified for v in batch.vulnerabilities)
    assert all(q.reason and q.feed is FeedKind.NVD for q in batch.quarantined)
