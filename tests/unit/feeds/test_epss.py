"""FIRST EPSS: the real 360,142-row file (dated by its name), the official layout with the model
line, the per-year ``cve;epss;percentile`` crawl, bad rows quarantined and bad files refused."""

from __future__ import annotations

import gzip
import tarfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from hemostat.domain.vulnerability import FeedBatch, FeedKind
from hemostat.errors import FeedError
from hemostat.feeds import FeedLimits, read_feed
from hemostat.feeds.epss import EpssReader, parse_epss

OFFICIAL = (
    "#model_version:v2025.03.14,score_date:2025-09-03T00:00:00+0000\n"
    "cve,epss,percentile\n"
    "CVE-2021-44228,0.94358,0.99958\n"
    "CVE-2014-0160,0.94,0.9991\n"
)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.fixture(scope="module")
def real(shared_data: Callable[[str], Path]) -> FeedBatch:
    return read_feed(shared_data("epss-scores") / "epss_scores-derived-2026-08-16.csv.gz")


def test_real_file_counts_and_date(real: FeedBatch) -> None:
    assert real.feed is FeedKind.EPSS
    assert real.snapshot == date(2026, 8, 16)  # from the file name: the comment line has none
    assert len(real.epss) == 360_142
    assert real.quarantined == ()
    assert len({s.cve for s in real.epss}) == 360_142
    assert all(0.0 <= s.epss <= 1.0 and 0.0 <= s.percentile <= 1.0 for s in real.epss)


def test_real_rows_hand_checked(real: FeedBatch) -> None:
    scores = {s.cve: s for s in real.epss}
    log4shell = scores["CVE-2021-44228"]
    assert (log4shell.epss, log4shell.percentile) == (0.99999, 1.0)
    assert log4shell.date == date(2026, 8, 16)
    assert log4shell.model_version == ""  # "model_version unknown" in the comment
    assert (scores["CVE-2014-0160"].epss, scores["CVE-2014-0160"].percentile) == (0.99999, 0.99997)
    first = real.epss[0]
    assert (first.cve, first.epss, first.percentile) == ("CVE-1999-1593", 0.18126, 0.96946)


def test_folder_holding_one_epss_file(shared_data: Callable[[str], Path]) -> None:
    assert len(read_feed(shared_data("epss-scores")).epss) == 360_142


def test_official_layout_takes_model_and_date_from_comment(tmp_path: Path) -> None:
    batch = read_feed(write(tmp_path, "epss_scores-current.csv", OFFICIAL))
    assert batch.snapshot == date(2025, 9, 3)
    assert [(s.cve, s.epss, s.model_version) for s in batch.epss] == [
        ("CVE-2021-44228", 0.94358, "v2025.03.14"),
        ("CVE-2014-0160", 0.94, "v2025.03.14"),
    ]


def test_comment_date_with_z_and_crlf_and_gzip(tmp_path: Path) -> None:
    text = OFFICIAL.replace("+0000", "Z").replace("\n", "\r\n")
    batch = read_feed(write(tmp_path, "scores.csv.gz", gzip.compress(text.encode())))
    assert batch.snapshot == date(2025, 9, 3)
    assert len(batch.epss) == 2


def test_name_dates_a_file_without_comment(tmp_path: Path) -> None:
    batch = read_feed(write(tmp_path, "epss_scores-2024-05-06.csv", OFFICIAL.split("\n", 1)[1]))
    assert batch.snapshot == date(2024, 5, 6)
    assert {s.model_version for s in batch.epss} == {""}


def test_per_year_crawl_layout(shared_data: Callable[[str], Path], tmp_path: Path) -> None:
    with tarfile.open(shared_data("epss-scores") / "emba-epss-by-year.tar.gz") as tar:
        tar.extractall(tmp_path, filter="data")
    path = tmp_path / "EPSS_CVE_data" / "CVE_2021_EPSS.csv"
    with pytest.raises(FeedError, match="no score date"):
        read_feed(path)  # the crawl carries no date anywhere
    batch = parse_epss(
        path.read_bytes(), source=str(path), name=path.name, snapshot=date(2026, 8, 16)
    )
    assert len(batch.epss) == 22_591
    assert batch.quarantined == ()
    assert (batch.epss[0].cve, batch.epss[0].epss, batch.epss[0].percentile) == (
        "CVE-2021-47987",
        0.0012,
        0.02168,
    )


def test_bad_rows_quarantined_good_rows_kept(tmp_path: Path) -> None:
    rows = [
        "CVE-2021-44228,0.9,0.99",
        "CVE-21-1,0.1,0.1",
        "CVE-2021-0002,abc,0.1",
        "CVE-2021-0003,1.5,0.1",
        "CVE-2021-0004,nan,0.1",
        "CVE-2021-0005,0.1",
        "CVE-2021-44228,0.8,0.98",
        "",
        "CVE-2021-0006,0.2,0.3",
    ]
    text = "cve,epss,percentile\n" + "\n".join(rows) + "\n"
    batch = read_feed(write(tmp_path, "epss_scores-2024-01-02.csv", text))
    assert [(s.cve, s.epss) for s in batch.epss] == [
        ("CVE-2021-44228", 0.9),
        ("CVE-2021-0006", 0.2),
    ]
    reasons = {q.record: q.reason for q in batch.quarantined}
    assert reasons == {
        "row 2": "'CVE-21-1' is not a CVE id",
        "row 3": "CVE-2021-0002: score 'abc' / percentile '0.1' is not a number",
        "row 4": "CVE-2021-0003: score 1.5 / percentile 0.1 outside 0..1",
        "row 5": "CVE-2021-0004: score nan / percentile 0.1 outside 0..1",
        "row 6": "expected 3 columns, found 2",
        "row 7": "duplicate CVE (the first row is kept)",
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("epss_scores-2024-01-02.csv", "", "file is empty"),
        ("epss_scores-2024-01-02.csv", "cve,score\nCVE-2021-1234,0.1\n", "expected the header"),
        ("epss_scores-2024-01-02.csv", "cve,epss,percentile\n", "no usable EPSS rows"),
        ("epss_scores-2024-01-02.csv", "cve,epss,percentile\nx,y,z\n", "no usable EPSS rows"),
        ("scores.csv", "cve,epss,percentile\nCVE-2021-1234,0.1,0.2\n", "no score date"),
        ("epss_scores-2024-13-45.csv", "cve,epss,percentile\nCVE-2021-1234,0.1,0.2\n", "date"),
        ("epss_scores-2024-01-02.csv", b"cve,epss,percentile\n\xff\xfe\n", "not UTF-8"),
    ],
)
def test_unreadable_file_is_a_feed_error(
    tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    with pytest.raises(FeedError, match=message):
        EpssReader().read(write(tmp_path, name, content))


def test_gzip_bomb_refused(tmp_path: Path) -> None:
    bomb = gzip.compress(b"cve,epss,percentile\n" + b"0" * (8 * 1024 * 1024))
    path = write(tmp_path, "epss_scores-2024-01-02.csv.gz", bomb)
    reader = EpssReader(limits=FeedLimits(max_decompressed_bytes=1024 * 1024))
    with pytest.raises(FeedError, match="decompresses to more than"):
        reader.read(path)


def test_truncated_gzip_refused(tmp_path: Path) -> None:
    whole = gzip.compress(OFFICIAL.encode() * 50)
    with pytest.raises(FeedError, match="gzip"):
        read_feed(
            write(tmp_path, "epss_scores-2024-01-02.csv.gz", whole[: len(whole) // 2]),
            kind=FeedKind.EPSS,
        )
