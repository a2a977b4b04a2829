"""The triage queue's order: overdue postmarket items, uncontrolled risk, KEV, SSVC, EPSS, CVSS."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from hemostat.domain.assessment import Justification, VexStatus
from hemostat.domain.decision import AnalysisRecord
from hemostat.services.triage import SETTLED, RiskInfo, TriageItem, priority_key


def item(
    vuln: str, *, kev: bool = False, epss: float | None = None, score: float | None = None
) -> TriageItem:
    return TriageItem("pump", "1.0", "ref", "purl:pkg:generic/x", vuln, kev, score, epss, None)


def test_overdue_then_uncontrolled_by_deadline_then_kev_ssvc_epss_cvss() -> None:
    risks = {
        "A-overdue": RiskInfo(uncontrolled=True, overdue=True, next_due=date(2026, 1, 1)),
        "B-uncontrolled-soon": RiskInfo(uncontrolled=True, next_due=date(2026, 12, 1)),
        "C-uncontrolled-later": RiskInfo(uncontrolled=True, next_due=date(2027, 1, 1)),
        "D-kev": RiskInfo(),
        "E-ssvc": RiskInfo(ssvc_rank=3),
        "F-epss": RiskInfo(),
        "G-cvss": RiskInfo(),
    }
    items = [
        item("G-cvss", score=9.8),
        item("F-epss", epss=0.9, score=1.0),
        item("E-ssvc", score=1.0),
        item("D-kev", kev=True),
        item("C-uncontrolled-later"),
        item("B-uncontrolled-soon"),
        item("A-overdue"),
    ]
    ordered = sorted(items, key=lambda i: priority_key(i, risks[i.vulnerability]))
    assert [i.vulnerability for i in ordered] == sorted(risks)
    # without risk information the queue still puts KEV first, then EPSS before CVSS
    plain = sorted(items, key=priority_key)
    assert [i.vulnerability for i in plain[:3]] == ["D-kev", "F-epss", "G-cvss"]


def test_settled_items_sink_below_open_ones() -> None:
    """A KEV finding decided not_affected (or fixed) needs no action: open items come first."""
    record = AnalysisRecord(
        release="pump@1.0", identity="purl:pkg:generic/x", bom_ref="ref",
        vulnerability="A-kev-settled", status=VexStatus.NOT_AFFECTED,
        justification=Justification.CODE_NOT_REACHABLE, response=(), detail="", author="a",
        reason="r", at=datetime(2026, 1, 1, tzinfo=UTC), sequence=1, previous_hash="", hash="",
    )  # fmt: skip
    settled = replace(item("A-kev-settled", kev=True, epss=0.9), decision=record)
    ordered = sorted([settled, item("B-open", score=1.0)], key=priority_key)
    assert [i.vulnerability for i in ordered] == ["B-open", "A-kev-settled"]
    assert settled.state in SETTLED
