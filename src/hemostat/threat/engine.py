"""Run threat rules over a threat model: one threat per (rule, matching target).

A threat's id is ``<rule id>@<target id>``: it depends on nothing else in the model, so a
treatment recorded against it survives unrelated edits; treatments whose threat no longer fires
are listed as stale. A threat is mitigated when a control that applies to its target — or, for a
flow, to its ``via`` interface or either end; for an interface, to its element — has one of the
rule's ``mitigated_by`` capabilities. Risk follows ``threat.risk``; the controls counted for the
residual risk are the mitigating ones plus any a treatment cites. Output is sorted by threat id.
"""

from __future__ import annotations

from collections.abc import Sequence

from hemostat.domain.threat import (
    ComponentLink,
    InterfaceKind,
    RuleTarget,
    Threat,
    ThreatAnalysis,
    ThreatModel,
    ThreatRule,
    Treatment,
    TreatmentRecord,
)
from hemostat.threat.conditions import compile_condition
from hemostat.threat.engine_env import ModelIndex
from hemostat.threat.risk import SEVERITIES, adjust_exploitability, inherent_risk, residual_risk
from hemostat.threat.rules_loader import rules_digest

NETWORK_INTERFACES = frozenset(
    {InterfaceKind.WIFI, InterfaceKind.ETHERNET, InterfaceKind.CELLULAR, InterfaceKind.HTTPS_API}
)
NETWORK_TRANSPORTS = frozenset({"tcp", "udp"})


def analyze(
    model: ThreatModel, rules: Sequence[ThreatRule], *, rules_version: str | None = None
) -> ThreatAnalysis:
    """Every threat the rules find in ``model``. ``rules_version`` defaults to
    ``rules_digest(rules)`` (equal to ``RULES_VERSION`` for the built-in rules)."""
    ids = [rule.id for rule in rules]
    if len(set(ids)) != len(ids):
        raise ValueError("rule ids must be unique")  # load_rules guarantees it; guard direct use
    index = ModelIndex.of(model)
    treatments = {t.threat: t for t in model.treatments}
    envs = {kind: index.targets(kind) for kind in RuleTarget}
    threats: list[Threat] = []
    for rule in rules:
        condition = compile_condition(rule.condition, rule.target)
        for target, env in envs[rule.target]:
            if condition.evaluate(env):
                threats.append(_threat(rule, target, index, treatments))
    threats.sort(key=lambda t: t.id)
    found = {t.id for t in threats}
    stale = tuple(sorted(t.threat for t in model.treatments if t.threat not in found))
    version = rules_version or rules_digest(rules)
    return ThreatAnalysis(model, tuple(threats), version, stale)


def _threat(
    rule: ThreatRule, target: str, index: ModelIndex, treatments: dict[str, TreatmentRecord]
) -> Threat:
    threat_id = f"{rule.id}@{target}"
    related, ends = _related(rule.target, target, index)
    hazards = sorted((h for h in index.model.hazards if set(h.elements) & ends), key=lambda h: h.id)
    severity = max((h.severity for h in hazards), key=SEVERITIES.index, default=None)
    exploitability = adjust_exploitability(
        rule.exploitability, _exposure(rule.target, target, index)
    )
    mitigating = [
        c.id
        for c in index.model.controls
        if set(c.applies_to) & related and set(c.capabilities) & set(rule.mitigated_by)
    ]
    record = treatments.get(threat_id)
    status = record.status if record else (Treatment.MITIGATED if mitigating else Treatment.OPEN)
    controls = tuple(sorted({*mitigating, *(record.controls if record else ())}))
    rationale = record.rationale if record else _auto_rationale(mitigating)
    inherent = inherent_risk(exploitability, severity)
    return Threat(
        id=threat_id,
        rule=rule.id,
        title=rule.title,
        stride=rule.stride,
        target_kind=rule.target,
        target=target,
        description=rule.description,
        exploitability=exploitability,
        hazards=tuple(h.id for h in hazards),
        severity=severity,
        inherent_risk=inherent,
        treatment=status,
        rationale=rationale,
        controls=controls,
        residual_risk=residual_risk(inherent, status, len(controls)),
        components=_components(ends, index),
        capec=rule.capec,
        cwe=rule.cwe,
        fda_categories=rule.fda_categories,
        iec62443=rule.iec62443,
        nist80053=rule.nist80053,
    )


def _related(kind: RuleTarget, target: str, index: ModelIndex) -> tuple[set[str], set[str]]:
    """(ids a mitigating control may apply to, element ids whose hazards/components count)."""
    if kind is RuleTarget.ELEMENT:
        return {target}, {target}
    if kind is RuleTarget.INTERFACE:
        owner = index.interfaces[target].element
        return {target, owner}, {owner}
    flow = index.flows[target]
    ends = {flow.source, flow.target}
    return {target, *ends, *([flow.via] if flow.via else [])}, ends


def _exposure(kind: RuleTarget, target: str, index: ModelIndex) -> int:
    """+1 exposed to a network, -1 not exposed or disabled in the field, else 0."""
    if kind is RuleTarget.ELEMENT:
        return 0
    if kind is RuleTarget.FLOW:
        flow = index.flows[target]
        if not flow.via:
            return 1 if flow.transport in NETWORK_TRANSPORTS else 0
        target = flow.via
    interface = index.interfaces[target]
    if not interface.exposed or not interface.enabled_in_field:
        return -1
    return 1 if interface.kind in NETWORK_INTERFACES else 0


def _components(ends: set[str], index: ModelIndex) -> tuple[ComponentLink, ...]:
    links: dict[ComponentLink, None] = {}
    for element_id in sorted(ends):
        element = index.elements.get(element_id)
        links.update(dict.fromkeys(element.components if element else ()))
    return tuple(links)


def _auto_rationale(mitigating: list[str]) -> str:
    if not mitigating:
        return ""
    return f"Mitigated by control{'s' if len(mitigating) > 1 else ''} {', '.join(mitigating)}."
