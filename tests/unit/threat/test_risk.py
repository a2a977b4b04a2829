"""The risk matrix and residual-risk rules of threat.risk."""

from __future__ import annotations

import pytest

from hemostat.domain.threat import HarmSeverity, Level, RiskLevel, Treatment
from hemostat.threat.risk import (
    RISK_MATRIX,
    UNKNOWN_SEVERITY,
    adjust_exploitability,
    inherent_risk,
    residual_risk,
)

L, M, H, C = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL
S = HarmSeverity


@pytest.mark.parametrize(
    ("exploitability", "severity", "expected"),
    [
        (Level.LOW, S.NEGLIGIBLE, L),
        (Level.LOW, S.SERIOUS, L),
        (Level.LOW, S.CRITICAL, M),
        (Level.LOW, S.CATASTROPHIC, M),
        (Level.MEDIUM, S.MINOR, L),
        (Level.MEDIUM, S.SERIOUS, M),
        (Level.MEDIUM, S.CRITICAL, H),
        (Level.HIGH, S.NEGLIGIBLE, L),
        (Level.HIGH, S.MINOR, M),
        (Level.HIGH, S.SERIOUS, H),
        (Level.HIGH, S.CATASTROPHIC, C),
    ],
)
def test_matrix_cells(exploitability: Level, severity: HarmSeverity, expected: RiskLevel) -> None:
    assert inherent_risk(exploitability, severity) is expected


def test_matrix_is_complete_and_monotonic() -> None:
    order = list(RiskLevel)
    for exploitability in Level:
        row = [order.index(RISK_MATRIX[exploitability][s]) for s in HarmSeverity]
        assert row == sorted(row)  # worse harm never lowers the risk
    for severity in HarmSeverity:
        column = [
            order.index(RISK_MATRIX[e][severity]) for e in (Level.LOW, Level.MEDIUM, Level.HIGH)
        ]
        assert column == sorted(column)  # easier exploitation never lowers the risk


def test_unknown_severity_is_treated_as_serious() -> None:
    assert UNKNOWN_SEVERITY is S.SERIOUS
    for exploitability in Level:
        assert inherent_risk(exploitability, None) is inherent_risk(exploitability, S.SERIOUS)


def test_residual_risk() -> None:
    assert residual_risk(C, Treatment.MITIGATED, 1) is H
    assert residual_risk(C, Treatment.MITIGATED, 2) is M
    assert residual_risk(H, Treatment.MITIGATED, 5) is L  # floor
    assert residual_risk(H, Treatment.OPEN, 0) is H
    assert residual_risk(H, Treatment.MITIGATED, 0) is H  # claimed, but no control present
    assert residual_risk(C, Treatment.ACCEPTED, 3) is C
    assert residual_risk(M, Treatment.TRANSFERRED, 1) is M
    assert residual_risk(C, Treatment.AVOIDED, 0) is L


def test_exploitability_adjustment_is_clamped() -> None:
    assert adjust_exploitability(Level.MEDIUM, 1) is Level.HIGH
    assert adjust_exploitability(Level.HIGH, 1) is Level.HIGH
    assert adjust_exploitability(Level.MEDIUM, -1) is Level.LOW
    assert adjust_exploitability(Level.LOW, -1) is Level.LOW
    assert adjust_exploitability(Level.LOW, 0) is Level.LOW
