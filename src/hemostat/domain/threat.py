"""Threat models as data: the system description, threat rules, and the analysis results.

The YAML format is documented in docs/threat-model-format.md; ``hemostat.threat.model`` loads it
into these values, ``hemostat.threat.engine`` produces a ``ThreatAnalysis``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ElementKind(StrEnum):
    DEVICE = "device"
    SOFTWARE = "software"  # a software item running on a device or server
    PERIPHERAL = "peripheral"
    MOBILE_APP = "mobile_app"
    CLOUD_SERVICE = "cloud_service"
    HOSPITAL_SYSTEM = "hospital_system"  # EHR, PACS, drug-library server, central station ...
    USER = "user"  # clinician, patient, biomed technician
    EXTERNAL_ENTITY = "external_entity"  # anything else outside the manufacturer's control


class InterfaceKind(StrEnum):
    BLE = "ble"
    WIFI = "wifi"
    ETHERNET = "ethernet"
    CELLULAR = "cellular"
    USB = "usb"
    SERIAL = "serial"
    SERVICE_PORT = "service_port"  # JTAG/SWD/UART debug or service connector
    NFC = "nfc"
    INDUCTIVE = "inductive"  # magnetic/inductive telemetry (implants)
    REMOVABLE_MEDIA = "removable_media"
    DISPLAY = "display"  # local user interface (touchscreen, keypad)
    HTTPS_API = "https_api"
    OTHER = "other"


class Stride(StrEnum):
    SPOOFING = "spoofing"
    TAMPERING = "tampering"
    REPUDIATION = "repudiation"
    INFORMATION_DISCLOSURE = "information_disclosure"
    DENIAL_OF_SERVICE = "denial_of_service"
    ELEVATION_OF_PRIVILEGE = "elevation_of_privilege"


class FdaControlCategory(StrEnum):
    """FDA premarket guidance Appendix 1 (DOMAIN.md §1.6)."""

    AUTHENTICATION = "authentication"
    AUTHORIZATION = "authorization"
    CRYPTOGRAPHY = "cryptography"
    INTEGRITY = "integrity"  # code, data and execution integrity
    CONFIDENTIALITY = "confidentiality"
    EVENT_DETECTION_LOGGING = "event_detection_logging"
    RESILIENCY_RECOVERY = "resiliency_recovery"
    UPDATES = "updates"  # firmware and software updates (updatability/patchability)


class Level(StrEnum):
    """Ordinal scale for CIA needs and exploitability."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class HarmSeverity(StrEnum):
    """ISO 14971 style severity of patient harm (five levels, as in most risk files)."""

    NEGLIGIBLE = "negligible"
    MINOR = "minor"
    SERIOUS = "serious"
    CRITICAL = "critical"
    CATASTROPHIC = "catastrophic"


class Treatment(StrEnum):
    OPEN = "open"
    MITIGATED = "mitigated"
    ACCEPTED = "accepted"
    TRANSFERRED = "transferred"
    AVOIDED = "avoided"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a model item was written: for error messages and traceability."""

    file: str
    line: int


@dataclass(frozen=True, slots=True)
class ComponentLink:
    """A link from an element to SBOM components: exactly one of purl, cpe, name is set."""

    purl: str | None = None
    cpe: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Element:
    id: str
    kind: ElementKind
    name: str
    boundary: str | None = None
    description: str = ""
    tags: tuple[
        str, ...
    ] = ()  # free tags rules may test, e.g. "therapy", "alarm", "central_server"
    attributes: tuple[tuple[str, str | int | bool], ...] = ()  # e.g. ("stores_phi", True)
    components: tuple[ComponentLink, ...] = ()
    releases: tuple[str, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class Interface:
    id: str
    element: str
    kind: InterfaceKind
    name: str = ""
    # none | pairing_just_works | pairing_oob | pairing_passkey | password | certificate | ...
    authentication: str = "none"
    encryption: str = "none"  # none | tls1.2 | tls1.3 | ble_le_secure | aes_ccm | ...
    enabled_in_field: bool = True
    exposed: bool = True  # reachable by someone other than the manufacturer in normal use
    tags: tuple[str, ...] = ()
    attributes: tuple[tuple[str, str | int | bool], ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class DataFlow:
    id: str
    source: str  # element id
    target: str  # element id
    name: str = ""
    via: str | None = None  # interface id on source or target
    protocol: str = ""
    port: int | None = None
    transport: str = "tcp"  # tcp | udp | ble | usb | serial | other
    bidirectional: bool = False
    authentication: str = "none"
    encryption: str = "none"
    # data classes: therapy_command, phi, credentials, firmware, alarm, telemetry, configuration,
    # logs, drug_library, images, audit
    data: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    attributes: tuple[tuple[str, str | int | bool], ...] = ()
    source_ref: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class TrustBoundary:
    id: str
    name: str
    kind: str = "network"  # network | physical | process | organizational
    parent: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class Asset:
    id: str
    name: str
    confidentiality: Level = Level.MEDIUM
    integrity: Level = Level.MEDIUM
    availability: Level = Level.MEDIUM
    data_class: str | None = None
    elements: tuple[str, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class Hazard:
    """A hazard from the ISO 14971 risk file, referenced by its own id."""

    id: str
    title: str
    severity: HarmSeverity
    elements: tuple[str, ...] = ()
    multi_patient: bool = False
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class Control:
    id: str
    name: str
    categories: tuple[FdaControlCategory, ...]
    capabilities: tuple[
        str, ...
    ]  # what rules check for, e.g. "signed_firmware", "ble_authenticated_pairing"
    applies_to: tuple[str, ...]  # element, interface or flow ids
    description: str = ""
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    text: str
    controls: tuple[str, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class TestCase:
    id: str
    name: str
    verifies: tuple[str, ...] = ()  # requirement ids
    result: str = "not_run"  # pass | fail | not_run
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class TreatmentRecord:
    threat: str  # stable threat id "<rule id>@<target id>"
    status: Treatment
    rationale: str = ""
    controls: tuple[str, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class ThreatModel:
    id: str
    name: str
    version: str
    product: str | None = None  # hemostat product key
    releases: tuple[str, ...] = ()
    methodology: str = "STRIDE per element and per data flow"
    rationale: str = ""
    assumptions: tuple[str, ...] = ()
    elements: tuple[Element, ...] = ()
    interfaces: tuple[Interface, ...] = ()
    flows: tuple[DataFlow, ...] = ()
    boundaries: tuple[TrustBoundary, ...] = ()
    assets: tuple[Asset, ...] = ()
    hazards: tuple[Hazard, ...] = ()
    controls: tuple[Control, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    tests: tuple[TestCase, ...] = ()
    treatments: tuple[TreatmentRecord, ...] = ()
    files: tuple[str, ...] = ()


class RuleTarget(StrEnum):
    ELEMENT = "element"
    INTERFACE = "interface"
    FLOW = "flow"


@dataclass(frozen=True, slots=True)
class ThreatRule:
    id: str  # e.g. "MD-S-001"
    title: str
    stride: Stride
    target: RuleTarget
    condition: str  # restricted condition language (docs/threat-rules.md)
    description: str
    mitigated_by: tuple[str, ...]  # control capabilities; any one present on the target mitigates
    exploitability: Level = Level.MEDIUM
    capec: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()
    fda_categories: tuple[FdaControlCategory, ...] = ()
    iec62443: tuple[str, ...] = ()
    nist80053: tuple[str, ...] = ()
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class Threat:
    id: str  # stable: "<rule id>@<target id>"
    rule: str
    title: str
    stride: Stride
    target_kind: RuleTarget
    target: str
    description: str
    exploitability: Level
    hazards: tuple[str, ...]  # linked hazard ids
    severity: HarmSeverity | None  # worst linked hazard severity
    inherent_risk: RiskLevel
    treatment: Treatment
    rationale: str
    controls: tuple[str, ...]  # control ids applied (present on target and mitigating, or cited)
    residual_risk: RiskLevel
    components: tuple[ComponentLink, ...] = ()
    capec: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()
    fda_categories: tuple[FdaControlCategory, ...] = ()
    iec62443: tuple[str, ...] = ()
    nist80053: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ThreatAnalysis:
    model: ThreatModel
    threats: tuple[Threat, ...]
    rules_version: str
    stale_treatments: tuple[str, ...] = field(
        default=()
    )  # treatments whose threat no longer exists
