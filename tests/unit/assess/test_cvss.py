"""CVSS base scores: agree with NVD on its vector→score lists, cached by vector, rate findings."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from hemostat.assess import cvss
from hemostat.domain.finding import Finding, MatchEvidence, MatchKind
from hemostat.domain.vulnerability import CvssScore


@pytest.mark.parametrize("version", ["v30", "v31"])
def test_every_nvd_vector_scores_as_nvd_scored_it(
    shared_data: Callable[[str], Path], version: str
) -> None:
    path = (
        shared_data("nvd-api2-samples")
        / "cvss"
        / version
        / "testdata"
        / f"{version}-scores.json.gz"
    )
    cases = json.loads(gzip.decompress(path.read_bytes()))
    assert len(cases) >= 3
    for case in cases:
        s = cvss.score_vector(case["vector"])
        assert s.base_score == Decimal(str(case["score"])), case
        assert s.severity == case["severity"], case
        assert s.version == case["vector"][5:8]


def test_v2_v4_and_nvd_1x_parenthesised_vectors() -> None:
    v2 = cvss.score_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P")
    assert (v2.version, v2.base_score, v2.severity) == ("2.0", Decimal("7.5"), "HIGH")
    assert cvss.score_vector("(AV:N/AC:L/Au:N/C:P/I:P/A:P)").base_score == Decimal("7.5")
    v4 = cvss.score_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
    assert (v4.version, v4.base_score, v4.severity) == ("4.0", Decimal("9.3"), "CRITICAL")


@pytest.mark.parametrize(
    "bad", ["", "CVSS:3.1/AV:X", "CVSS:3.1/AV:N", "not a vector", "CVSS:9.9/AV:N"]
)
def test_malformed_vectors_raise_one_error_type(bad: str) -> None:
    with pytest.raises(cvss.CvssVectorError):
        cvss.score_vector(bad)


def test_results_are_cached_by_vector_string() -> None:
    vector = "CVSS:3.1/AV:A/AC:H/PR:L/UI:N/S:C/C:L/I:L/A:L"
    first = cvss.score_vector(vector)
    assert cvss.score_vector(vector) is first


def test_rescore_fixes_a_missing_or_wrong_score_and_keeps_unparseable_ones() -> None:
    missing = CvssScore("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 0.0, "", "osv")
    fixed = cvss.rescore(missing)
    assert (fixed.base_score, fixed.severity, fixed.source) == (9.8, "CRITICAL", "osv")
    garbage = CvssScore("3.1", "CVSS:3.1/garbage", 5.0, "MEDIUM")
    assert cvss.rescore(garbage) is garbage
    exact = CvssScore("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CRITICAL")
    assert cvss.rescore(exact) is exact


def _finding(*scores: CvssScore) -> Finding:
    ev = MatchEvidence(
        "nvd-cpe",
        MatchKind.CPE_EXACT,
        "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*",
        "<2",
        "nvd",
        date(2024, 1, 1),
    )
    return Finding("c", "cpe:a:x:y", "CVE-2024-0001", (), (ev,), cvss=scores)


def test_rate_prefers_v3_v4_over_v2_and_takes_the_highest() -> None:
    v2 = CvssScore("2.0", "AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, "HIGH")
    v31 = CvssScore("3.1", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1, "HIGH")
    v31b = CvssScore("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 0.0, "")
    rated = cvss.rate(_finding(v2, v31, v31b))
    assert (rated.severity, rated.score, rated.score_version) == ("critical", 9.8, "3.1")
    assert rated.finding.cvss[2].base_score == 9.8  # rescored in the finding too
    only_v2 = cvss.rate(_finding(v2))
    assert (only_v2.severity, only_v2.score) == ("high", 10.0)  # v2 has no "critical"
    assert cvss.rate(_finding()).severity == "unknown"


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0.0, "none"), (0.1, "low"), (3.9, "low"), (4.0, "medium"), (6.9, "medium"), (7.0, "high"),
     (8.9, "high"), (9.0, "critical"), (10.0, "critical")],
)  # fmt: skip
def test_bands_follow_the_cvss_v3_table(score: float, expected: str) -> None:
    assert cvss.band(score) == expected
