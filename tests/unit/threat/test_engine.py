"""The threat engine on the small test model with four inline rules (independent of the rule
library): stable ids, mitigation, treatments, risk, determinism."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hemostat.domain.threat import (
    ComponentLink,
    Control,
    DataFlow,
    Element,
    ElementKind,
    FdaControlCategory,
    HarmSeverity,
    Level,
    RiskLevel,
    RuleTarget,
    Stride,
    Threat,
    ThreatAnalysis,
    ThreatModel,
    ThreatRule,
    Treatment,
    TreatmentRecord,
)
from hemostat.threat.conditions import FIELDS
from hemostat.threat.engine import analyze
from hemostat.threat.engine_env import ModelIndex
from hemostat.threat.model import load_model
from hemostat.threat.rules_loader import rules_digest

MODEL = Path(__file__).resolve().parents[2] / "assets" / "threat" / "good"


def rule(
    id_: str, target: RuleTarget, when: str, mitigated_by: tuple[str, ...] = (), **kw: object
) -> ThreatRule:
    return ThreatRule(
        id=id_,
        title=f"title {id_}",
        stride=Stride.SPOOFING,
        target=target,
        condition=when,
        description=f"description {id_}",
        mitigated_by=mitigated_by,
        **kw,  # type: ignore[arg-type]
    )


RULES = (
    rule(
        "R-FLOW",
        RuleTarget.FLOW,
        '"therapy_command" in flow.data and flow.authentication == "none" and via.kind == "ble"',
        ("ble_authenticated_pairing", "message_authentication"),
        exploitability=Level.HIGH,
        cwe=("CWE-306",),
        fda_categories=(FdaControlCategory.AUTHENTICATION,),
    ),
    rule("T-FLOW", RuleTarget.FLOW, '"phi" in flow.data', ("network_segmentation",)),
    rule(
        "R-IFACE",
        RuleTarget.INTERFACE,
        'interface.kind == "service_port" or interface.authentication == "pairing_just_works"',
        ("ble_authenticated_pairing",),
    ),
    rule(
        "R-ELEM", RuleTarget.ELEMENT, 'element.kind == "hospital_system"', exploitability=Level.HIGH
    ),
)


@pytest.fixture(scope="module")
def model() -> ThreatModel:
    return load_model(MODEL)


def by_id(analysis: ThreatAnalysis) -> dict[str, Threat]:
    return {t.id: t for t in analysis.threats}


def test_threat_ids_and_order(model: ThreatModel) -> None:
    analysis = analyze(model, RULES)
    assert [t.id for t in analysis.threats] == [
        "R-ELEM@ehr",
        "R-FLOW@app-to-pump-therapy",
        "R-IFACE@pump-ble",
        "R-IFACE@pump-uart",
        "T-FLOW@pump-to-ehr",
    ]
    threat = by_id(analysis)["R-FLOW@app-to-pump-therapy"]
    assert (threat.rule, threat.target, threat.target_kind) == (
        "R-FLOW",
        "app-to-pump-therapy",
        RuleTarget.FLOW,
    )
    assert (threat.title, threat.stride, threat.cwe) == (
        "title R-FLOW",
        Stride.SPOOFING,
        ("CWE-306",),
    )
    assert threat.fda_categories == (FdaControlCategory.AUTHENTICATION,)
    assert analysis.model is model
    assert analysis.rules_version == rules_digest(RULES)


def test_ids_and_treatments_survive_unrelated_model_edits(model: ThreatModel) -> None:
    before = analyze(model, RULES)
    edited = replace(
        model,
        version="1.1",
        elements=(
            Element("gateway", ElementKind.CLOUD_SERVICE, "Gateway"),
            *reversed(model.elements),
        ),
        flows=(
            *model.flows,
            DataFlow("ehr-to-gateway", "ehr", "gateway", transport="tcp", data=("logs",)),
        ),
        controls=(*model.controls, Control("LOG-1", "Logging", (), ("logging",), ("gateway",))),
    )
    after = analyze(edited, RULES)
    assert by_id(after) == by_id(before)  # same ids, same content, treatment still applied
    assert by_id(after)["T-FLOW@pump-to-ehr"].treatment is Treatment.ACCEPTED


def test_mitigated_by_a_control_on_the_via_interface(model: ThreatModel) -> None:
    threat = by_id(analyze(model, RULES))["R-FLOW@app-to-pump-therapy"]
    assert threat.treatment is Treatment.MITIGATED
    assert threat.controls == ("AUTHN-1",)  # applies_to: [pump-ble], the flow's via
    assert threat.rationale == "Mitigated by control AUTHN-1."
    assert threat.exploitability is Level.HIGH  # BLE is not a network: no step up
    assert (threat.hazards, threat.severity) == (("HAZ-012",), HarmSeverity.CATASTROPHIC)
    assert (threat.inherent_risk, threat.residual_risk) == (RiskLevel.CRITICAL, RiskLevel.HIGH)


def test_without_the_control_the_threat_is_open(model: ThreatModel) -> None:
    threat = by_id(analyze(replace(model, controls=()), RULES))["R-FLOW@app-to-pump-therapy"]
    assert (threat.treatment, threat.controls, threat.rationale) == (Treatment.OPEN, (), "")
    assert threat.residual_risk is threat.inherent_risk is RiskLevel.CRITICAL


@pytest.mark.parametrize(
    ("applies_to", "capability", "mitigated"),
    [
        (("app-to-pump-therapy",), "message_authentication", True),  # the flow itself
        (("clinician-app",), "message_authentication", True),  # its source element
        (("pump",), "ble_authenticated_pairing", True),  # its target element
        (("pump-wifi",), "ble_authenticated_pairing", False),  # another interface
        (("pump-ble",), "signed_firmware", False),  # right place, wrong capability
    ],
)
def test_where_a_control_mitigates_a_flow_threat(
    model: ThreatModel, applies_to: tuple[str, ...], capability: str, mitigated: bool
) -> None:
    control = Control("C-1", "c", (), (capability,), applies_to)
    threat = by_id(analyze(replace(model, controls=(control,)), RULES))[
        "R-FLOW@app-to-pump-therapy"
    ]
    assert (threat.treatment is Treatment.MITIGATED) is mitigated
    assert threat.controls == (("C-1",) if mitigated else ())


def test_interface_threat_is_mitigated_by_a_control_on_its_element(model: ThreatModel) -> None:
    control = Control("C-1", "c", (), ("ble_authenticated_pairing",), ("pump",))
    threats = by_id(analyze(replace(model, controls=(control,)), RULES))
    assert threats["R-IFACE@pump-ble"].controls == ("C-1",)
    assert threats["R-IFACE@pump-uart"].controls == ("C-1",)


def test_treatment_applied_and_stale_treatments_listed(model: ThreatModel) -> None:
    treatments = (
        *model.treatments,
        TreatmentRecord("R-ELEM@ehr", Treatment.AVOIDED, "EHR link removed"),
        TreatmentRecord("R-IFACE@pump-uart", Treatment.MITIGATED, "Port fused", ("AUTHN-1",)),
        TreatmentRecord("R-GONE@pump", Treatment.ACCEPTED, "rule retired"),
        TreatmentRecord("R-FLOW@old-flow", Treatment.MITIGATED, "flow removed"),
    )
    analysis = analyze(replace(model, treatments=treatments), RULES)
    threats = by_id(analysis)
    accepted = threats["T-FLOW@pump-to-ehr"]
    assert (accepted.treatment, accepted.rationale) == (
        Treatment.ACCEPTED,
        "Hospital network segmentation is assumed.",
    )
    assert accepted.residual_risk is accepted.inherent_risk
    avoided = threats["R-ELEM@ehr"]
    assert (avoided.treatment, avoided.residual_risk) == (Treatment.AVOIDED, RiskLevel.LOW)
    cited = threats["R-IFACE@pump-uart"]
    assert (cited.treatment, cited.controls, cited.rationale) == (
        Treatment.MITIGATED,
        ("AUTHN-1",),
        "Port fused",
    )
    assert analysis.stale_treatments == ("R-FLOW@old-flow", "R-GONE@pump")


def test_a_treatment_goes_stale_when_its_threat_stops_firing(model: ThreatModel) -> None:
    fixed = replace(model, flows=tuple(replace(f, data=("telemetry",)) for f in model.flows))
    analysis = analyze(fixed, RULES)
    assert "T-FLOW@pump-to-ehr" not in by_id(analysis)
    assert analysis.stale_treatments == ("T-FLOW@pump-to-ehr",)


def test_exploitability_follows_exposure_and_severity_the_worst_hazard(model: ThreatModel) -> None:
    threats = by_id(analyze(model, RULES))
    uart = threats["R-IFACE@pump-uart"]  # exposed: false → one step down
    assert uart.exploitability is Level.LOW
    assert (uart.severity, uart.inherent_risk) == (HarmSeverity.CATASTROPHIC, RiskLevel.MEDIUM)
    ehr_flow = threats["T-FLOW@pump-to-ehr"]  # via pump-wifi: a network → one step up
    assert ehr_flow.exploitability is Level.HIGH
    assert ehr_flow.hazards == ("HAZ-012", "HAZ-020")  # both ends
    assert ehr_flow.severity is HarmSeverity.CATASTROPHIC
    ehr = threats["R-ELEM@ehr"]
    assert (ehr.severity, ehr.inherent_risk) == (HarmSeverity.MINOR, RiskLevel.MEDIUM)


def test_no_linked_hazard_means_unknown_severity_assumed_serious(model: ThreatModel) -> None:
    threat = by_id(analyze(replace(model, hazards=()), RULES))["R-ELEM@ehr"]
    assert threat.severity is None and threat.hazards == ()
    assert threat.inherent_risk is RiskLevel.HIGH  # high exploitability, serious assumed


def test_threats_carry_the_components_of_their_elements(model: ThreatModel) -> None:
    threats = by_id(analyze(model, RULES))
    expected = (
        ComponentLink(purl="pkg:github/wolfssl/wolfssl@5.6.4"),
        ComponentLink(name="FreeRTOS-Kernel"),
    )
    assert threats["R-IFACE@pump-ble"].components == expected
    assert threats["R-FLOW@app-to-pump-therapy"].components == expected  # app has none
    assert threats["R-ELEM@ehr"].components == ()


def test_model_multi_patient_and_crosses_boundary(model: ThreatModel) -> None:
    rules = (
        rule("MP", RuleTarget.ELEMENT, 'model.multi_patient and element.id == "pump"'),
        rule("XB", RuleTarget.FLOW, "flow.crosses_boundary"),
    )
    assert [t.id for t in analyze(model, rules).threats] == [
        "XB@app-to-pump-therapy",
        "XB@pump-to-ehr",
    ]
    multi = replace(model, hazards=tuple(replace(h, multi_patient=True) for h in model.hazards))
    assert "MP@pump" in by_id(analyze(multi, rules))


def test_deterministic_whatever_the_rule_order(model: ThreatModel) -> None:
    assert analyze(model, RULES) == analyze(model, tuple(reversed(RULES)))


def test_duplicate_rule_ids_are_refused(model: ThreatModel) -> None:
    with pytest.raises(ValueError, match="unique"):
        analyze(model, (RULES[0], RULES[0]))


def test_records_offer_exactly_the_documented_fields(model: ThreatModel) -> None:
    index = ModelIndex.of(model)
    (_, flow_env), *_ = index.targets(RuleTarget.FLOW)
    assert set(flow_env["flow"] or {}) == FIELDS["flow"]
    assert set(flow_env["via"] or {}) == FIELDS["interface"]
    assert set(flow_env["target"] or {}) == FIELDS["element"]
    assert set(flow_env["model"] or {}) == FIELDS["model"]
    assert (flow_env["target"] or {})["interfaces"] == ["ble", "service_port", "wifi"]
