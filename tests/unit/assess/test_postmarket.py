from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hemostat.assess.postmarket import (
    ConditionState,
    ReportKind,
    assess_postmarket,
    exploitability_from_cvss,
)
from hemostat.assess.postmarket_matrix import DEFAULT_MATRIX, RiskControl, RiskMatrix
from hemostat.domain.threat import HarmSeverity as H
from hemostat.domain.threat import Level as L
from hemostat.errors import UsageError

LEARNED = date(2026, 1, 10)

UNCONTROLLED = {
    (L.HIGH, H.SERIOUS),
    (L.HIGH, H.CRITICAL),
    (L.HIGH, H.CATASTROPHIC),
    (L.MEDIUM, H.CRITICAL),
    (L.MEDIUM, H.CATASTROPHIC),
    (L.LOW, H.CATASTROPHIC),
}


@pytest.mark.parametrize("exp", list(L))
@pytest.mark.parametrize("sev", list(H))
def test_default_matrix_matches_domain_table(exp: L, sev: H) -> None:
    cell = DEFAULT_MATRIX.classify(exp, sev)
    expected = RiskControl.UNCONTROLLED if (exp, sev) in UNCONTROLLED else RiskControl.CONTROLLED
    assert cell.control is expected
    assert cell.rationale


def test_matrix_round_trips_and_is_editable() -> None:
    data = DEFAULT_MATRIX.to_dict()
    assert RiskMatrix.from_dict(data) == DEFAULT_MATRIX
    cells = data["cells"]
    assert isinstance(cells, list)
    for cell in cells:
        if cell["exploitability"] == "medium" and cell["severity"] == "serious":
            cell["control"] = "uncontrolled"
            cell["rationale"] = "infusion pump: stricter procedure"
    custom = RiskMatrix.from_dict({"version": "acme-2", "cells": cells})
    result = assess_postmarket(
        L.MEDIUM, H.SERIOUS, learned_on=LEARNED, today=LEARNED, matrix=custom
    )
    assert result.control is RiskControl.UNCONTROLLED
    assert result.matrix_version == "acme-2"
    assert "stricter procedure" in result.reasoning[0]


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"version": "x", "cells": []}, "15 cells"),
        ({"cells": []}, "version"),
        (
            {
                "version": "x",
                "cells": [
                    {
                        "exploitability": "huge",
                        "severity": "minor",
                        "control": "controlled",
                        "rationale": "r",
                    }
                ],
            },
            "huge",
        ),
        (
            {
                "version": "x",
                "cells": [{"exploitability": "low", "severity": "minor", "control": "controlled"}],
            },
            "rationale",
        ),
    ],
)
def test_bad_matrix_is_rejected_with_the_field(data: dict[str, object], needle: str) -> None:
    with pytest.raises(UsageError) as err:
        RiskMatrix.from_dict(data)
    assert needle in str(err.value)


@pytest.mark.parametrize(
    ("vector", "level"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", L.HIGH),
        ("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", L.HIGH),
        ("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", L.MEDIUM),
        ("CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H", L.MEDIUM),
        ("CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H", L.LOW),
        ("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", L.LOW),
    ],
)
def test_exploitability_bands_from_vector(vector: str, level: L) -> None:
    got, reason = exploitability_from_cvss(vector)
    assert got is level
    assert "sub-score" in reason


def test_exploitability_from_score_and_errors() -> None:
    assert exploitability_from_cvss(score=Decimal("9.8"))[0] is L.HIGH
    assert exploitability_from_cvss(score=5.0)[0] is L.MEDIUM
    assert exploitability_from_cvss(score=3.9)[0] is L.LOW
    with pytest.raises(UsageError):
        exploitability_from_cvss("AV:N/garbage")
    with pytest.raises(UsageError):
        exploitability_from_cvss()


def test_controlled_is_routine_update_without_clocks() -> None:
    a = assess_postmarket(L.LOW, H.SERIOUS, learned_on=LEARNED, today=date(2027, 1, 1))
    assert a.control is RiskControl.CONTROLLED
    assert a.reports == (ReportKind.ROUTINE_UPDATE,)
    assert a.communication_due is None and a.fix_due is None
    assert not a.overdue and a.next_due is None and a.final


def test_uncontrolled_clocks_and_pending_discretion() -> None:
    a = assess_postmarket(
        L.HIGH, H.CRITICAL, learned_on=LEARNED, today=date(2026, 1, 20), isao_participant=True
    )
    assert a.control is RiskControl.UNCONTROLLED
    assert a.communication_due == date(2026, 2, 9)
    assert a.fix_due == date(2026, 3, 11)
    assert a.reports == (ReportKind.INTERNAL_RECORD_806_20,)
    assert not a.final and not a.overdue
    assert a.next_due == date(2026, 2, 9)
    assert a.conditions_state("customer communication") is ConditionState.PENDING


def test_all_four_conditions_met_means_no_806() -> None:
    a = assess_postmarket(
        L.HIGH,
        H.SERIOUS,
        learned_on=LEARNED,
        today=date(2026, 6, 1),
        isao_participant=True,
        customer_notified_on=date(2026, 2, 9),
        fix_distributed_on=date(2026, 3, 11),
    )
    assert a.reports == (ReportKind.INTERNAL_RECORD_806_20,)
    assert a.final and not a.overdue and a.next_due is None
    assert all(state is ConditionState.MET for _, state in a.conditions)


def test_no_isao_means_806_report() -> None:
    a = assess_postmarket(
        L.HIGH,
        H.SERIOUS,
        learned_on=LEARNED,
        today=LEARNED,
        customer_notified_on=LEARNED,
        fix_distributed_on=LEARNED,
    )
    assert a.reports == (ReportKind.CORRECTION_806,)
    assert any("ISAO participation" in line for line in a.reasoning)


def test_overdue_communication_and_fix() -> None:
    a = assess_postmarket(
        L.HIGH, H.SERIOUS, learned_on=LEARNED, today=date(2026, 3, 12), isao_participant=True
    )
    assert a.communication_overdue and a.fix_overdue and a.overdue
    assert a.reports == (ReportKind.CORRECTION_806,) and a.final
    late = assess_postmarket(
        L.HIGH,
        H.SERIOUS,
        learned_on=LEARNED,
        today=date(2026, 2, 10),
        isao_participant=True,
        customer_notified_on=date(2026, 2, 10),
    )
    assert not late.communication_overdue
    assert late.conditions_state("customer communication") is ConditionState.UNMET
    assert late.reports == (ReportKind.CORRECTION_806,)


def test_day_30_is_on_time() -> None:
    a = assess_postmarket(
        L.HIGH, H.SERIOUS, learned_on=LEARNED, today=date(2026, 2, 9), isao_participant=True
    )
    assert not a.communication_overdue


def test_adverse_event_means_mdr_and_pma_annual() -> None:
    a = assess_postmarket(
        L.MEDIUM,
        H.CATASTROPHIC,
        learned_on=LEARNED,
        today=LEARNED,
        isao_participant=True,
        adverse_event_learned_on=date(2026, 1, 15),
        pma_device=True,
    )
    assert a.reports == (ReportKind.MDR_803, ReportKind.PMA_ANNUAL_814_84)
    assert a.mdr_due == date(2026, 2, 14)
    controlled = assess_postmarket(
        L.LOW, H.MINOR, learned_on=LEARNED, today=LEARNED, serious_adverse_event_known=True
    )
    assert controlled.reports[0] is ReportKind.MDR_803


def test_deterministic() -> None:
    def run() -> object:
        return assess_postmarket(L.HIGH, H.SERIOUS, learned_on=LEARNED, today=date(2026, 2, 1))

    assert run() == run()
