"""Scan report values: --fail-on thresholds, finding order, severity counts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hemostat.domain.scan import RatedFinding, sort_key, threshold_met
from scan_support import sample_report


@pytest.mark.parametrize(
    ("fail_on", "met"),
    [(None, False), ("kev", True), ("critical", True), ("high", True), ("low", True)],
)
def test_thresholds_on_a_report_with_a_critical_kev_finding(fail_on: str | None, met: bool) -> None:
    assert threshold_met(sample_report().findings, fail_on) is met


def test_unknown_severity_never_meets_a_severity_threshold() -> None:
    unknown_only = tuple(f for f in sample_report().findings if f.severity == "unknown")
    assert unknown_only and not threshold_met(unknown_only, "low")
    medium = tuple(f for f in sample_report().findings if f.severity == "medium")
    assert not threshold_met(medium, "high") and threshold_met(medium, "medium")
    assert not threshold_met(medium, "kev")


def test_kev_first_then_score_then_id() -> None:
    kev, near, osv = sample_report().findings
    low_kev = RatedFinding(replace(kev.finding, vulnerability="CVE-2000-0001"), "low", 1.0, "3.1")
    ordered = sorted([osv, near, kev, low_kev], key=sort_key)
    assert [f.finding.vulnerability for f in ordered] == [
        "CVE-2023-3724",
        "CVE-2000-0001",  # KEV outranks a higher score
        "CVE-2022-25638",
        "CVE-2018-18074",  # no score: last
    ]


def test_counts_cover_every_severity() -> None:
    counts = sample_report().counts()
    assert list(counts) == ["critical", "high", "medium", "low", "none", "unknown"]
    assert sum(counts.values()) == 3 and sample_report().kev_count() == 1
