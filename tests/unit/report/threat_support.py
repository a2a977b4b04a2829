"""A small, realistic infusion-pump threat analysis built straight from the domain dataclasses.

Hemoflow LVP-300: a pump programmed by a clinician app over BLE, fed drug libraries and firmware
by a hospital drug-library server (which relays the manufacturer's update server), reporting to
the EHR over HL7, and serviced through a UART service port. The gaps are deliberate: a threat
with no control, a control with no requirement, a requirement with no test, a failing test.
"""

from __future__ import annotations

import random
from dataclasses import replace

from hemostat.domain.threat import (
    Asset,
    ComponentLink,
    Control,
    DataFlow,
    Element,
    ElementKind,
    FdaControlCategory,
    HarmSeverity,
    Hazard,
    Interface,
    InterfaceKind,
    Level,
    Requirement,
    RiskLevel,
    RuleTarget,
    SourceRef,
    Stride,
    TestCase,
    Threat,
    ThreatAnalysis,
    ThreatModel,
    Treatment,
    TreatmentRecord,
    TrustBoundary,
)

E = ElementKind
I = InterfaceKind  # noqa: E741
C = FdaControlCategory
ACCEPTED_WHY = "Port is inside the sealed enclosure; labeling tells biomeds to keep it closed."
PUMP_COMPONENTS = (
    ComponentLink(purl="pkg:github/wolfssl/wolfssl@5.6.6"),
    ComponentLink(cpe="cpe:2.3:a:lwip_project:lwip:2.1.3:*:*:*:*:*:*:*"),
    ComponentLink(name="FreeRTOS-Kernel"),
)


def _flow(
    fid: str, src: str, dst: str, via: str | None, proto: str, *data: str, **kw: object
) -> DataFlow:
    return DataFlow(id=fid, source=src, target=dst, via=via, protocol=proto, data=data, **kw)  # type: ignore[arg-type]


def sample_model() -> ThreatModel:
    elements = (
        Element(
            "pump",
            E.DEVICE,
            "LVP-300 pump",
            "pump-enclosure",
            tags=("therapy", "alarm", "safety_critical"),
            attributes=(("stores_phi", True), ("runs_rtos", True)),
            components=PUMP_COMPONENTS,
            releases=("2.1.0",),
            source=SourceRef("model.yaml", 20),
        ),
        Element("clinician", E.USER, "Clinician", "patient-room"),
        Element(
            "clinician-app",
            E.MOBILE_APP,
            "Hemoflow Clinician app",
            "patient-room",
            tags=("therapy",),
            components=(ComponentLink(purl="pkg:maven/com.squareup.okhttp3/okhttp@4.12.0"),),
        ),
        Element(
            "drug-library-server",
            E.HOSPITAL_SYSTEM,
            "Drug library server",
            "hospital-net",
            tags=("central_server",),
            attributes=(("manufacturer_controlled", False),),
        ),
        Element("ehr", E.HOSPITAL_SYSTEM, "Hospital EHR", "hospital-net"),
        Element(
            "update-server",
            E.CLOUD_SERVICE,
            "Hemoflow update service",
            "manufacturer-cloud",
            tags=("central_server",),
        ),
        Element("service-tool", E.SOFTWARE, "Biomed service tool", "biomed-shop"),
        Element("biomed", E.USER, "Biomed technician", "biomed-shop"),
    )
    interfaces = (
        Interface("pump-ble", "pump", I.BLE, "BLE radio", "pairing_passkey", "ble_le_secure"),
        Interface("pump-wifi", "pump", I.WIFI, "Wi-Fi", "certificate", "tls1.2"),
        Interface(
            "pump-service",
            "pump",
            I.SERVICE_PORT,
            "UART service port",
            "password",
            "none",
            exposed=False,
        ),
        Interface("pump-display", "pump", I.DISPLAY, "Touchscreen", "physical_intent", "none"),
        Interface(
            "pump-usb", "pump", I.USB, "USB (factory only)", enabled_in_field=False, exposed=False
        ),
        Interface(
            "druglib-api", "drug-library-server", I.HTTPS_API, "Pump API", "mutual_tls", "tls1.2"
        ),
        Interface("ehr-mllp", "ehr", I.ETHERNET, "HL7 listener"),
    )
    flows = (
        _flow(
            "clinician-to-pump",
            "clinician",
            "pump",
            "pump-display",
            "Touchscreen",
            "therapy_command",
            transport="other",
            authentication="physical_intent",
        ),
        _flow(
            "app-to-pump-therapy",
            "clinician-app",
            "pump",
            "pump-ble",
            "BLE GATT",
            "therapy_command",
            "telemetry",
            transport="ble",
            bidirectional=True,
            encryption="ble_le_secure",
        ),
        _flow(
            "pump-to-app-alarm",
            "pump",
            "clinician-app",
            "pump-ble",
            "BLE GATT",
            "alarm",
            transport="ble",
            authentication="pairing_passkey",
            encryption="ble_le_secure",
        ),
        _flow(
            "druglib-to-pump",
            "drug-library-server",
            "pump",
            "pump-wifi",
            "HTTPS",
            "drug_library",
            "configuration",
            port=443,
            authentication="mutual_tls",
            encryption="tls1.2",
        ),
        _flow(
            "druglib-fw-to-pump",
            "drug-library-server",
            "pump",
            "pump-wifi",
            "HTTPS",
            "firmware",
            port=443,
            authentication="mutual_tls",
            encryption="tls1.2",
        ),
        _flow(
            "pump-to-ehr", "pump", "ehr", "pump-wifi", "HL7 v2 MLLP", "phi", "telemetry", port=2575
        ),
        _flow(
            "update-to-druglib",
            "update-server",
            "drug-library-server",
            None,
            "HTTPS",
            "firmware",
            "drug_library",
            port=443,
            authentication="certificate",
            encryption="tls1.3",
        ),
        _flow(
            "service-to-pump",
            "service-tool",
            "pump",
            "pump-service",
            "UART",
            "firmware",
            "configuration",
            "logs",
            transport="serial",
            bidirectional=True,
            authentication="password",
        ),
        _flow(
            "biomed-to-tool",
            "biomed",
            "service-tool",
            None,
            "Keyboard",
            "credentials",
            transport="other",
            authentication="password",
            encryption="not_applicable",
        ),
    )
    boundaries = (
        TrustBoundary("manufacturer-cloud", "Manufacturer cloud", "organizational"),
        TrustBoundary("hospital-net", "Hospital clinical network", "network"),
        TrustBoundary("biomed-shop", "Biomed workshop", "physical", parent="hospital-net"),
        TrustBoundary("patient-room", "Patient room", "physical"),
        TrustBoundary("pump-enclosure", "Pump enclosure", "physical", parent="patient-room"),
    )
    hazards = (
        Hazard("HAZ-012", "Over-infusion", HarmSeverity.CATASTROPHIC, ("pump",)),
        Hazard(
            "HAZ-020",
            "Corrupted drug library on every pump",
            HarmSeverity.CRITICAL,
            ("drug-library-server", "pump"),
            multi_patient=True,
        ),
        Hazard("HAZ-031", "Missed occlusion alarm", HarmSeverity.SERIOUS, ("clinician-app",)),
        Hazard("HAZ-099", "Display unreadable", HarmSeverity.MINOR, ()),
    )
    controls = (
        Control(
            "AUTHN-1",
            "Authenticated BLE pairing with passkey",
            (C.AUTHENTICATION, C.CRYPTOGRAPHY),
            ("ble_authenticated_pairing",),
            ("pump-ble",),
        ),
        Control(
            "CRYPT-1",
            "Mutual TLS to the drug-library server",
            (C.CRYPTOGRAPHY, C.CONFIDENTIALITY),
            ("mutual_authentication",),
            ("pump-wifi",),
        ),
        Control(
            "INTEG-1",
            "Signed firmware, verified by the bootloader",
            (C.INTEGRITY, C.UPDATES),
            ("signed_firmware",),
            ("pump",),
        ),
        Control(
            "LOG-1",
            "Tamper-evident audit log",
            (C.EVENT_DETECTION_LOGGING,),
            ("audit_log",),
            ("pump",),
        ),
        Control(
            "UPD-1",
            "Staged fleet roll-out with rollback",
            (C.UPDATES, C.RESILIENCY_RECOVERY),
            ("staged_rollout",),
            ("update-server",),
        ),
    )
    requirements = (
        Requirement(
            "SR-001",
            "The pump shall accept therapy commands only over an authenticated channel.",
            ("AUTHN-1",),
        ),
        Requirement("SR-002", "The bootloader shall reject unsigned firmware.", ("INTEG-1",)),
        Requirement("SR-003", "Pump network traffic shall use mutual TLS.", ("CRYPT-1",)),
        Requirement("SR-004", "Security events shall be logged with a timestamp.", ("LOG-1",)),
    )
    tests = (
        TestCase("TC-101", "BLE pairing rejects Just Works", ("SR-001",), "pass"),
        TestCase("TC-102", "Bootloader rejects a bit-flipped image", ("SR-002",), "fail"),
        TestCase(
            "TC-103", "TLS handshake without client certificate fails", ("SR-003",), "not_run"
        ),
    )
    assets = (
        Asset(
            "therapy-settings",
            "Programmed therapy",
            Level.LOW,
            Level.HIGH,
            Level.HIGH,
            "therapy_command",
            ("pump",),
        ),
        Asset(
            "patient-record",
            "Patient identity and vitals",
            Level.HIGH,
            Level.MEDIUM,
            Level.LOW,
            "phi",
            ("pump", "ehr"),
        ),
    )
    treatments = (
        TreatmentRecord(
            "MD-E-002@pump-service",
            Treatment.ACCEPTED,
            "Port is inside the sealed enclosure; labeling tells biomeds to keep it closed.",
        ),
        TreatmentRecord("MD-S-009@old-flow", Treatment.MITIGATED, "Flow removed in 2.1"),
    )
    return ThreatModel(
        id="lvp300-system",
        name="Hemoflow LVP-300 infusion system",
        version="2.1",
        product="infusion-pump",
        releases=("2.1.0", "2.2.0"),
        methodology="STRIDE per element and per data flow",
        rationale="STRIDE per element covers every interface FDA asks about; maps to CAPEC/CWE.",
        assumptions=(
            "The hospital network is hostile: an attacker can alter, drop and replay packets.",
            "Clinicians do not share BLE passkeys.",
        ),
        elements=elements,
        interfaces=interfaces,
        flows=flows,
        boundaries=boundaries,
        assets=assets,
        hazards=hazards,
        controls=controls,
        requirements=requirements,
        tests=tests,
        treatments=treatments,
        files=("model.yaml",),
    )


def _threat(tid: str, title: str, stride: Stride, kind: RuleTarget, **kw: object) -> Threat:
    rule, target = tid.split("@")
    base: dict[str, object] = {
        "description": title + ".",
        "exploitability": Level.MEDIUM,
        "hazards": (),
        "severity": None,
        "inherent_risk": RiskLevel.MEDIUM,
        "treatment": Treatment.OPEN,
        "rationale": "",
        "controls": (),
        "residual_risk": RiskLevel.MEDIUM,
    }
    base.update(kw)
    return Threat(
        id=tid, rule=rule, title=title, stride=stride, target_kind=kind, target=target, **base
    )  # type: ignore[arg-type]


def sample_threats() -> tuple[Threat, ...]:
    R, T, L = RiskLevel, Treatment, Level
    return (
        _threat(
            "MD-S-001@app-to-pump-therapy",
            "Unauthenticated therapy command over a wireless link",
            Stride.SPOOFING,
            RuleTarget.FLOW,
            exploitability=L.HIGH,
            hazards=("HAZ-012",),
            severity=HarmSeverity.CATASTROPHIC,
            inherent_risk=R.CRITICAL,
            treatment=T.MITIGATED,
            controls=("AUTHN-1",),
            residual_risk=R.HIGH,
            components=PUMP_COMPONENTS,
            capec=("CAPEC-151",),
            cwe=("CWE-306",),
            fda_categories=(C.AUTHENTICATION,),
            iec62443=("CR 1.2", "CR 3.1"),
            nist80053=("IA-3", "SC-8"),
        ),
        _threat(
            "MD-I-003@pump-to-ehr",
            "PHI sent in clear text to the EHR",
            Stride.INFORMATION_DISCLOSURE,
            RuleTarget.FLOW,
            inherent_risk=R.HIGH,
            residual_risk=R.HIGH,
            capec=("CAPEC-157",),
            cwe=("CWE-319",),
            fda_categories=(C.CONFIDENTIALITY,),
            iec62443=("CR 4.1",),
            nist80053=("SC-8",),
        ),
        _threat(
            "MD-T-002@druglib-fw-to-pump",
            "Firmware tampered with on the way to the pump",
            Stride.TAMPERING,
            RuleTarget.FLOW,
            hazards=("HAZ-012", "HAZ-020"),
            severity=HarmSeverity.CATASTROPHIC,
            inherent_risk=R.CRITICAL,
            treatment=T.MITIGATED,
            controls=("INTEG-1", "CRYPT-1"),
            residual_risk=R.MEDIUM,
            components=PUMP_COMPONENTS,
            capec=("CAPEC-186",),
            cwe=("CWE-494",),
            fda_categories=(C.INTEGRITY, C.UPDATES),
            iec62443=("CR 3.4",),
            nist80053=("SI-7",),
        ),
        _threat(
            "MD-D-001@drug-library-server",
            "Drug-library server outage stalls the whole fleet",
            Stride.DENIAL_OF_SERVICE,
            RuleTarget.ELEMENT,
            hazards=("HAZ-020",),
            severity=HarmSeverity.CRITICAL,
            inherent_risk=R.HIGH,
            residual_risk=R.HIGH,
            capec=("CAPEC-125",),
            cwe=("CWE-400",),
            fda_categories=(C.RESILIENCY_RECOVERY,),
            iec62443=("CR 7.1",),
            nist80053=("SC-5",),
        ),
        _threat(
            "MD-E-002@pump-service",
            "Service port grants a root shell",
            Stride.ELEVATION_OF_PRIVILEGE,
            RuleTarget.INTERFACE,
            exploitability=L.LOW,
            hazards=("HAZ-012",),
            severity=HarmSeverity.CATASTROPHIC,
            inherent_risk=R.HIGH,
            treatment=T.ACCEPTED,
            rationale=ACCEPTED_WHY,
            residual_risk=R.HIGH,
            components=PUMP_COMPONENTS,
            capec=("CAPEC-121",),
            cwe=("CWE-1191",),
            fda_categories=(C.AUTHORIZATION,),
            iec62443=("CR 2.1",),
            nist80053=("AC-6",),
        ),
        _threat(
            "MD-R-001@pump",
            "Therapy changes cannot be attributed",
            Stride.REPUDIATION,
            RuleTarget.ELEMENT,
            hazards=("HAZ-012",),
            severity=HarmSeverity.CATASTROPHIC,
            inherent_risk=R.MEDIUM,
            treatment=T.MITIGATED,
            controls=("LOG-1",),
            residual_risk=R.LOW,
            components=PUMP_COMPONENTS,
            capec=("CAPEC-268",),
            cwe=("CWE-778",),
            fda_categories=(C.EVENT_DETECTION_LOGGING,),
            iec62443=("CR 2.8",),
            nist80053=("AU-2",),
        ),
    )


def sample_analysis() -> ThreatAnalysis:
    return ThreatAnalysis(
        sample_model(),
        sample_threats(),
        "hemostat-rules 2025.1",
        stale_treatments=("MD-S-009@old-flow",),
    )


def shuffled(analysis: ThreatAnalysis, seed: int) -> ThreatAnalysis:
    """The same analysis with every top-level tuple in another order."""
    rng = random.Random(seed)

    def mix(items: tuple[object, ...]) -> tuple[object, ...]:
        out = list(items)
        rng.shuffle(out)
        return tuple(out)

    m = analysis.model
    fields = (
        "elements",
        "interfaces",
        "flows",
        "boundaries",
        "assets",
        "hazards",
        "controls",
        "requirements",
        "tests",
        "treatments",
    )
    model = replace(m, **{f: mix(getattr(m, f)) for f in fields})
    return replace(
        analysis,
        model=model,
        threats=mix(analysis.threats),  # type: ignore[arg-type]
        stale_treatments=mix(analysis.stale_treatments),
    )  # type: ignore[arg-type]


def hostile(analysis: ThreatAnalysis) -> ThreatAnalysis:
    """Names and free text carrying markup, formulas and control characters."""
    m = analysis.model
    evil = "<script>alert(1)</script> & \"x\" | =cmd|' /C calc'!A0"
    elements = tuple(replace(e, name=evil) if e.id == "pump" else e for e in m.elements)
    flows = tuple(
        replace(f, protocol="<b>BLE</b>\x01") if f.id == "app-to-pump-therapy" else f
        for f in m.flows
    )
    threats = tuple(
        replace(t, title='=HYPERLINK("http://x")', rationale="<img src=x onerror=alert(1)>")
        for t in analysis.threats
    )
    model = replace(
        m,
        name="<script>bad()</script>",
        elements=elements,
        flows=flows,
        assumptions=("-2+3 <i>", *m.assumptions),
    )
    return replace(analysis, model=model, threats=threats)
