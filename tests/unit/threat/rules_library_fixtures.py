"""Trigger fixtures for the built-in threat rules: one minimal model per rule.

Every model has the same skeleton: a device ``dev`` (zone ``zone-dev``), a peer ``peer`` (an
external entity in ``zone-peer``), one interface ``if1`` on ``dev`` and one flow ``f1`` from
``peer`` to ``dev`` via ``if1``, plus a catastrophic hazard on both elements (so the inherent
risk is above ``low`` and a mitigating control visibly lowers it). A fixture lists the field
overrides that make its rule fire, and under ``safe`` the overrides (applied on top) that make
the rule's condition false.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from hemostat.domain.threat import (
    Control,
    DataFlow,
    Element,
    HarmSeverity,
    Hazard,
    Interface,
    RuleTarget,
    ThreatModel,
    TrustBoundary,
)
from hemostat.domain.threat import ElementKind as EK
from hemostat.domain.threat import InterfaceKind as IK

Overrides = Mapping[str, Any]
TARGET_IDS: Mapping[RuleTarget, str] = {
    RuleTarget.ELEMENT: "dev",
    RuleTarget.INTERFACE: "if1",
    RuleTarget.FLOW: "f1",
}


def attrs(**values: str | int | bool) -> tuple[tuple[str, str | int | bool], ...]:
    return tuple(sorted(values.items()))


@dataclass(frozen=True)
class Fx:
    dev: Overrides = field(default_factory=dict)
    peer: Overrides = field(default_factory=dict)
    iface: Overrides = field(default_factory=dict)
    flow: Overrides = field(default_factory=dict)
    hazard: Overrides = field(default_factory=dict)
    safe: Mapping[str, Overrides] = field(default_factory=dict)  # part name → overrides


def build_model(fx: Fx, *, safe: bool = False, controls: tuple[Control, ...] = ()) -> ThreatModel:
    """The fixture's model; ``safe`` applies its ``safe`` overrides on top."""

    def part(name: str, base: Any) -> Any:
        extra = fx.safe.get(name, {}) if safe else {}
        return replace(base, **{**getattr(fx, name), **extra})

    dev = part("dev", Element("dev", EK.DEVICE, "Device", boundary="zone-dev"))
    peer = part("peer", Element("peer", EK.EXTERNAL_ENTITY, "Peer", boundary="zone-peer"))
    iface = part("iface", Interface("if1", element="dev", kind=IK.OTHER))
    flow = part("flow", DataFlow("f1", source="peer", target="dev", via="if1"))
    hazard = part("hazard", Hazard("HAZ-1", "Patient harm", HarmSeverity.CATASTROPHIC))
    return ThreatModel(
        id="fixture",
        name="Rule fixture",
        version="1",
        boundaries=(TrustBoundary("zone-dev", "Device zone"), TrustBoundary("zone-peer", "Peer")),
        elements=(dev, peer),
        interfaces=(iface,),
        flows=(flow,),
        hazards=(replace(hazard, elements=("dev", "peer")),),
        controls=controls,
    )


def _flag(name: str) -> Fx:
    """An element rule triggered by one boolean attribute."""
    return Fx(dev={"attributes": attrs(**{name: True})}, safe={"dev": {"attributes": ()}})


_PHI = {"attributes": attrs(stores_phi=True)}
_NO_PHI = {"attributes": attrs(stores_phi=False)}
_SAME_ZONE = {"peer": {"boundary": "zone-dev"}}
_MTLS = {"flow": {"authentication": "mutual_tls"}}
_NO_DATA = {"flow": {"data": ("telemetry",)}}
_FIRMWARE = {"data": ("firmware",)}

FIXTURES: Mapping[str, Fx] = {
    # Spoofing
    "MD-S-001": Fx(
        iface={"kind": IK.BLE},
        flow={"data": ("therapy_command",)},
        safe={"flow": {"authentication": "pairing_passkey"}},
    ),
    "MD-S-002": Fx(
        iface={"kind": IK.BLE, "authentication": "pairing_just_works"},
        safe={"iface": {"authentication": "pairing_passkey"}},
    ),
    "MD-S-003": _flag("has_default_credentials"),
    "MD-S-004": _flag("hardcoded_credentials"),
    "MD-S-005": _flag("shared_credentials_per_model"),
    "MD-S-006": Fx(flow={"tags": ("remote_support",)}, safe=_MTLS),
    "MD-S-007": Fx(peer={"kind": EK.CLOUD_SERVICE}, flow={"authentication": "token"}, safe=_MTLS),
    "MD-S-008": Fx(flow={"tags": ("hl7",)}, safe=_MTLS),
    "MD-S-009": Fx(
        iface={"kind": IK.INDUCTIVE}, safe={"iface": {"authentication": "physical_intent"}}
    ),
    "MD-S-010": Fx(
        dev={"tags": ("therapy",)},
        flow={"data": ("telemetry",)},
        safe={"flow": {"authentication": "pairing_passkey"}},
    ),
    "MD-S-011": Fx(
        dev={"kind": EK.HOSPITAL_SYSTEM, "tags": ("central_station",)},
        peer={"kind": EK.DEVICE},
        safe=_MTLS,
    ),
    "MD-S-012": Fx(
        iface={"kind": IK.DISPLAY, "authentication": "password"},
        safe={"iface": {"authentication": "token"}},
    ),
    # Tampering
    "MD-T-001": Fx(flow=_FIRMWARE, safe=_NO_DATA),
    "MD-T-002": Fx(flow=_FIRMWARE, safe=_NO_DATA),
    "MD-T-003": Fx(
        flow={"attributes": attrs(integrity_check="crc")},
        safe={"flow": {"attributes": attrs(integrity_check="mac")}},
    ),
    "MD-T-004": Fx(flow={"data": ("drug_library",)}, safe=_MTLS),
    "MD-T-005": Fx(flow={"data": ("configuration",)}, safe=_NO_DATA),
    "MD-T-006": Fx(flow={"data": ("therapy_command",)}, safe=_NO_DATA),
    "MD-T-007": Fx(flow={"tags": ("time_sync",)}, safe=_MTLS),
    "MD-T-008": Fx(flow={"data": ("therapy_command",)}, safe=_SAME_ZONE),
    "MD-T-009": Fx(dev={"tags": ("therapy",)}, safe={"dev": {"tags": ()}}),
    "MD-T-010": Fx(flow={"data": ("alarm",)}, safe={"flow": {"encryption": "tls1.3"}}),
    "MD-T-011": Fx(
        dev={"kind": EK.HOSPITAL_SYSTEM, "tags": ("drug_library_server",)},
        safe={"dev": {"tags": ()}},
    ),
    "MD-T-012": _flag("unsupported_components"),
    "MD-T-013": Fx(iface={"kind": IK.USB}, safe={"iface": {"enabled_in_field": False}}),
    # Repudiation
    "MD-R-001": Fx(dev={"tags": ("therapy",)}, safe={"dev": {"tags": ()}}),
    "MD-R-002": Fx(flow={"data": ("configuration",)}, safe=_NO_DATA),
    "MD-R-003": _flag("logs_only_on_device"),
    "MD-R-004": _flag("local_audit_log"),
    "MD-R-005": Fx(flow={"data": ("audit",)}, safe=_MTLS),
    "MD-R-006": _flag("shared_user_accounts"),
    "MD-R-007": _flag("clock_user_settable"),
    "MD-R-008": Fx(
        iface={"kind": IK.HTTPS_API, "authentication": "password"},
        safe={"iface": {"authentication": "mutual_tls"}},
    ),
    "MD-R-009": Fx(flow={"tags": ("remote_access",)}, safe={"flow": {"tags": ()}}),
    "MD-R-010": Fx(iface={"kind": IK.ETHERNET}, safe={"iface": {"kind": IK.USB}}),
    "MD-R-011": Fx(flow={"data": ("drug_library",)}, safe=_NO_DATA),
    # Information disclosure
    "MD-I-001": Fx(
        dev=_PHI, iface={"kind": IK.REMOVABLE_MEDIA}, safe={"iface": {"encryption": "other"}}
    ),
    "MD-I-002": Fx(flow={"data": ("phi",)}, safe={"flow": {"encryption": "tls1.3"}}),
    "MD-I-003": Fx(
        iface={"kind": IK.BLE, "encryption": "ble_legacy"},
        safe={"iface": {"encryption": "ble_le_secure"}},
    ),
    "MD-I-004": Fx(flow={"data": ("images",)}, safe={"flow": {"encryption": "tls1.2"}}),
    "MD-I-005": Fx(
        dev={"kind": EK.MOBILE_APP},
        safe={"dev": {"attributes": attrs(token_storage="keystore")}},
    ),
    "MD-I-006": Fx(dev=_PHI, safe={"dev": _NO_PHI}),
    "MD-I-007": Fx(dev=_PHI, safe={"dev": {"kind": EK.CLOUD_SERVICE}}),
    "MD-I-008": Fx(flow={"data": ("logs",)}, safe={"flow": {"encryption": "tls1.2"}}),
    "MD-I-009": Fx(
        dev=_PHI, iface={"kind": IK.HTTPS_API}, safe={"iface": {"authentication": "token"}}
    ),
    "MD-I-010": Fx(flow=_FIRMWARE, safe={"flow": {"encryption": "tls1.3"}}),
    "MD-I-011": Fx(dev=_PHI, iface={"kind": IK.DISPLAY}, safe={"dev": _NO_PHI}),
    "MD-I-012": Fx(dev={"tags": ("implant",)}, iface={"kind": IK.BLE}, safe={"dev": {"tags": ()}}),
    # Denial of service
    "MD-D-001": Fx(flow={"data": ("alarm",)}, safe=_NO_DATA),
    "MD-D-002": Fx(
        dev={"tags": ("alarm",)}, iface={"kind": IK.WIFI}, safe={"iface": {"kind": IK.ETHERNET}}
    ),
    "MD-D-003": Fx(iface={"kind": IK.ETHERNET}, safe={"iface": {"exposed": False}}),
    "MD-D-004": Fx(
        dev={"kind": EK.HOSPITAL_SYSTEM, "tags": ("central_server",)},
        hazard={"multi_patient": True},
        safe={"hazard": {"multi_patient": False}},
    ),
    "MD-D-005": Fx(dev={"tags": ("safety_critical",)}, safe={"dev": {"kind": EK.SOFTWARE}}),
    "MD-D-006": Fx(
        dev={"tags": ("therapy",)},
        iface={"kind": IK.DISPLAY, "authentication": "password"},
        safe={"iface": {"authentication": "none"}},
    ),
    "MD-D-007": Fx(iface={"kind": IK.BLE}, safe={"iface": {"exposed": False}}),
    "MD-D-008": Fx(dev={"tags": ("wearable",)}, iface={"kind": IK.NFC}, safe={"dev": {"tags": ()}}),
    "MD-D-009": Fx(safe=_SAME_ZONE),  # the skeleton flow already enters the device from outside
    "MD-D-010": Fx(flow=_FIRMWARE, safe=_NO_DATA),
    "MD-D-011": Fx(peer={"kind": EK.CLOUD_SERVICE}, flow={"data": ("alarm",)}, safe=_NO_DATA),
    # Elevation of privilege
    "MD-E-001": Fx(iface={"kind": IK.SERVICE_PORT}, safe={"iface": {"enabled_in_field": False}}),
    "MD-E-002": Fx(
        iface={"kind": IK.USB, "attributes": attrs(autorun=True)},
        safe={"iface": {"attributes": attrs(autorun=False)}},
    ),
    "MD-E-003": Fx(
        dev={"tags": ("patient_ui", "clinician_ui")}, safe={"dev": {"tags": ("clinician_ui",)}}
    ),
    "MD-E-004": Fx(iface={"tags": ("admin",)}, safe={"iface": {"tags": ()}}),
    "MD-E-005": Fx(flow={"tags": ("remote_support",)}, safe={"flow": {"tags": ("remote_access",)}}),
    "MD-E-006": _flag("end_of_support_os"),
    "MD-E-007": Fx(
        iface={"kind": IK.ETHERNET, "attributes": attrs(listening_services=True)},
        safe={"iface": {"exposed": False}},
    ),
    "MD-E-008": Fx(iface={"kind": IK.SERIAL}, safe={"iface": {"authentication": "password"}}),
    "MD-E-009": Fx(dev={"kind": EK.MOBILE_APP, "tags": ("therapy",)}, safe={"dev": {"tags": ()}}),
    "MD-E-010": Fx(
        dev={"tags": ("therapy",)},
        iface={"kind": IK.HTTPS_API},
        safe={"iface": {"kind": IK.ETHERNET}},
    ),
    "MD-E-011": Fx(dev={"attributes": attrs(runs_as_root=True)}, safe=_SAME_ZONE),
    "MD-E-012": Fx(
        dev={"tags": ("safety_critical",)},
        iface={"kind": IK.WIFI},
        safe={"iface": {"kind": IK.USB}},
    ),
}
