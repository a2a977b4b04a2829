"""The controlled/uncontrolled risk matrix (DOMAIN.md §2.2) and exploitability from CVSS v3.x.

FDA's 2016 guidance shows only an example chart with a boundary and defines no cells; the default
matrix below is Hemostat's own [OURS] and every cell is data: versioned, with a rationale, and
replaceable from a dict (``RiskMatrix.from_dict``) loaded from a manufacturer's risk procedure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from cvss import CVSS3, CVSSError

from hemostat.domain.threat import HarmSeverity, Level
from hemostat.errors import UsageError

__all__ = [
    "DEFAULT_MATRIX",
    "MatrixCell",
    "RiskControl",
    "RiskMatrix",
    "exploitability_from_cvss",
]

# CVSS v3.x exploitability sub-score (8.22 x AV x AC x PR x UI, range 0.12-3.89) bands [OURS]:
# high   >= 2.8: network/adjacent, low complexity, one of PR:L/UI:R at most (AV:N/AC:L/PR:N/UI:N)
# medium >= 1.6: local access, high complexity, or two hurdles (e.g. AV:L/AC:L/PR:N/UI:N = 2.5)
# low    <  1.6: physical access or several hurdles (AV:P/AC:L/PR:N/UI:N = 0.9)
EXPLOITABILITY_HIGH = Decimal("2.8")
EXPLOITABILITY_MEDIUM = Decimal("1.6")
# With only a base score (no vector) [OURS]: >= 7.0 high, >= 4.0 medium, else low.
SCORE_HIGH = Decimal("7.0")
SCORE_MEDIUM = Decimal("4.0")

_E = TypeVar("_E", bound=StrEnum)


class RiskControl(StrEnum):
    CONTROLLED = "controlled"
    UNCONTROLLED = "uncontrolled"


@dataclass(frozen=True, slots=True)
class MatrixCell:
    exploitability: Level
    severity: HarmSeverity
    control: RiskControl
    rationale: str


@dataclass(frozen=True, slots=True)
class RiskMatrix:
    """A complete exploitability x severity matrix (all 15 cells), with its version."""

    version: str
    cells: tuple[MatrixCell, ...]

    def __post_init__(self) -> None:
        keys = [(c.exploitability, c.severity) for c in self.cells]
        wanted = {(e, s) for e in Level for s in HarmSeverity}
        if len(keys) != len(set(keys)) or set(keys) != wanted:
            missing = sorted(f"{e.value}/{s.value}" for e, s in wanted - set(keys))
            raise UsageError(
                f"risk matrix {self.version!r} must define each of the 15 cells exactly once",
                hint=f"missing: {', '.join(missing)}" if missing else "remove duplicate cells",
            )

    def classify(self, exploitability: Level, severity: HarmSeverity) -> MatrixCell:
        for cell in self.cells:
            if cell.exploitability is exploitability and cell.severity is severity:
                return cell
        raise AssertionError("unreachable: __post_init__ checks completeness")

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RiskMatrix:
        """``{"version": str, "cells": [{exploitability, severity, control, rationale}]}``."""
        version, raw_cells = data.get("version"), data.get("cells")
        if not isinstance(version, str) or not isinstance(raw_cells, list):
            raise UsageError("risk matrix needs a string 'version' and a list 'cells'")
        return cls(version, tuple(_cell(i, raw) for i, raw in enumerate(raw_cells)))

    def to_dict(self) -> dict[str, object]:
        cells = [
            {
                "exploitability": c.exploitability.value,
                "severity": c.severity.value,
                "control": c.control.value,
                "rationale": c.rationale,
            }
            for c in self.cells
        ]
        return {"version": self.version, "cells": cells}


def _enum(kind: type[_E], raw: object, where: str) -> _E:
    try:
        return kind(str(raw))
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise UsageError(f"{where}: {raw!r} is not one of: {allowed}") from None


def _cell(index: int, raw: object) -> MatrixCell:
    where = f"risk matrix cell {index}"
    if not isinstance(raw, Mapping):
        raise UsageError(f"{where}: expected a mapping")
    rationale = raw.get("rationale")
    if not isinstance(rationale, str) or not rationale.strip():
        raise UsageError(f"{where}: 'rationale' is required (every cell must say why)")
    return MatrixCell(
        _enum(Level, raw.get("exploitability"), f"{where} exploitability"),
        _enum(HarmSeverity, raw.get("severity"), f"{where} severity"),
        _enum(RiskControl, raw.get("control"), f"{where} control"),
        rationale,
    )


# DOMAIN.md §2.2 [OURS]: uncontrolled at high x serious+, medium x critical+, low x catastrophic.
_THRESHOLD = {
    Level.HIGH: HarmSeverity.SERIOUS,
    Level.MEDIUM: HarmSeverity.CRITICAL,
    Level.LOW: HarmSeverity.CATASTROPHIC,
}
_SEVERITIES = list(HarmSeverity)


def _default_cell(e: Level, s: HarmSeverity) -> MatrixCell:
    threshold = _THRESHOLD[e]
    if _SEVERITIES.index(s) >= _SEVERITIES.index(threshold):
        why = f"{e.value} exploitability with {threshold.value} or worse harm is not acceptable"
        return MatrixCell(e, s, RiskControl.UNCONTROLLED, why)
    why = f"{e.value} exploitability: harm below {threshold.value} is acceptable residual risk"
    return MatrixCell(e, s, RiskControl.CONTROLLED, why)


DEFAULT_MATRIX = RiskMatrix(
    "hemostat-default-1", tuple(_default_cell(e, s) for e in Level for s in HarmSeverity)
)


def exploitability_from_cvss(
    vector: str | None = None, score: Decimal | float | None = None
) -> tuple[Level, str]:
    """Exploitability band and a reason line, from a CVSS v3.x vector (preferred) or base score."""
    if vector is not None:
        try:
            parsed = CVSS3(vector.strip())
        except CVSSError as exc:
            raise UsageError(f"not a CVSS v3 vector: {vector!r} ({exc})") from None
        esc = Decimal(str(parsed.esc)).quantize(Decimal("0.1"))
        level = _band(esc, EXPLOITABILITY_HIGH, EXPLOITABILITY_MEDIUM)
        return level, f"CVSS exploitability sub-score {esc} -> {level.value} (bands 2.8/1.6)"
    if score is not None:
        value = Decimal(str(score))
        level = _band(value, SCORE_HIGH, SCORE_MEDIUM)
        return level, f"CVSS base score {value} (no vector) -> {level.value} (bands 7.0/4.0)"
    raise UsageError("exploitability needs a CVSS vector, a score, or an explicit level")


def _band(value: Decimal, high: Decimal, medium: Decimal) -> Level:
    if value >= high:
        return Level.HIGH
    return Level.MEDIUM if value >= medium else Level.LOW
