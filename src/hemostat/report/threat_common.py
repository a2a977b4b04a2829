"""What every threat-model renderer needs: a canonical, order-free view of a ``ThreatAnalysis``.

Renderers promise byte-identical output for the same analysis whatever the order of its
collections, so ``canonical`` sorts every id-keyed tuple once and the rest of the code keeps that
order. Free-text lists the author ordered on purpose (assumptions, tags, data classes) are kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from hemostat.domain.threat import (
    DataFlow,
    Element,
    ElementKind,
    RiskLevel,
    Stride,
    Threat,
    ThreatAnalysis,
    ThreatModel,
    Treatment,
)

FORMAT = "hemostat-threat-analysis/1"
RISK_RANK = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2, RiskLevel.CRITICAL: 3}
RISKS_DESC = (RiskLevel.CRITICAL, RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)
STRIDE_ORDER = tuple(Stride)
STRIDE_LABEL = {
    Stride.SPOOFING: "Spoofing",
    Stride.TAMPERING: "Tampering",
    Stride.REPUDIATION: "Repudiation",
    Stride.INFORMATION_DISCLOSURE: "Information disclosure",
    Stride.DENIAL_OF_SERVICE: "Denial of service",
    Stride.ELEVATION_OF_PRIVILEGE: "Elevation of privilege",
}
# Element kinds the manufacturer does not operate unless the model says otherwise
# (attribute ``manufacturer_controlled``): the hops FDA asks the update view to show.
_UNCONTROLLED_KINDS = frozenset(
    {ElementKind.HOSPITAL_SYSTEM, ElementKind.USER, ElementKind.EXTERNAL_ENTITY}
)


def canonical(analysis: ThreatAnalysis) -> ThreatAnalysis:
    """The same analysis with every id-keyed collection sorted (stable output for any order)."""
    m = analysis.model
    model = replace(
        m,
        elements=tuple(sorted(m.elements, key=lambda x: x.id)),
        interfaces=tuple(sorted(m.interfaces, key=lambda x: x.id)),
        flows=tuple(sorted(m.flows, key=lambda x: x.id)),
        boundaries=tuple(sorted(m.boundaries, key=lambda x: x.id)),
        assets=tuple(sorted(m.assets, key=lambda x: x.id)),
        hazards=tuple(sorted(m.hazards, key=lambda x: x.id)),
        controls=tuple(sorted(m.controls, key=lambda x: x.id)),
        requirements=tuple(sorted(m.requirements, key=lambda x: x.id)),
        tests=tuple(sorted(m.tests, key=lambda x: x.id)),
        treatments=tuple(sorted(m.treatments, key=lambda x: (x.threat, x.status, x.rationale))),
    )
    return replace(
        analysis,
        model=model,
        threats=tuple(sorted(analysis.threats, key=lambda t: t.id)),
        stale_treatments=tuple(sorted(set(analysis.stale_treatments))),
    )


def priority_order(threats: tuple[Threat, ...]) -> tuple[Threat, ...]:
    """Open threats first, then by residual and inherent risk (worst first), then id."""
    return tuple(
        sorted(
            threats,
            key=lambda t: (
                t.treatment != Treatment.OPEN,
                -RISK_RANK[t.residual_risk],
                -RISK_RANK[t.inherent_risk],
                t.id,
            ),
        )
    )


def is_insecure(flow: DataFlow) -> bool:
    """A flow with no authentication or no encryption (drawn red, flagged in tables)."""
    return flow.authentication == "none" or flow.encryption == "none"


def attr(element: Element, name: str) -> str | int | bool | None:
    return next((v for k, v in element.attributes if k == name), None)


def manufacturer_controlled(element: Element) -> bool:
    explicit = attr(element, "manufacturer_controlled")
    if isinstance(explicit, bool):
        return explicit
    return element.kind not in _UNCONTROLLED_KINDS


def threat_counts(analysis: ThreatAnalysis) -> dict[str, tuple[int, int]]:
    """(open, total) threats per element id (its own and its interfaces') and per flow id."""
    owner = {i.id: i.element for i in analysis.model.interfaces}
    total: Counter[str] = Counter()
    opened: Counter[str] = Counter()
    for t in analysis.threats:
        key = owner.get(t.target, t.target)
        total[key] += 1
        opened[key] += t.treatment == Treatment.OPEN
    return {k: (opened[k], total[k]) for k in total}


def multi_patient_hazard_elements(model: ThreatModel) -> dict[str, tuple[str, ...]]:
    """Element id -> ids of the multi-patient hazards that name it."""
    out: dict[str, list[str]] = {}
    for h in model.hazards:
        if h.multi_patient:
            for e in h.elements:
                out.setdefault(e, []).append(h.id)
    return {k: tuple(v) for k, v in out.items()}
