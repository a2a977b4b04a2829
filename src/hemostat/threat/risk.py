"""Security risk of a threat: exploitability by severity of harm, before and after controls.

Exploitability, not probability (FDA premarket guidance; DOMAIN.md §1.4.3). Severity is the
worst ISO 14971 harm severity among the hazards linked to the threat's target, on the same
five-level scale the safety risk file uses (AAMI TIR57: one severity scale, separate risks).
With no linked hazard the severity is unknown and ``UNKNOWN_SEVERITY`` (serious) is assumed;
the threat carries ``severity=None`` so reports can flag it.

Inherent risk (rows: exploitability, columns: severity)::

                 negligible  minor    serious  critical  catastrophic
    low          low         low      low      medium    medium
    medium       low         low      medium   high      high
    high         low         medium   high     critical  critical

Residual risk: one level lower per mitigating control present (floor ``low``); ``accepted`` and
``transferred`` keep the inherent risk (the risk is still there, someone owns it); ``avoided``
(the function was removed) is ``low``.

Exploitability adjustment for the target (``adjust_exploitability``): one step up for an
interface or flow exposed to a network, one step down for an interface (or a flow's ``via``)
with ``exposed: false`` or ``enabled_in_field: false``; clamped to low..high.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from hemostat.domain.threat import HarmSeverity, Level, RiskLevel, Treatment

UNKNOWN_SEVERITY = HarmSeverity.SERIOUS
EXPLOITABILITY: tuple[Level, ...] = (Level.LOW, Level.MEDIUM, Level.HIGH)
SEVERITIES: tuple[HarmSeverity, ...] = tuple(HarmSeverity)  # negligible … catastrophic
RISK_LEVELS: tuple[RiskLevel, ...] = tuple(RiskLevel)  # low … critical

_L, _M, _H, _C = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL
RISK_MATRIX: Mapping[Level, Mapping[HarmSeverity, RiskLevel]] = {
    exploitability: dict(zip(SEVERITIES, row, strict=True))
    for exploitability, row in (
        (Level.LOW, (_L, _L, _L, _M, _M)),
        (Level.MEDIUM, (_L, _L, _M, _H, _H)),
        (Level.HIGH, (_L, _M, _H, _C, _C)),
    )
}


def inherent_risk(exploitability: Level, severity: HarmSeverity | None) -> RiskLevel:
    """The matrix cell; ``severity=None`` (no linked hazard) counts as ``UNKNOWN_SEVERITY``."""
    return RISK_MATRIX[exploitability][severity or UNKNOWN_SEVERITY]


def residual_risk(inherent: RiskLevel, treatment: Treatment, mitigating_controls: int) -> RiskLevel:
    """Risk left after treatment (see the module docstring for the rules)."""
    if treatment is Treatment.AVOIDED:
        return RiskLevel.LOW
    if treatment in (Treatment.ACCEPTED, Treatment.TRANSFERRED):
        return inherent
    return _step(RISK_LEVELS, inherent, -max(mitigating_controls, 0))


def adjust_exploitability(base: Level, steps: int) -> Level:
    """``base`` moved ``steps`` levels (negative: easier to defend), clamped to low..high."""
    return _step(EXPLOITABILITY, base, steps)


_T = TypeVar("_T")


def _step(scale: tuple[_T, ...], value: _T, steps: int) -> _T:
    index = min(max(scale.index(value) + steps, 0), len(scale) - 1)
    return scale[index]
