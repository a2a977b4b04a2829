"""The SBOM completeness report: NTIA minimum elements plus the FDA's premarket extras.

Pure values only; ``hemostat.assess.completeness.check`` builds them (docs/completeness.md).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from enum import Enum, StrEnum
from typing import Any


class Outcome(StrEnum):
    """How one element fared for one subject (the document or one component)."""

    PASS = "pass"
    FAIL = "fail"
    PARTIAL = "partial"  # present but weak, e.g. only a hash where a purl/CPE is expected
    JUSTIFIED = "justified"  # missing, with a written justification (FDA accepts this)
    PENDING = "pending"  # filled in by a later stage (vulnerability matching)
    INFO = "info"  # missing, but not an element anyone requires


class Requirement(StrEnum):
    """Who asks for an element. NTIA and FDA elements decide the verdict."""

    NTIA = "ntia"  # NTIA 2021 minimum elements: an SBOM without them is not an SBOM
    FDA = "fda"  # FDA premarket guidance V.A.4 extras: required in a submission
    RECOMMENDED = "recommended"  # good practice that a reviewer will ask about
    OPTIONAL = "optional"


class Severity(StrEnum):
    BLOCKER = "blocker"  # an NTIA minimum element is missing
    MAJOR = "major"  # an FDA premarket element is missing, or FDA expects a plan
    MINOR = "minor"  # recommended; weakens matching or traceability
    INFO = "info"


class Element(StrEnum):
    # document level
    SBOM_AUTHOR = "sbom_author"
    TIMESTAMP = "timestamp"
    DOCUMENT_ID = "document_id"
    DESCRIBED_SUBJECT = "described_subject"
    ROOT_DEPENDENCIES = "root_dependencies"
    DEPENDENCY_COMPLETENESS = "dependency_completeness"
    KNOWN_VULNERABILITIES = "known_vulnerabilities"
    # component level
    SUPPLIER = "supplier"
    NAME = "name"
    VERSION = "version"
    UNIQUE_IDENTIFIER = "unique_identifier"
    DEPENDENCY_RELATIONSHIP = "dependency_relationship"
    LEVEL_OF_SUPPORT = "level_of_support"
    END_OF_SUPPORT = "end_of_support"
    LICENSE = "license"


class ConcernKind(StrEnum):
    """FDA-relevant warnings that are not missing data but need a plan or a fix."""

    PAST_END_OF_SUPPORT = "past_end_of_support"
    END_OF_SUPPORT_SOON = "end_of_support_soon"
    UNSUPPORTED = "unsupported"
    NOT_NVD_MATCHABLE = "not_nvd_matchable"


class Verdict(StrEnum):
    READY = "ready"  # every NTIA/FDA element complete or justified, no concerns
    READY_WITH_CONCERNS = "ready_with_concerns"  # complete, but FDA expects plans for concerns
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class Check:
    element: Element
    outcome: Outcome
    severity: Severity | None  # None when the outcome needs nothing (pass/justified/pending)
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Concern:
    kind: ConcernKind
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class ComponentResult:
    bom_ref: str
    label: str  # name@version, what a reviewer recognises
    type: str
    match: str  # how the support CSV side-file selects it: purl, else CPE, else name@version
    checks: tuple[Check, ...]
    concerns: tuple[Concern, ...] = ()

    def outcome(self, element: Element) -> Outcome | None:
        return next((c.outcome for c in self.checks if c.element is element), None)


@dataclass(frozen=True, slots=True)
class ElementScore:
    element: Element
    requirement: Requirement
    weight: int
    applicable: int
    passed: int = 0
    partial: int = 0
    justified: int = 0
    failed: int = 0
    pending: int = 0
    info: int = 0

    @property
    def coverage(self) -> float:
        """Percent complete: pass and justified count 1, partial counts 0.5."""
        if not self.applicable:
            return 0.0
        credit = self.passed + self.justified + self.partial / 2
        return round(100 * credit / self.applicable, 1)

    @property
    def complete(self) -> bool:
        """Complete or justified everywhere (pending counts: it is a later stage's job)."""
        return self.applicable > 0 and self.partial == 0 and self.failed == 0


@dataclass(frozen=True, slots=True)
class Action:
    """One fix, grouped over every component that needs it."""

    kind: str  # stable key, e.g. "add_supplier"
    severity: Severity
    element: Element | None
    title: str  # "Add supplier for 7 components: busybox@1.31.1, ... and 2 more"
    how: str  # the exact property / field to add and the CSV side-file alternative
    components: tuple[str, ...] = ()  # every affected label, in report order
    bom_refs: tuple[str, ...] = ()  # parallel to ``components``


@dataclass(frozen=True, slots=True)
class CompletenessReport:
    sbom_sha256: str
    sbom_name: str | None
    report_date: date  # what "past end of support" is measured against
    score: float  # 0-100, weighted (docs/completeness.md)
    verdict: Verdict
    summary: str
    scores: tuple[ElementScore, ...]  # one per Element, in Element order
    actions: tuple[Action, ...]  # most severe first, then most components
    document: tuple[Check, ...]
    components: tuple[ComponentResult, ...]  # sorted by group, name, version, bom-ref


def report_to_dict(report: CompletenessReport, *, components: bool = True) -> dict[str, Any]:
    """JSON-ready form: keys in field order, every list already sorted by ``check``.

    ``components=False`` leaves out the per-component results (a few MB for 10k components): the
    stored summary keeps scores, verdict and actions; the details are recomputed on demand.
    """
    out = {
        f.name: _plain(getattr(report, f.name)) for f in fields(report) if f.name != "components"
    }
    if components:
        out["components"] = [_component(c) for c in report.components]
    else:
        out["component_count"] = len(report.components)
    return out


def _component(c: ComponentResult) -> dict[str, Any]:
    # The hot path for 10k-component reports: spelled out instead of the generic _plain walk.
    return {
        "bom_ref": c.bom_ref,
        "label": c.label,
        "type": c.type,
        "checks": [
            {
                "element": k.element.value,
                "outcome": k.outcome.value,
                "severity": k.severity.value if k.severity else None,
                "detail": k.detail,
            }
            for k in c.checks
        ],
        "concerns": [
            {"kind": k.kind.value, "severity": k.severity.value, "message": k.message}
            for k in c.concerns
        ],
    }


def _plain(value: object) -> object:
    # Hand-written instead of dataclasses.asdict: enums and dates must become JSON scalars and
    # ElementScore's computed coverage must be included.
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
        if isinstance(value, ElementScore):
            out |= {"coverage": value.coverage, "complete": value.complete}
        return out
    return value
