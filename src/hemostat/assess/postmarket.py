"""FDA postmarket assessment (2016 guidance, DOMAIN.md §2): risk control, clocks, reports.

``assess_postmarket`` is pure: exploitability x ISO 14971 severity of patient harm is looked up in a
versioned ``RiskMatrix`` (every cell carries its rationale); for uncontrolled risk the 30/60-day
clocks run from the day the manufacturer learned of the vulnerability, and the reporting
determination follows §2.3/§2.4. The matrix itself lives in ``postmarket_matrix``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from hemostat.assess.postmarket_matrix import (
    DEFAULT_MATRIX,
    MatrixCell,
    RiskControl,
    RiskMatrix,
    exploitability_from_cvss,
)
from hemostat.domain.threat import HarmSeverity, Level

__all__ = [
    "COMMUNICATION_DAYS",
    "FIX_DAYS",
    "MDR_DAYS",
    "ConditionState",
    "PostmarketAssessment",
    "ReportKind",
    "assess_postmarket",
    "exploitability_from_cvss",
]

COMMUNICATION_DAYS = 30  # §2.3 condition 2: tell customers within 30 days of learning of it
FIX_DAYS = 60  # §2.3 condition 3: deployable, validated fix within 60 days
MDR_DAYS = 30  # §2.4: 803.50 MDR within 30 calendar days


class ReportKind(StrEnum):
    MDR_803 = "mdr_803"  # death/serious injury known: 21 CFR 803 (covers 806 per 806.10(f))
    CORRECTION_806 = "correction_806"  # uncontrolled, enforcement-discretion conditions not all met
    INTERNAL_RECORD_806_20 = "internal_record_806_20"  # discretion used: keep 806.20 record
    ROUTINE_UPDATE = "routine_update"  # controlled risk: routine update/patch, no 806 report
    PMA_ANNUAL_814_84 = "pma_annual_814_84"  # PMA devices: annual report either way


class ConditionState(StrEnum):
    MET = "met"
    PENDING = "pending"  # its deadline has not passed yet
    UNMET = "unmet"


@dataclass(frozen=True, slots=True)
class PostmarketAssessment:
    exploitability: Level
    severity: HarmSeverity
    control: RiskControl
    matrix_version: str
    cell_rationale: str
    learned_on: date
    today: date
    communication_due: date | None  # None for controlled risk
    fix_due: date | None
    mdr_due: date | None
    isao_participant: bool
    # The four enforcement-discretion conditions, §2.3 order (empty for controlled risk).
    conditions: tuple[tuple[str, ConditionState], ...]
    reports: tuple[ReportKind, ...]
    final: bool  # False while a discretion condition is still pending
    communication_overdue: bool
    fix_overdue: bool
    reasoning: tuple[str, ...]

    @property
    def overdue(self) -> bool:
        return self.communication_overdue or self.fix_overdue

    @property
    def next_due(self) -> date | None:
        """Earliest open deadline (for ordering a queue: overdue and soonest first)."""
        return min(self.open_deadlines, default=None)

    @property
    def open_deadlines(self) -> tuple[date, ...]:
        pairs = (
            (self.communication_due, self.conditions_state("customer communication")),
            (self.fix_due, self.conditions_state("fix distributed")),
        )
        return tuple(d for d, s in pairs if d is not None and s is not ConditionState.MET)

    def conditions_state(self, name: str) -> ConditionState | None:
        return dict(self.conditions).get(name)


def _deadline_state(done_on: date | None, due: date, today: date) -> ConditionState:
    if done_on is not None:
        return ConditionState.MET if done_on <= due else ConditionState.UNMET
    return ConditionState.UNMET if today > due else ConditionState.PENDING


def _reports(
    conditions: tuple[tuple[str, ConditionState], ...], adverse: bool
) -> tuple[tuple[ReportKind, ...], bool, str]:
    """Reports for uncontrolled risk, whether that is final, and the reason line."""
    states = [s for _, s in conditions]
    if adverse:
        return (ReportKind.MDR_803,), True, "serious adverse event known: MDR under 21 CFR 803"
    if ConditionState.UNMET in states:
        failed = ", ".join(n for n, s in conditions if s is ConditionState.UNMET)
        return (ReportKind.CORRECTION_806,), True, f"806 report required; not met: {failed}"
    if ConditionState.PENDING in states:
        pending = ", ".join(n for n, s in conditions if s is ConditionState.PENDING)
        reason = f"806 report avoidable under enforcement discretion if met in time: {pending}"
        return (ReportKind.INTERNAL_RECORD_806_20,), False, reason
    reason = "all four enforcement-discretion conditions met: no 806 report, keep 806.20 record"
    return (ReportKind.INTERNAL_RECORD_806_20,), True, reason


def assess_postmarket(
    exploitability: Level,
    severity: HarmSeverity,
    *,
    learned_on: date,
    today: date,
    matrix: RiskMatrix = DEFAULT_MATRIX,
    isao_participant: bool = False,
    serious_adverse_event_known: bool = False,
    adverse_event_learned_on: date | None = None,
    customer_notified_on: date | None = None,
    fix_distributed_on: date | None = None,
    pma_device: bool = False,
) -> PostmarketAssessment:
    """Classify one vulnerability's risk and derive its clocks and reporting determination."""
    cell: MatrixCell = matrix.classify(exploitability, severity)
    lines = [
        f"exploitability {exploitability.value} x severity {severity.value}"
        f" -> {cell.control.value} (matrix {matrix.version}: {cell.rationale})"
    ]
    adverse = serious_adverse_event_known or adverse_event_learned_on is not None
    mdr_due = None
    if adverse:
        mdr_due = (adverse_event_learned_on or learned_on) + timedelta(days=MDR_DAYS)
    if cell.control is RiskControl.CONTROLLED:
        reports: tuple[ReportKind, ...] = (ReportKind.ROUTINE_UPDATE,)
        lines.append("controlled risk: routine update or patch, no 806 report (§2.3)")
        if adverse:
            reports = (ReportKind.MDR_803, *reports)
            lines.append("serious adverse event known: MDR under 21 CFR 803 regardless")
        comm_due = fix_due = None
        conditions: tuple[tuple[str, ConditionState], ...] = ()
        final = True
    else:
        comm_due = learned_on + timedelta(days=COMMUNICATION_DAYS)
        fix_due = learned_on + timedelta(days=FIX_DAYS)
        lines.append(f"uncontrolled: customer communication due {comm_due}, fix due {fix_due}")
        conditions = (
            ("no serious adverse event", ConditionState.UNMET if adverse else ConditionState.MET),
            ("customer communication", _deadline_state(customer_notified_on, comm_due, today)),
            ("fix distributed", _deadline_state(fix_distributed_on, fix_due, today)),
            (
                "ISAO participation",
                ConditionState.MET if isao_participant else ConditionState.UNMET,
            ),
        )
        reports, final, reason = _reports(conditions, adverse)
        lines.append(reason)
    if pma_device:
        reports = (*reports, ReportKind.PMA_ANNUAL_814_84)
        lines.append("PMA device: include in the annual report (21 CFR 814.84)")
    comm_over = comm_due is not None and customer_notified_on is None and today > comm_due
    fix_over = fix_due is not None and fix_distributed_on is None and today > fix_due
    if comm_over or fix_over:
        lines.append(
            f"overdue as of {today}: "
            + ", ".join(
                n for n, flag in (("customer communication", comm_over), ("fix", fix_over)) if flag
            )
        )
    return PostmarketAssessment(
        exploitability=exploitability,
        severity=severity,
        control=cell.control,
        matrix_version=matrix.version,
        cell_rationale=cell.rationale,
        learned_on=learned_on,
        today=today,
        communication_due=comm_due,
        fix_due=fix_due,
        mdr_due=mdr_due,
        isao_participant=isao_participant,
        conditions=conditions,
        reports=reports,
        final=final,
        communication_overdue=comm_over,
        fix_overdue=fix_over,
        reasoning=tuple(lines),
    )
